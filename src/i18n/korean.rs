//! Korean text helpers: the particle that fits a word, won amounts as `98,000원`, and counts
//! with thousands separators.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::values::{format_money, format_number, group_thousands};
use crate::model::{Currency, Lang};

/// The particle pairs dangol chooses between: (after a final consonant, after a vowel).
/// `으로`/`로` is special: a final ㄹ takes `로` (`서울로`).
pub const PARTICLES: &[(&str, &str)] = &[
    ("은", "는"),
    ("이", "가"),
    ("을", "를"),
    ("과", "와"),
    ("으로", "로"),
    ("이라", "라"),
    ("이나", "나"),
    ("아", "야"),
];

/// The particle of the pair named by `either` (`은` or `는`, …) that fits after `word`:
/// `particle("고객", "는") == "은"`, `particle("VIP", "은") == "는"`. An unknown particle is
/// returned as given.
pub fn particle(word: &str, either: &str) -> &'static str {
    let Some(&(with, without)) = PARTICLES.iter().find(|(a, b)| *a == either || *b == either)
    else {
        return "";
    };
    match final_sound(word) {
        Final::None => without,
        Final::Rieul if with == "으로" => without,
        Final::Rieul | Final::Other => with,
    }
}

/// Whether the last sound of `word` is a consonant (`고객` yes, `VIP` no, `3` yes: 삼).
pub fn has_final_consonant(word: &str) -> bool {
    final_sound(word) != Final::None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Final {
    None,
    /// ㄹ: `로`, not `으로`.
    Rieul,
    Other,
}

/// The last sound of a word as read aloud in Korean. Closing quotes, brackets and spaces are
/// skipped (`'판매'` is read as 판매); digits are read as Sino-Korean numbers (`3` 삼,
/// `10` 십, `2` 이); Latin letters by how a Korean reads the word (`VIP` 피, `email` 일,
/// `Gold` 드, an acronym by its last letter's name: `SMS` 스, `CRM` 엠).
fn final_sound(word: &str) -> Final {
    let trimmed = word.trim_end_matches(|c: char| {
        c.is_whitespace() || "'\"’”)]}>」』)".contains(c) || c == '.' || c == '%'
    });
    let pct = word.trim_end().ends_with('%');
    if pct {
        // 퍼센트: no final consonant.
        return Final::None;
    }
    let Some(last) = trimmed.chars().last() else {
        return Final::None;
    };
    if ('\u{AC00}'..='\u{D7A3}').contains(&last) {
        let jong = (last as u32 - 0xAC00) % 28;
        return match jong {
            0 => Final::None,
            8 => Final::Rieul,
            _ => Final::Other,
        };
    }
    if last.is_ascii_digit() {
        let digits: String = trimmed
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        let zeros = digits.chars().take_while(|c| *c == '0').count();
        if zeros == digits.len() {
            return Final::Other; // 영
        }
        if zeros > 0 {
            return Final::Other; // 십, 백, 천, 만
        }
        return match last {
            '1' | '7' | '8' => Final::Rieul, // 일, 칠, 팔
            '0' | '3' | '6' => Final::Other, // 영, 삼, 육
            _ => Final::None,                // 이, 사, 오, 구
        };
    }
    if last.is_ascii_alphabetic() {
        let letters: String = trimmed
            .chars()
            .rev()
            .take_while(char::is_ascii_alphabetic)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let acronym = letters.len() <= 4 && letters.chars().all(|c| c.is_ascii_uppercase());
        if acronym {
            // The letter's name: 엘, 엠, 엔, 알 end in a consonant.
            return match last.to_ascii_uppercase() {
                'L' | 'R' => Final::Rieul,
                'M' | 'N' => Final::Other,
                _ => Final::None,
            };
        }
        let lower = letters.to_ascii_lowercase();
        if lower.ends_with('l') {
            return Final::Rieul;
        }
        if lower.ends_with(['m', 'n', 'k']) || lower.ends_with("ng") {
            return Final::Other;
        }
        return Final::None;
    }
    Final::None
}

/// Money in running text: `98,000원` in Korean for won, `₩98,000` in English; other
/// currencies as [`format_money`] writes them in both (`£3.75`).
pub fn money(lang: Lang, d: Decimal, cur: Currency) -> String {
    if lang == Lang::Ko && cur == Currency::Krw {
        let r = d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        let mut s = format_number(r);
        s.push('원');
        s
    } else {
        format_money(d, cur)
    }
}

/// A count with thousands separators: `5,000`, `135,080`, `12`.
pub fn count(n: impl std::fmt::Display) -> String {
    let text = n.to_string();
    match text.strip_prefix('-') {
        Some(abs) => format!("-{}", group_thousands(abs)),
        None => group_thousands(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_follow_the_final_consonant() {
        assert_eq!(particle("고객", "는"), "은");
        assert_eq!(particle("견적", "를"), "을");
        assert_eq!(particle("시트", "은"), "는");
        assert_eq!(particle("파일", "으로"), "로");
        assert_eq!(particle("판매", "으로"), "로");
        assert_eq!(particle("통합문서", "이"), "가");
        assert_eq!(particle("'판매'", "은"), "는");
        assert_eq!(particle("shop.xlsx", "은"), "는");
        assert_eq!(particle("고객분석", "과"), "과");
        assert_eq!(particle("리마인드", "과"), "와");
    }

    #[test]
    fn particles_after_digits_and_latin_letters() {
        assert_eq!(particle("3개월", "는"), "은");
        assert_eq!(particle("3", "는"), "은"); // 삼
        assert_eq!(particle("2", "은"), "는"); // 이
        assert_eq!(particle("10", "는"), "은"); // 십
        assert_eq!(particle("1", "으로"), "로"); // 일
        assert_eq!(particle("5,000", "는"), "은"); // 오천
        assert_eq!(particle("VIP", "은"), "는");
        assert_eq!(particle("CRM", "는"), "은");
        assert_eq!(particle("Gold", "은"), "는");
        assert_eq!(particle("email", "으로"), "로");
        assert_eq!(particle("30%", "은"), "는");
    }

    #[test]
    fn won_in_korean_text_and_other_forms() {
        assert_eq!(
            money(Lang::Ko, Decimal::from(98_000), Currency::Krw),
            "98,000원"
        );
        assert_eq!(
            money(Lang::En, Decimal::from(98_000), Currency::Krw),
            "₩98,000"
        );
        assert_eq!(
            money(Lang::Ko, Decimal::from(-1_500), Currency::Krw),
            "-1,500원"
        );
        assert_eq!(
            money(Lang::Ko, Decimal::new(375, 2), Currency::Gbp),
            "£3.75"
        );
        assert_eq!(count(5_000u32), "5,000");
        assert_eq!(count(135_080u64), "135,080");
        assert_eq!(count(12u8), "12");
        assert_eq!(count(-4_372i64), "-4,372");
        assert_eq!(count(-372i64), "-372");
    }
}
