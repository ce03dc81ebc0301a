//! Numbers and money: parsing money and counts, exact decimals from float cells, display.

use rust_decimal::{Decimal, RoundingStrategy};

use super::text::{fold_char, fold_fullwidth};
use crate::model::Currency;

/// Parse money text: `1,200,000`, `₩1,200,000`, `1,200,000원`, `120만원`, `$12.50`, `£3.75`,
/// `(1,000)`, `-1,000`, full-width digits. Returns the exact value and the currency its sign
/// showed, if any. `Err` carries nothing: the caller reports the cell.
///
/// Accepted, around one number:
/// - a currency sign or code before or after it (`₩ £ $ € 원`, `KRW GBP USD EUR` in any case);
///   two different currencies are an error;
/// - one negative marker: a leading `-` (or U+2212 `−`), a trailing `-`, or parentheses;
///   a leading `+` is allowed;
/// - grouping by `,` or by spaces (one kind per number, groups of three after the first), a
///   decimal point, or scientific form as CSV exports write big numbers (`1.2E+06`);
/// - Korean units `십 백 천 만 억 조` (`120만` = 1,200,000, `1억 2천만` = 120,000,000,
///   `3.5만` = 35,000, `1만 2,500` = 12,500); at least one digit is required.
///
/// The value is normalised (no trailing zeros: `12.50` gives 12.5).
// `Err(())` is the skeleton's contract: the caller names the cell and what it expected.
#[allow(clippy::result_unit_err)]
pub fn parse_money(text: &str) -> Result<(Decimal, Option<Currency>), ()> {
    let normal: String = text
        .chars()
        .map(|c| match fold_char(c) {
            '\u{2212}' | '\u{2012}' | '\u{2013}' | '\u{FE63}' => '-',
            '\u{FFE6}' => '₩',
            '\u{FFE1}' => '£',
            c => c,
        })
        .collect();
    let mut rest = normal.trim();
    let mut cur: Option<Currency> = None;
    let mut set_cur = |c: Currency| -> Result<(), ()> {
        match cur {
            Some(old) if old != c => Err(()),
            _ => {
                cur = Some(c);
                Ok(())
            }
        }
    };
    // Each marker may appear once; any order (`-₩1,000`, `₩-1,000`, `(₩1,000)`, `₩(1,000)`).
    let (mut open, mut close) = (false, false);
    let mut sign_marks = 0;
    let mut negative = false;
    let mut front_cur = false;
    loop {
        rest = rest.trim_start();
        if !open && let Some(r) = rest.strip_prefix('(') {
            open = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('-') {
            sign_marks += 1;
            negative = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('+') {
            sign_marks += 1;
            rest = r;
        } else if !front_cur && let Some((c, r)) = currency_prefix(rest) {
            front_cur = true;
            set_cur(c)?;
            rest = r;
        } else {
            break;
        }
        if sign_marks > 1 {
            return Err(());
        }
    }
    let mut back_cur = false;
    loop {
        rest = rest.trim_end();
        if !close && let Some(r) = rest.strip_suffix(')') {
            close = true;
            rest = r;
        } else if let Some(r) = rest.strip_suffix('-') {
            sign_marks += 1;
            negative = true;
            rest = r;
        } else if !back_cur && let Some((c, r)) = currency_suffix(rest) {
            back_cur = true;
            set_cur(c)?;
            rest = r;
        } else {
            break;
        }
        if sign_marks > 1 {
            return Err(());
        }
    }
    if open != close {
        return Err(());
    }
    if open {
        if sign_marks > 0 {
            return Err(());
        }
        negative = true;
    }
    let value = parse_amount_body(rest).ok_or(())?;
    let value = if negative { -value } else { value };
    Ok((value.normalize(), cur))
}

const CURRENCY_SIGNS: [(&str, Currency); 4] = [
    ("₩", Currency::Krw),
    ("£", Currency::Gbp),
    ("$", Currency::Usd),
    ("€", Currency::Eur),
];

const CURRENCY_CODES: [(&str, Currency); 4] = [
    ("KRW", Currency::Krw),
    ("GBP", Currency::Gbp),
    ("USD", Currency::Usd),
    ("EUR", Currency::Eur),
];

fn currency_prefix(s: &str) -> Option<(Currency, &str)> {
    // Korean Excel's CP949 CSV export writes ₩ as a backslash (the won sign's code in KS X
    // 1003 is ASCII's backslash): `\12,000` is ₩12,000.
    if let Some(r) = s.strip_prefix('\\') {
        return Some((Currency::Krw, r));
    }
    for (sign, c) in CURRENCY_SIGNS {
        if let Some(r) = s.strip_prefix(sign) {
            return Some((c, r));
        }
    }
    for (code, c) in CURRENCY_CODES {
        if s.len() >= 3 && s.is_char_boundary(3) && s[..3].eq_ignore_ascii_case(code) {
            let r = &s[3..];
            // `USDA` is a word, not a currency code.
            if !r.chars().next().is_some_and(char::is_alphabetic) {
                return Some((c, r));
            }
        }
    }
    None
}

fn currency_suffix(s: &str) -> Option<(Currency, &str)> {
    if let Some(r) = s.strip_suffix('원') {
        return Some((Currency::Krw, r));
    }
    for (sign, c) in CURRENCY_SIGNS {
        if let Some(r) = s.strip_suffix(sign) {
            return Some((c, r));
        }
    }
    for (code, c) in CURRENCY_CODES {
        let n = s.len();
        if n >= 3 && s.is_char_boundary(n - 3) && s[n - 3..].eq_ignore_ascii_case(code) {
            let r = &s[..n - 3];
            if !r.chars().next_back().is_some_and(char::is_alphabetic) {
                return Some((c, r));
            }
        }
    }
    None
}

/// The unsigned number left once signs and currency are peeled off.
fn parse_amount_body(s: &str) -> Option<Decimal> {
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if s.chars().any(|c| korean_unit(c).is_some()) {
        return parse_korean_units(s);
    }
    if let Some(d) = parse_scientific(s) {
        return Some(d);
    }
    parse_unsigned(s, true)
}

/// `1.2E+06`, `3e5`: how Excel's CSV export writes large numbers in General format.
fn parse_scientific(s: &str) -> Option<Decimal> {
    let (mant, exp) = s.split_once(['e', 'E'])?;
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let exp_digits = exp.strip_prefix('-').unwrap_or(exp);
    if exp_digits.is_empty()
        || exp_digits.len() > 2
        || !exp_digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mant = parse_unsigned(mant, false)?;
    Decimal::from_scientific(&format!("{mant}e{exp}")).ok()
}

/// An unsigned decimal: digits, optional grouping (`,`, or a space when `space_groups`), one
/// optional `.` with digits after it. Grouping must be regular: the first group 1–3 digits, the
/// rest exactly 3, and one separator kind per number — so `1,000 2,000` and `12 34` are not
/// numbers.
fn parse_unsigned(s: &str, space_groups: bool) -> Option<Decimal> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (i, f)
        }
        None => (s, ""),
    };
    let is_sep = |c: char| c == ',' || (space_groups && matches!(c, ' ' | '\u{A0}' | '\u{202F}'));
    let mut seps = int.chars().filter(|&c| is_sep(c));
    let digits: String = if let Some(sep) = seps.next() {
        if seps.any(|c| c != sep) {
            return None;
        }
        let mut groups = int.split(sep);
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut digits = first.to_string();
        for g in groups {
            if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.push_str(g);
        }
        digits
    } else {
        if !int.bytes().all(|b| b.is_ascii_digit()) || (int.is_empty() && frac.is_empty()) {
            return None;
        }
        int.to_string()
    };
    let digits = if digits.is_empty() { "0" } else { &digits };
    let text = if frac.is_empty() {
        digits.to_string()
    } else {
        format!("{digits}.{frac}")
    };
    Decimal::from_str_exact(&text).ok()
}

