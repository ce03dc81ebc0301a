//! Identity keys: the customer key and phone digits.

use super::text::{fold_fullwidth, is_invisible, nfc};

/// The customer identity key (SPEC §2 identity).
///
/// - An email (trimmed, full-width folded, lower-cased) when it is non-empty and holds an `@`.
/// - Otherwise the name in NFC with all white space (non-breaking, ideographic, zero-width)
///   removed and full-width forms folded: `김 철수` = `김철수` = `김철수` decomposed,
///   `Ｋｉｍ` = `Kim`. Case is kept: `Kim` and `KIM` are two customers that the duplicate
///   review lists, never merged silently.
/// - A name that is only digits — a customer-id column, possibly read from a float cell as
///   `12346.0` — is the id itself (`12346`).
///
/// `None` when neither gives anything.
pub fn customer_key(email: Option<&str>, name: Option<&str>) -> Option<String> {
    if let Some(email) = email {
        let email = fold_fullwidth(email);
        let email = email.trim();
        if !email.is_empty() && email.contains('@') {
            return Some(email.to_lowercase());
        }
    }
    let name = name?;
    let mut name: String = if name.is_ascii() {
        // The common case (ids, Latin names): nothing to fold, one allocation.
        name.chars().filter(|&c| !is_invisible(c)).collect()
    } else {
        nfc(&fold_fullwidth(name))
            .chars()
            .filter(|&c| !is_invisible(c))
            .collect()
    };
    if name.is_empty() {
        return None;
    }
    if let Some(len) = integral_len(&name) {
        name.truncate(len);
    }
    Some(name)
}

/// The length of the integer part when `s` is `12346` or `12346.0` / `12346.00`.
pub(crate) fn integral_len(s: &str) -> Option<usize> {
    let int = match s.split_once('.') {
        Some((i, f)) if !f.is_empty() && f.bytes().all(|b| b == b'0') => i,
        Some(_) => return None,
        None => s,
    };
    (!int.is_empty() && int.bytes().all(|b| b.is_ascii_digit())).then_some(int.len())
}

/// `12346` or `12346.0` / `12346.00` (a float cell) → `12346`; anything else → `None`.
fn integral_digits(s: &str) -> Option<String> {
    integral_len(s).map(|n| s[..n].to_string())
}

/// Digits of a phone number (`010-1234-5678` → `01012345678`); `None` when fewer than 7.
///
/// Full-width digits are folded; a leading `+` country code is kept as digits
/// (`+82 10-1234-5678` → `821012345678`). A number read from a float cell (`1012345678.0`)
/// loses its `.0`. More than 15 digits (the E.164 maximum) is not one phone number (often two
/// in one cell) and gives `None` too.
pub fn phone_digits(s: &str) -> Option<String> {
    let folded = fold_fullwidth(s);
    let trimmed = folded.trim();
    let text = integral_digits(trimmed).unwrap_or_else(|| trimmed.to_string());
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    (7..=15).contains(&digits.len()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_key_prefers_email() {
        assert_eq!(
            customer_key(Some("  Kim@Example.COM "), Some("김철수")).as_deref(),
            Some("kim@example.com")
        );
        // An email cell without `@` is not an email.
        assert_eq!(
            customer_key(Some("-"), Some("김 철수")).as_deref(),
            Some("김철수")
        );
        assert_eq!(
            customer_key(Some(""), Some("김철수")).as_deref(),
            Some("김철수")
        );
    }

    #[test]
    fn customer_key_normalises_names() {
        assert_eq!(
            customer_key(None, Some("김 철수")).as_deref(),
            Some("김철수")
        );
        assert_eq!(
            customer_key(None, Some(" 김\u{3000}철수 ")).as_deref(),
            Some("김철수")
        );
        // Case is kept (SPEC §2: Kim and KIM are reported for review, not merged).
        assert_eq!(
            customer_key(None, Some("Kim Chul")).as_deref(),
            Some("KimChul")
        );
        assert_eq!(
            customer_key(None, Some("Kim\u{A0}\u{200B}Chul")).as_deref(),
            Some("KimChul")
        );
        assert_eq!(customer_key(None, Some("ＫＩＭ")).as_deref(), Some("KIM"));
        // Decomposed jamo (NFD) and composed syllables are one customer.
        assert_eq!(
            customer_key(None, Some("\u{1100}\u{1175}\u{11B7}철수")).as_deref(),
            Some("김철수")
        );
    }

    #[test]
    fn customer_key_numeric_ids() {
        assert_eq!(customer_key(None, Some("12346")).as_deref(), Some("12346"));
        assert_eq!(
            customer_key(None, Some("12346.0")).as_deref(),
            Some("12346")
        );
        assert_eq!(
            customer_key(None, Some("12346.00")).as_deref(),
            Some("12346")
        );
        assert_eq!(
            customer_key(None, Some("12346.5")).as_deref(),
            Some("12346.5")
        );
        assert_eq!(
            customer_key(None, Some("12346.")).as_deref(),
            Some("12346.")
        );
    }

    #[test]
    fn customer_key_none_when_empty() {
        assert_eq!(customer_key(None, None), None);
        assert_eq!(customer_key(None, Some("  ")), None);
        assert_eq!(customer_key(Some(" "), Some("")), None);
        assert_eq!(customer_key(Some("nobody"), None), None);
    }

    #[test]
    fn phone_digits_forms() {
        assert_eq!(
            phone_digits("010-1234-5678").as_deref(),
            Some("01012345678")
        );
        assert_eq!(
            phone_digits("+82 10-1234-5678").as_deref(),
            Some("821012345678")
        );
        assert_eq!(phone_digits("(02) 123-4567").as_deref(), Some("021234567"));
        assert_eq!(
            phone_digits("０１０－１２３４－５６７８").as_deref(),
            Some("01012345678")
        );
        assert_eq!(phone_digits("1012345678.0").as_deref(), Some("1012345678"));
        assert_eq!(phone_digits("123-456").as_deref(), None);
        assert_eq!(phone_digits("없음"), None);
        assert_eq!(phone_digits(""), None);
        assert_eq!(phone_digits("010-1234-5678, 010-8765-4321"), None);
    }
}
