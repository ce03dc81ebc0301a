//! Yes/no flags.

use super::text::fold_fullwidth;
use crate::model::Flag;

/// Parse a yes/no flag text (not a date; the caller tries dates first).
///
/// Yes: `Y`, `yes`, `TRUE`, `1`, `O`, `○`, `◯`, `예`, `네`, `있음`, `완료`, `v`, `✓`, `✔`,
/// `✅`, `☑`.
/// No: blank, `N`, `no`, `FALSE`, `0`, `X`, `×`, `✗`, `✕`, `❌`, `아니오`, `아니요`, `없음`, `-`.
/// Case-insensitive, trimmed, full-width folded; `1.0`/`0.0` (float cells) count as `1`/`0`.
// `Err(())` is the skeleton's contract: the caller names the cell and what it expected.
#[allow(clippy::result_unit_err)]
pub fn parse_flag(text: &str) -> Result<Flag, ()> {
    // Emoji check marks arrive with a variation selector (`✔️` = U+2714 U+FE0F).
    let s: String = fold_fullwidth(text)
        .chars()
        .filter(|c| !matches!(c, '\u{FE0E}' | '\u{FE0F}'))
        .collect::<String>()
        .trim()
        .to_lowercase();
    match s.as_str() {
        "y" | "yes" | "true" | "1" | "1.0" | "o" | "○" | "◯" | "예" | "네" | "있음" | "완료"
        | "v" | "✓" | "✔" | "✅" | "☑" => Ok(Flag::Yes),
        "" | "n" | "no" | "false" | "0" | "0.0" | "x" | "×" | "✗" | "✕" | "❌" | "아니오"
        | "아니요" | "없음" | "-" => Ok(Flag::No),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_yes_words() {
        for yes in [
            "Y",
            "y",
            "yes",
            "YES",
            "Yes",
            "TRUE",
            "true",
            "1",
            "1.0",
            "O",
            "o",
            "○",
            "◯",
            "예",
            "네",
            "있음",
            "완료",
            "v",
            "V",
            "✓",
            "✔",
            "✔\u{FE0F}",
            "✅",
            "☑",
            " Y ",
            "Ｙ",
        ] {
            assert_eq!(parse_flag(yes), Ok(Flag::Yes), "{yes:?}");
        }
    }

    #[test]
    fn flag_no_words() {
        for no in [
            "",
            "  ",
            "N",
            "n",
            "no",
            "NO",
            "FALSE",
            "false",
            "0",
            "0.0",
            "X",
            "x",
            "×",
            "✗",
            "아니오",
            "아니요",
            "없음",
            "-",
            "\u{3000}",
        ] {
            assert_eq!(parse_flag(no), Ok(Flag::No), "{no:?}");
        }
    }

    #[test]
    fn flag_rejections() {
        for bad in ["maybe", "2", "yes please", "OX", "?", "미정"] {
            assert_eq!(parse_flag(bad), Err(()), "{bad:?}");
        }
    }
}