/// The power of ten of a Korean numeral unit, and whether it closes a group of four digits.
fn korean_unit(c: char) -> Option<(u32, bool)> {
    match c {
        '십' => Some((1, false)),
        '백' => Some((2, false)),
        '천' => Some((3, false)),
        '만' => Some((4, true)),
        '억' => Some((8, true)),
        '조' => Some((12, true)),
        _ => None,
    }
}

/// `120만`, `1억 2천만`, `3.5만`, `1만 2,500`, `2천5백만`. Units must descend (`만 억` is
/// not a number); a unit with no number before it counts once (`천만` = 10,000,000).
fn parse_korean_units(s: &str) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    let mut group = Decimal::ZERO;
    let mut group_used = false;
    let mut pending: Option<Decimal> = None;
    let mut last_big = u32::MAX;
    let mut last_small = u32::MAX;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = &rest[c.len_utf8()..];
        } else if c.is_ascii_digit() || c == '.' {
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
                .unwrap_or(rest.len());
            if pending.is_some() {
                return None;
            }
            pending = Some(parse_unsigned(&rest[..end], false)?);
            rest = &rest[end..];
        } else if let Some((exp, big)) = korean_unit(c) {
            let pow = Decimal::from_i128_with_scale(10_i128.pow(exp), 0);
            if big {
                if exp >= last_big {
                    return None;
                }
                last_big = exp;
                last_small = u32::MAX;
                let n = match pending.take() {
                    Some(p) => group.checked_add(p)?,
                    None if group_used => group,
                    None => Decimal::ONE,
                };
                total = total.checked_add(n.checked_mul(pow)?)?;
                group = Decimal::ZERO;
                group_used = false;
            } else {
                if exp >= last_small {
                    return None;
                }
                last_small = exp;
                let n = pending.take().unwrap_or(Decimal::ONE);
                group = group.checked_add(n.checked_mul(pow)?)?;
                group_used = true;
            }
            rest = &rest[c.len_utf8()..];
        } else {
            return None;
        }
    }
    total
        .checked_add(group)?
        .checked_add(pending.unwrap_or(Decimal::ZERO))
}

