//! Text normalisation: full-width folding, header keys, Unicode NFC.

/// Fold full-width forms (`ＡＢＣ１２３`, ideographic space) to ASCII.
///
/// U+FF01..=U+FF5E map to U+0021..=U+007E and U+3000 to a space; everything else is kept.
pub fn fold_fullwidth(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

pub(super) fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Characters that are invisible in a cell but break equality: white space (which in Rust's
/// sense already covers NBSP and the ideographic space) plus zero-width space and the BOM,
/// which CSV exports leave in front of the first header.
pub(super) fn is_invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{200C}' | '\u{200D}')
}

/// Header key: case, spaces, `_`, `-`, `.` and full-width forms ignored.
///
/// `Customer ID`, `customer_id`, `CUSTOMER-ID` and `ＣｕｓｔｏｍｅｒＩＤ` all give `customerid`;
/// `주문 일자` gives `주문일자`.
pub fn header_key(s: &str) -> String {
    fold_fullwidth(s)
        .chars()
        .filter(|&c| !is_invisible(c) && !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Unicode NFC: `김철수` typed as composed syllables or as decomposed jamo (as macOS file
/// names and some web forms give it) is one text. ASCII is returned as is.
pub fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization as _;
    if s.is_ascii() || unicode_normalization::is_nfc(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.nfc().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_fullwidth_maps_the_block_and_ideographic_space() {
        assert_eq!(fold_fullwidth("ＡＢＣ１２３"), "ABC123");
        assert_eq!(fold_fullwidth("！～"), "!~");
        assert_eq!(fold_fullwidth("가\u{3000}나"), "가 나");
        assert_eq!(fold_fullwidth("김철수 abc"), "김철수 abc");
    }

    #[test]
    fn header_key_ignores_case_space_punctuation_and_width() {
        for h in [
            "Customer ID",
            "customer_id",
            "CUSTOMER-ID",
            "ＣｕｓｔｏｍｅｒＩＤ",
            "customer.id",
        ] {
            assert_eq!(header_key(h), "customerid", "{h}");
        }
        assert_eq!(header_key("주문 일자"), "주문일자");
        assert_eq!(header_key("\u{FEFF}Invoice\u{A0}Date"), "invoicedate");
        assert_eq!(header_key("주문\u{3000}번호"), "주문번호");
        assert_eq!(header_key("E-mail"), "email");
    }
}
