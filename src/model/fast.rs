//! Byte-level fast paths for the values a sales row holds on nearly every line — a plain
//! decimal (`6.95`, `-12`), an ISO date-time (`2009-12-01 07:45:00`), an ASCII customer id —
//! read straight from the text without the intermediate `String`s, tokens and folding of the
//! full parsers in [`super::values`].
//!
//! Each function either gives exactly what its full parser gives, or `None`: then the caller
//! runs the full parser, which also words the error. Nothing here decides anything the full
//! parsers would not; a proptest (`tests` below) compares the two on generated messy values.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

/// Digits a plain decimal may have in all: 18 always fit an `i64` mantissa.
const MAX_DIGITS: usize = 18;

/// `[-]digits[.digits]` with at least one digit before the point and one after it, nothing
/// else (no sign `+`, spaces, grouping, currency or exponent): the value
/// [`super::values::parse_money`] gives it, normalised. A negative zero is left to the full
/// parser.
pub fn plain_decimal(text: &str) -> Option<Decimal> {
    let b = text.as_bytes();
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let mut mantissa: i64 = 0;
    let mut scale: u32 = 0;
    let mut seen_point = false;
    let mut int_digits = 0usize;
    let mut count = 0usize;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                count += 1;
                if count > MAX_DIGITS {
                    return None;
                }
                mantissa = mantissa * 10 + i64::from(c - b'0');
                if seen_point {
                    scale += 1;
                } else {
                    int_digits += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => return None,
        }
    }
    if int_digits == 0 || (seen_point && scale == 0) || (negative && mantissa == 0) {
        return None;
    }
    let mantissa = if negative { -mantissa } else { mantissa };
    Some(Decimal::new(mantissa, scale).normalize())
}

/// Two ASCII digits as a number.
fn two(b: &[u8]) -> Option<u32> {
    match b {
        [x @ b'0'..=b'9', y @ b'0'..=b'9'] => Some(u32::from(x - b'0') * 10 + u32::from(y - b'0')),
        _ => None,
    }
}

/// `YYYY-MM-DD`, optionally followed by a space or `T` and `HH:MM` or `HH:MM:SS` (two digits
/// each): what [`super::values::parse_date`] gives it (the day/month order plays no part in a
/// year-first date). Anything else, or an impossible day or time, is left to the full parser.
pub fn iso_datetime(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = two(&b[0..2])? * 100 + two(&b[2..4])?;
    if year < 1000 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, two(&b[5..7])?, two(&b[8..10])?)?;
    let time = match &b[10..] {
        [] => NaiveTime::MIN,
        [b' ' | b'T', h @ .., b':', m0, m1] if h.len() == 2 => {
            NaiveTime::from_hms_opt(two(h)?, two(&[*m0, *m1])?, 0)?
        }
        [b' ' | b'T', h0, h1, b':', m0, m1, b':', s0, s1] => {
            NaiveTime::from_hms_opt(two(&[*h0, *h1])?, two(&[*m0, *m1])?, two(&[*s0, *s1])?)?
        }
        _ => return None,
    };
    Some(date.and_time(time))
}

/// The identity key of a customer known by an ASCII name or id and no e-mail, written into
/// `out` (cleared first): what [`super::values::customer_key`]`(None, Some(name))` gives.
/// `false` when the name is not ASCII (the caller uses the full function) or the key is empty.
pub fn ascii_name_key(name: &str, out: &mut String) -> Option<bool> {
    if !name.is_ascii() {
        return None;
    }
    out.clear();
    out.extend(name.chars().filter(|c| !c.is_whitespace()));
    if out.is_empty() {
        return Some(false);
    }
    if let Some(len) = super::values::integral_len(out) {
        out.truncate(len);
    }
    Some(true)
}