/// A binary float as its shortest decimal form (`2.55` stays 2.55). `None` for NaN/inf.
///
/// Rust prints the shortest digit string that reads back as the same float; that string is
/// taken as the exact decimal, so `0.1 + 0.2` gives 0.30000000000000004 (its shortest form),
/// never the binary expansion 0.3000000000000000444…. The result is normalised. Magnitudes
/// beyond `Decimal`'s range (about 7.9e28) give `None`; digits below 28 decimal places round
/// (midpoint away from zero).
pub fn money_from_f64(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    if let Some(d) = short_decimal(value) {
        return Some(d);
    }
    money_from_f64_text(value)
}

/// Powers of ten exact in an `f64`, for the fast path of [`money_from_f64`].
const POW10: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];

/// The fast path of [`money_from_f64`] for the cells real data holds (quantities, prices with
/// up to six decimals): no text round trip.
///
/// For `k` = 0, 1, … it takes `m` = `value × 10^k` rounded and accepts `m / 10^k` when that
/// division gives back exactly `value`. Both `m` (below 10^15, so exact) and `10^k` are exact
/// floats and IEEE division rounds correctly, so acceptance means the decimal `m·10^-k` reads
/// back as `value`. Decimals of at most 15 significant digits never share a float, so it is the
/// only such decimal with `k` places, and the smallest `k` gives the shortest digit string: the
/// same decimal the text path takes from Rust's shortest round-trip formatting. Anything else
/// (more digits, huge or tiny magnitudes) returns `None` and takes the text path.
fn short_decimal(value: f64) -> Option<Decimal> {
    for (k, p) in POW10.iter().enumerate() {
        let m = (value * p).round();
        if m.abs() >= 1e15 {
            return None;
        }
        #[allow(clippy::float_cmp)]
        // exact equality is the point: the decimal reads back as `value`.
        if m / p == value {
            return Some(Decimal::new(m as i64, k as u32).normalize());
        }
    }
    None
}