/// The digits of a phone number written in ASCII, into `out` (cleared first): what
/// [`super::values::phone_digits`] gives, without its three `String`s — `Some(true)` when that
/// is a number, `Some(false)` when it gives `None`, `None` when the text is not ASCII (the
/// caller uses the full function).
pub fn ascii_phone_digits(written: &str, out: &mut String) -> Option<bool> {
    if !written.is_ascii() {
        return None;
    }
    out.clear();
    let trimmed = written.trim();
    let text = super::values::integral_len(trimmed).map_or(trimmed, |n| &trimmed[..n]);
    out.extend(text.chars().filter(char::is_ascii_digit));
    Some((7..=15).contains(&out.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::values::{DateOrder, customer_key, parse_date, parse_money, phone_digits};
    use proptest::prelude::*;

    #[test]
    fn common_forms() {
        assert_eq!(plain_decimal("6.95"), Some(Decimal::new(695, 2)));
        assert_eq!(plain_decimal("-12"), Some(Decimal::new(-12, 0)));
        assert_eq!(
            plain_decimal("12.50").map(|d| d.to_string()),
            Some("12.5".into())
        );
        for messy in [
            "", "-", ".5", "5.", "1,000", " 5", "+5", "1e3", "-0", "-0.0", "1.2.3",
        ] {
            assert_eq!(plain_decimal(messy), None, "{messy:?}");
        }
        assert_eq!(
            iso_datetime("2009-12-01 07:45:00").map(|d| d.to_string()),
            Some("2009-12-01 07:45:00".into())
        );
        assert_eq!(
            iso_datetime("2011-02-28T23:59").map(|d| d.to_string()),
            Some("2011-02-28 23:59:00".into())
        );
        for messy in [
            "2011-02-30",
            "2011-2-28",
            "2011-02-28 7:45",
            "2011-02-28 24:00",
            "0999-01-01",
        ] {
            assert_eq!(iso_datetime(messy), None, "{messy:?}");
        }
        let mut key = String::new();
        assert_eq!(ascii_name_key("13085.0", &mut key), Some(true));
        assert_eq!(key, "13085");
        assert_eq!(ascii_name_key(" Kim  Lee ", &mut key), Some(true));
        assert_eq!(key, "KimLee");
        assert_eq!(ascii_name_key("  ", &mut key), Some(false));
        assert_eq!(ascii_name_key("김철수", &mut key), None);
        let mut digits = String::new();
        assert_eq!(
            ascii_phone_digits(" 010-1234-5678 ", &mut digits),
            Some(true)
        );
        assert_eq!(digits, "01012345678");
        assert_eq!(
            ascii_phone_digits(" 1012345678.0\t", &mut digits),
            Some(true)
        );
        assert_eq!(digits, "1012345678");
        assert_eq!(ascii_phone_digits("123-45", &mut digits), Some(false));
        assert_eq!(ascii_phone_digits("０１０-1234-5678", &mut digits), None);
    }

    /// Values as a POS export or a hand-typed sheet holds them: mostly plain, with signs,
    /// grouping, currency, spaces, odd digits and stray characters mixed in.
    fn messy_number() -> impl Strategy<Value = String> {
        prop_oneof![
            "-?[0-9]{1,20}(\\.[0-9]{0,12})?",
            "[-+ ]?[0-9,.]{0,12}[0-9]?",
            "[-+(₩£$ ]{0,2}[0-9]{1,7}(,[0-9]{3})?(\\.[0-9]{1,3})?[)원 ]{0,2}",
            "[0-9eE+.\\-]{1,8}",
            "-?0+(\\.0+)?",
            ".{0,6}",
        ]
    }

    fn messy_date() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?",
            "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])( ([01][0-9]|2[0-4]):[0-5][0-9](:[0-6][0-9])?)?",
            "[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?( ?[AaPp][Mm])?",
            "[0-9 :T\\-]{8,22}",
            ".{0,12}",
        ]
    }

    fn messy_phone() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ ]?(\\+82 ?)?0?1[0-9]-?[0-9]{3,4}-?[0-9]{4}[ ]?",
            "[0-9]{6,16}(\\.0{0,2})?",
            "[0-9() +./\\-\\t]{0,20}",
            "[0-9０-９\u{3000}\u{A0}-]{0,14}",
            ".{0,10}",
        ]
    }

    fn messy_name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,6}(\\.0{0,3})?",
            "[ A-Za-z0-9.\\t]{0,12}",
            "[ 김철수Ｋｉｍ\u{200B}\u{A0}a-z0-9.]{0,8}",
        ]
    }

    proptest! {
        #[test]
        fn plain_decimal_agrees_with_parse_money(text in messy_number()) {
            if let Some(fast) = plain_decimal(&text) {
                let full = parse_money(&text);
                prop_assert!(full.is_ok(), "{text:?}: fast {fast}, full rejects");
                let (full, cur) = full.unwrap();
                prop_assert_eq!(cur, None);
                prop_assert_eq!(fast.to_string(), full.to_string(), "{:?}", text);
                prop_assert_eq!(fast.scale(), full.scale(), "{:?}", text);
            }
        }

        #[test]
        fn iso_datetime_agrees_with_parse_date(text in messy_date()) {
            if let Some(fast) = iso_datetime(&text) {
                for order in [DateOrder::Auto, DateOrder::Dmy, DateOrder::Mdy] {
                    prop_assert_eq!(parse_date(&text, order), Ok(fast), "{:?}", text);
                }
            }
        }

        #[test]
        fn ascii_phone_digits_agrees_with_phone_digits(phone in messy_phone()) {
            let mut digits = String::from("left over");
            match ascii_phone_digits(&phone, &mut digits) {
                None => prop_assert!(!phone.is_ascii()),
                Some(true) => prop_assert_eq!(phone_digits(&phone), Some(digits), "{:?}", phone),
                Some(false) => prop_assert_eq!(phone_digits(&phone), None, "{:?}", phone),
            }
        }

        #[test]
        fn ascii_name_key_agrees_with_customer_key(name in messy_name()) {
            let mut key = String::new();
            match ascii_name_key(&name, &mut key) {
                None => prop_assert!(!name.is_ascii()),
                Some(true) => prop_assert_eq!(customer_key(None, Some(&name)), Some(key)),
                Some(false) => prop_assert_eq!(customer_key(None, Some(&name)), None),
            }
        }
    }
}