/// The general path of [`money_from_f64`]: through Rust's shortest round-trip text.
fn money_from_f64_text(value: f64) -> Option<Decimal> {
    // `{:e}` is the shortest round-trip digits with an explicit exponent: `2.55e0`, `-1e-7`.
    let text = format!("{value:e}");
    let (mant, exp) = text.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let (negative, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    // At most 17 significant digits: fits an i128 with room for scaling.
    let mut mantissa: i128 = format!("{int}{frac}").parse().ok()?;
    let mut scale = i64::from(exp) - frac.len() as i64; // value = m × 10^scale
    if scale > 0 {
        while scale > 0 {
            mantissa = mantissa.checked_mul(10)?;
            scale -= 1;
            if mantissa > MAX_MANTISSA {
                return None;
            }
        }
    } else if scale < -28 {
        // Below Decimal's 28 places: round the dropped digits, midpoint away from zero.
        let drop = -28 - scale;
        if drop > 38 {
            mantissa = 0;
        } else {
            let divisor = 10_i128.pow(drop as u32);
            let (quot, rem) = (mantissa / divisor, mantissa % divisor);
            mantissa = if rem * 2 >= divisor { quot + 1 } else { quot };
        }
        scale = -28;
    }
    let signed = if negative { -mantissa } else { mantissa };
    let dec = Decimal::try_from_i128_with_scale(signed, (-scale) as u32).ok()?;
    Some(dec.normalize())
}

/// The largest mantissa a `Decimal` holds (2^96 − 1).
const MAX_MANTISSA: i128 = (1 << 96) - 1;

/// Format money for display: grouping, the currency's decimals, sign (`₩1,200,000`, `-£3.75`).
///
/// Rounds to the currency's decimals (midpoint away from zero) and always shows them
/// (`$0.00`); the sign goes before the symbol (`-£1,234.50`); an amount that rounds to zero
/// shows no sign.
pub fn format_money(d: Decimal, cur: Currency) -> String {
    let dp = cur.decimals();
    let rounded = d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = rounded.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(cur.symbol());
    out.push_str(&group_thousands(int));
    if dp > 0 {
        out.push('.');
        out.push_str(frac);
        for _ in frac.len()..dp as usize {
            out.push('0');
        }
    }
    out
}

/// Format a plain number with thousands separators, no trailing zeros (`1,250,000`, `12.5`).
pub fn format_number(d: Decimal) -> String {
    let d = d.normalize();
    let text = d.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if d.is_sign_negative() && !d.is_zero() {
        out.push('-');
    }
    out.push_str(&group_thousands(int));
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// `1234567` → `1,234,567` (ASCII digits only).
pub(crate) fn group_thousands(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parse a non-negative whole count: `3`, `３`, `3회`, `3.0` (a float cell), `1,200`.
/// A `회`/`번`/`건` suffix is allowed; fractions, signs, blanks and text are errors.
// `Err(())` is the skeleton's contract: the caller names the cell and what it expected.
#[allow(clippy::result_unit_err)]
pub fn parse_count(text: &str) -> Result<u32, ()> {
    let folded = fold_fullwidth(text);
    let s = folded.trim();
    let s = s
        .strip_suffix('회')
        .or_else(|| s.strip_suffix('번'))
        .or_else(|| s.strip_suffix('건'))
        .unwrap_or(s)
        .trim_end();
    let d = parse_unsigned(s, false).ok_or(())?;
    if !d.is_integer() {
        return Err(());
    }
    // Normalised, a whole number has scale 0, so its mantissa is its value.
    u32::try_from(d.normalize().mantissa()).map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn money(s: &str) -> (String, Option<Currency>) {
        let (v, c) = parse_money(s).unwrap_or_else(|()| panic!("{s:?} should parse"));
        (v.to_string(), c)
    }

    #[test]
    fn money_plain_and_grouped() {
        assert_eq!(money("1200000"), ("1200000".into(), None));
        assert_eq!(money("1,200,000"), ("1200000".into(), None));
        assert_eq!(money(" 1 200 000 "), ("1200000".into(), None));
        assert_eq!(money("1\u{A0}200"), ("1200".into(), None));
        assert_eq!(money("12.50"), ("12.5".into(), None));
        assert_eq!(money("0.05"), ("0.05".into(), None));
        assert_eq!(money("1,234.56"), ("1234.56".into(), None));
        assert_eq!(money("0"), ("0".into(), None));
        assert_eq!(money("+500"), ("500".into(), None));
        assert_eq!(money("1.2E+06"), ("1200000".into(), None));
        assert_eq!(money("2.5e-3"), ("0.0025".into(), None));
    }

    #[test]
    fn money_fullwidth() {
        assert_eq!(money("１，２００，０００"), ("1200000".into(), None));
        assert_eq!(money("－１，０００"), ("-1000".into(), None));
        assert_eq!(money("￦1,000"), ("1000".into(), Some(Currency::Krw)));
        assert_eq!(money("￡3.75"), ("3.75".into(), Some(Currency::Gbp)));
        assert_eq!(money("＄12.50"), ("12.5".into(), Some(Currency::Usd)));
    }

    #[test]
    fn money_currency_signs_and_codes() {
        assert_eq!(money("₩1,200,000"), ("1200000".into(), Some(Currency::Krw)));
        assert_eq!(
            money("₩ 1,200,000"),
            ("1200000".into(), Some(Currency::Krw))
        );
        assert_eq!(
            money("1,200,000원"),
            ("1200000".into(), Some(Currency::Krw))
        );
        assert_eq!(
            money("1,200,000 원"),
            ("1200000".into(), Some(Currency::Krw))
        );
        assert_eq!(money("£3.75"), ("3.75".into(), Some(Currency::Gbp)));
        assert_eq!(money("$12.50"), ("12.5".into(), Some(Currency::Usd)));
        assert_eq!(money("€9.99"), ("9.99".into(), Some(Currency::Eur)));
        assert_eq!(
            money("9,99 €".replace(',', ".").as_str()),
            ("9.99".into(), Some(Currency::Eur))
        );
        assert_eq!(money("KRW 5,000"), ("5000".into(), Some(Currency::Krw)));
        assert_eq!(money("5000 krw"), ("5000".into(), Some(Currency::Krw)));
        assert_eq!(money("GBP12.00"), ("12".into(), Some(Currency::Gbp)));
        assert_eq!(money("12.50 USD"), ("12.5".into(), Some(Currency::Usd)));
        assert_eq!(money("EUR 1"), ("1".into(), Some(Currency::Eur)));
        assert_eq!(money("₩1,000원"), ("1000".into(), Some(Currency::Krw)));
    }

    #[test]
    fn money_korean_units() {
        assert_eq!(money("120만원"), ("1200000".into(), Some(Currency::Krw)));
        assert_eq!(money("120만"), ("1200000".into(), None));
        assert_eq!(
            money("1억 2천만원"),
            ("120000000".into(), Some(Currency::Krw))
        );
        assert_eq!(money("1억2천만"), ("120000000".into(), None));
        assert_eq!(money("3.5만"), ("35000".into(), None));
        assert_eq!(money("5천"), ("5000".into(), None));
        assert_eq!(money("5천원"), ("5000".into(), Some(Currency::Krw)));
        assert_eq!(money("1억"), ("100000000".into(), None));
        assert_eq!(money("1만 2,500원"), ("12500".into(), Some(Currency::Krw)));
        assert_eq!(
            money("2천5백만원"),
            ("25000000".into(), Some(Currency::Krw))
        );
        assert_eq!(money("1,200만"), ("12000000".into(), None));
        assert_eq!(money("-5만원"), ("-50000".into(), Some(Currency::Krw)));
        assert_eq!(money("₩120만"), ("1200000".into(), Some(Currency::Krw)));
        assert_eq!(money("1조 5억"), ("1000500000000".into(), None));
    }

    #[test]
    fn money_negatives() {
        assert_eq!(money("(1,000)"), ("-1000".into(), None));
        assert_eq!(money("(₩1,000)"), ("-1000".into(), Some(Currency::Krw)));
        assert_eq!(money("₩(1,000)"), ("-1000".into(), Some(Currency::Krw)));
        assert_eq!(money("-1,000"), ("-1000".into(), None));
        assert_eq!(money("\u{2212}1,000"), ("-1000".into(), None));
        assert_eq!(money("1,000-"), ("-1000".into(), None));
        assert_eq!(money("-₩1,000"), ("-1000".into(), Some(Currency::Krw)));
        assert_eq!(money("₩-1,000"), ("-1000".into(), Some(Currency::Krw)));
        assert_eq!(money("-£3.75"), ("-3.75".into(), Some(Currency::Gbp)));
        assert_eq!(money("-12.50"), ("-12.5".into(), None));
        assert_eq!(money("-0"), ("0".into(), None));
    }

    #[test]
    fn money_rejections() {
        for bad in [
            "",
            "  ",
            "N/A",
            "12abc",
            "abc",
            "1,000 2,000",
            "12 34",
            "1 2",
            "-",
            "(1,000",
            "1,000)",
            "--1",
            "-(1,000)",
            "-1,000-",
            "$1,000원",
            "£5 USD",
            "1,00",
            "1,,000",
            ",100",
            "1.2.3",
            "12.",
            "만원",
            "만",
            "1만 2억",
            "5백 2천",
            "12 만 34 5",
            "USDA 5",
            "1e",
            "1e999",
            "0x10",
            "1/2",
            "12:30",
            "₩",
            "원",
        ] {
            assert_eq!(parse_money(bad), Err(()), "{bad:?}");
        }
    }

    #[test]
    fn money_overflow_is_an_error() {
        assert_eq!(parse_money("99999999999999999999999999999999"), Err(()));
        assert_eq!(parse_money("9999999999999999999999조"), Err(()));
    }

    #[test]
    fn money_from_f64_shortest_form() {
        assert_eq!(money_from_f64(2.55), Some(d("2.55")));
        assert_eq!(money_from_f64(2.55).unwrap().to_string(), "2.55");
        assert_eq!(
            money_from_f64(0.1 + 0.2).unwrap().to_string(),
            "0.30000000000000004"
        );
        assert_eq!(money_from_f64(1_200_000.0).unwrap().to_string(), "1200000");
        assert_eq!(money_from_f64(12.5).unwrap().to_string(), "12.5");
        assert_eq!(money_from_f64(-3.75).unwrap().to_string(), "-3.75");
        assert_eq!(money_from_f64(0.0).unwrap().to_string(), "0");
        assert_eq!(money_from_f64(-0.0).unwrap().to_string(), "0");
        assert_eq!(money_from_f64(1e-7).unwrap().to_string(), "0.0000001");
        assert_eq!(
            money_from_f64(1.5e20).unwrap().to_string(),
            "150000000000000000000"
        );
        assert_eq!(money_from_f64(1e-30).unwrap().to_string(), "0");
        assert_eq!(
            money_from_f64(1.2345e-25).unwrap().to_string(),
            "0.0000000000000000000000001235"
        );
        assert_eq!(money_from_f64(f64::NAN), None);
        assert_eq!(money_from_f64(f64::INFINITY), None);
        assert_eq!(money_from_f64(f64::NEG_INFINITY), None);
        assert_eq!(money_from_f64(1e30), None);
    }

    #[test]
    fn format_money_forms() {
        assert_eq!(format_money(d("1200000"), Currency::Krw), "₩1,200,000");
        assert_eq!(format_money(d("1200000.5"), Currency::Krw), "₩1,200,001");
        assert_eq!(format_money(d("-1200000.5"), Currency::Krw), "-₩1,200,001");
        assert_eq!(format_money(d("3.75"), Currency::Gbp), "£3.75");
        assert_eq!(format_money(d("-1234.5"), Currency::Gbp), "-£1,234.50");
        assert_eq!(format_money(d("0"), Currency::Usd), "$0.00");
        assert_eq!(format_money(d("2.345"), Currency::Eur), "€2.35");
        assert_eq!(format_money(d("-2.345"), Currency::Eur), "-€2.35");
        assert_eq!(format_money(d("-0.001"), Currency::Gbp), "£0.00");
        assert_eq!(format_money(d("999.999"), Currency::Usd), "$1,000.00");
        assert_eq!(format_money(d("100"), Currency::Krw), "₩100");
        assert_eq!(format_money(d("1000"), Currency::Krw), "₩1,000");
    }

    #[test]
    fn format_number_forms() {
        assert_eq!(format_number(d("1250000")), "1,250,000");
        assert_eq!(format_number(d("12.50")), "12.5");
        assert_eq!(format_number(d("-3")), "-3");
        assert_eq!(format_number(d("0.25")), "0.25");
        assert_eq!(format_number(d("-1234567.125")), "-1,234,567.125");
        assert_eq!(format_number(d("0.000")), "0");
        assert_eq!(format_number(d("-0")), "0");
        assert_eq!(format_number(d("999")), "999");
        assert_eq!(format_number(d("100000")), "100,000");
    }

    #[test]
    fn count_forms() {
        assert_eq!(parse_count("3"), Ok(3));
        assert_eq!(parse_count(" ３ "), Ok(3));
        assert_eq!(parse_count("3회"), Ok(3));
        assert_eq!(parse_count("3 번"), Ok(3));
        assert_eq!(parse_count("3건"), Ok(3));
        assert_eq!(parse_count("3.0"), Ok(3));
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("1,200"), Ok(1200));
        assert_eq!(parse_count("4294967295"), Ok(u32::MAX));
        for bad in [
            "",
            "-1",
            "3.5",
            "abc",
            "회",
            "4294967296",
            "3 회 4",
            "1 200",
        ] {
            assert_eq!(parse_count(bad), Err(()), "{bad:?}");
        }
    }

    // Exact float equality is the property under test (shortest form reads back bit-equal).
    #[allow(clippy::float_cmp)]
    mod props {
        use proptest::prelude::*;

        use super::super::*;

        fn currency() -> impl Strategy<Value = Currency> {
            prop_oneof![
                Just(Currency::Krw),
                Just(Currency::Gbp),
                Just(Currency::Usd),
                Just(Currency::Eur),
            ]
        }

        proptest! {
            // The fast path must give the very decimal (value and scale) the text path gives.
            #[test]
            fn money_fast_path_matches_text_path(bits in any::<u64>()) {
                let f = f64::from_bits(bits);
                if let Some(fast) = short_decimal(f) {
                    let text = money_from_f64_text(f).map(|d| (d, d.scale()));
                    prop_assert_eq!(Some((fast, fast.scale())), text);
                }
            }

            #[test]
            fn money_fast_path_short_decimals(m in -1_000_000_000_000_000_i64..1_000_000_000_000_000, k in 0_u32..9) {
                let f = m as f64 / 10_f64.powi(k as i32);
                let text = money_from_f64_text(f).map(|d| (d, d.scale()));
                prop_assert_eq!(money_from_f64(f).map(|d| (d, d.scale())), text);
            }

            #[test]
            fn format_number_reads_back(m in -1_000_000_000_000_000_i64..1_000_000_000_000_000, scale in 0_u32..8) {
                let d = Decimal::new(m, scale);
                prop_assert_eq!(parse_money(&format_number(d)), Ok((d.normalize(), None)));
            }

            #[test]
            fn format_money_reads_back(m in -1_000_000_000_000_i64..1_000_000_000_000, cur in currency()) {
                let d = Decimal::new(m, cur.decimals());
                prop_assert_eq!(parse_money(&format_money(d, cur)), Ok((d.normalize(), Some(cur))));
            }

            #[test]
            fn money_from_f64_round_trips(f in prop_oneof![-1e20_f64..1e20, -1.0_f64..1.0]) {
                prop_assume!(f == 0.0 || f.abs() > 1e-10);
                let d = money_from_f64(f).unwrap();
                let back: f64 = d.to_string().parse().unwrap();
                prop_assert_eq!(back, f);
                // Never longer than the shortest form.
                let shortest = f.to_string();
                prop_assert!(d.to_string().len() <= shortest.len());
            }

            #[test]
            fn korean_like_text_never_panics(s in "[0-9., 십백천만억조원₩()+-]{0,20}") {
                let _ = parse_money(&s);
            }
        }
    }
}
