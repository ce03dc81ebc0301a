//! Parsing of cell values: money, dates, flags, counts, names, headers and phone numbers — the
//! small parsers every reader shares, so that one cell text means the same thing everywhere.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Currency, Flag};

/// Which way round `4/5/2025` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Only unambiguous forms; `4/5/2025` is an error unless the column decides it.
    #[default]
    Auto,
    /// day/month/year
    Dmy,
    /// month/day/year
    Mdy,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// `4/5/2025`: both readings are valid; set `date_order`.
    Ambiguous,
    /// Not a date in any known form.
    Invalid,
}

// ---------------------------------------------------------------------------------------------
// Text normalisation
// ---------------------------------------------------------------------------------------------

/// Fold full-width forms (`ＡＢＣ１２３`, ideographic space) to ASCII.
///
/// U+FF01..=U+FF5E map to U+0021..=U+007E and U+3000 to a space; everything else is kept.
pub fn fold_fullwidth(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Characters that are invisible in a cell but break equality: white space (which in Rust's
/// sense already covers NBSP and the ideographic space) plus zero-width space and the BOM,
/// which CSV exports leave in front of the first header.
fn is_invisible(c: char) -> bool {
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

// ---------------------------------------------------------------------------------------------
// Numbers and money
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// Parse date text in every form of SPEC §2 "Dates".
///
/// Date forms (full-width folded, trimmed):
/// - year first: `2025-04-15`, `2025-4-5`, `2025/04/15`, `2025.04.15`, `2025. 4. 15.` (Korean
///   Excel, optional trailing dot) — one separator kind per date;
/// - `20250415` (eight digits, a valid date only);
/// - `2025년 4월 15일` (spaces optional);
/// - year last: `4/15/2025`, `15/04/2025`, also with `-` or `.`; a two-digit year is 20xx but
///   only with `/` (`25.04.15` could be yy.mm.dd, so it is `Invalid`). When one of the first two
///   parts is above 12 the reading is fixed; when both are ≤ 12 and differ the result is
///   `Ambiguous` unless `order` is `Dmy` or `Mdy` (which then is applied strictly).
///
/// - a named month: `15-Apr-2025`, `15 Apr 25` (Excel's `d-mmm-yy`), `Apr 15, 2025`,
///   `April 15 2025`;
/// - a weekday name before or after the date is skipped, unchecked: `2025년 4월 15일 화요일`,
///   `2025-04-15 (화)`, `Tue, 15 Apr 2025`.
///
/// Then an optional time: `T` or space, `h:mm`, `h:mm:ss`, `h:mm:ss.fff`, `14시 3분 5초`,
/// with `AM`/`PM` or `오전`/`오후` before or after (`오후 2:03`), and an ignored `Z` (days are
/// local: no time-zone conversion).
pub fn parse_date(text: &str, order: DateOrder) -> Result<NaiveDateTime, DateError> {
    let folded = fold_fullwidth(text);
    let tokens = tokenize(folded.trim()).ok_or(DateError::Invalid)?;
    let mut p = Parser {
        toks: &tokens,
        pos: 0,
    };
    if p.weekday() {
        p.sym(',');
    }
    let date = p.date(order)?;
    p.weekday();
    let time = p.time().ok_or(DateError::Invalid)?;
    if p.pos != tokens.len() {
        return Err(DateError::Invalid);
    }
    Ok(date.and_time(time))
}

/// For a day/month/year-last text (`15/04/2025`), which order it proves: `Some(Dmy)` when the
/// first part is above 12, `Some(Mdy)` when the second is, else `None` (also for every other
/// form). Readers use it to decide whether a whole column is unambiguous.
pub fn date_order_hint(text: &str) -> Option<DateOrder> {
    let folded = fold_fullwidth(text);
    let tokens = tokenize(folded.trim())?;
    let mut p = Parser {
        toks: &tokens,
        pos: 0,
    };
    let (a, b, _) = p.year_last()?;
    // Only a whole date-time text is evidence.
    p.time()?;
    if p.pos != tokens.len() {
        return None;
    }
    match (a > 12, b > 12) {
        (true, false) => Some(DateOrder::Dmy),
        (false, true) => Some(DateOrder::Mdy),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    /// A run of ASCII digits.
    Num(&'a str),
    /// A run of letters; `년월일시분초` are always single tokens so `15일오후` splits.
    Word(String),
    /// Any other single character (`-`, `/`, `.`, `:`, …).
    Sym(char),
}

fn tokenize(s: &str) -> Option<Vec<Tok<'_>>> {
    // The longest real form (`Tuesday, September 30, 2025 12:59:59.123456 p.m.`) is far
    // shorter; a long text is not a date and is not worth scanning.
    if s.len() > 80 {
        return None;
    }
    let mut toks = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let len = if c.is_ascii_digit() {
            let n = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            toks.push(Tok::Num(&rest[..n]));
            n
        } else if c.is_whitespace() {
            c.len_utf8()
        } else if KO_WEEKDAYS.contains(&c) && rest[c.len_utf8()..].starts_with("요일") {
            // `월요일`/`일요일` must not split at their `월`/`일`.
            let n = c.len_utf8() + "요일".len();
            toks.push(Tok::Word(rest[..n].to_string()));
            n
        } else if "년월일시분초".contains(c) {
            toks.push(Tok::Word(c.to_string()));
            c.len_utf8()
        } else if c.is_alphabetic() {
            let n = rest
                .find(|c: char| !c.is_alphabetic() || "년월일시분초".contains(c))
                .unwrap_or(rest.len());
            toks.push(Tok::Word(rest[..n].to_lowercase()));
            n
        } else {
            toks.push(Tok::Sym(c));
            c.len_utf8()
        };
        rest = &rest[len..];
    }
    Some(toks)
}

const KO_WEEKDAYS: [char; 7] = ['월', '화', '수', '목', '금', '토', '일'];

/// `월`, `화요일`, `Tue`, `tuesday` (lower-cased token).
fn is_weekday(w: &str) -> bool {
    const EN: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let mut chars = w.chars();
    let ko = chars.next().is_some_and(|c| KO_WEEKDAYS.contains(&c))
        && matches!(chars.as_str(), "" | "요일");
    ko || EN
        .iter()
        .any(|e| w == *e || (w.len() == 3 && e.starts_with(w)))
        || matches!(w, "tues" | "wed" | "thur" | "thurs")
}

/// `apr`, `april`, `sept` → the month number.
fn month_name(w: &str) -> Option<u32> {
    const EN: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if w == "sept" {
        return Some(9);
    }
    EN.iter()
        .position(|m| w == *m || (w.len() == 3 && m.starts_with(w)))
        .map(|i| i as u32 + 1)
}

struct Parser<'t, 'a> {
    toks: &'t [Tok<'a>],
    pos: usize,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Tok<'_>> {
        self.toks.get(self.pos)
    }

    /// A number of `min..=max` digits.
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        match self.peek() {
            Some(Tok::Num(n)) if (min..=max).contains(&n.len()) => {
                let v = n.parse().ok()?;
                self.pos += 1;
                Some(v)
            }
            _ => None,
        }
    }

    fn sym(&mut self, want: char) -> bool {
        if self.peek() == Some(&Tok::Sym(want)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self, want: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(w)) if w == want) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn any_sym(&mut self, allowed: &[char]) -> Option<char> {
        match self.peek() {
            Some(&Tok::Sym(c)) if allowed.contains(&c) => {
                self.pos += 1;
                Some(c)
            }
            _ => None,
        }
    }

    /// Try a sub-parser; rewind when it fails.
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.pos;
        let r = f(self);
        if r.is_none() {
            self.pos = start;
        }
        r
    }

    fn date(&mut self, order: DateOrder) -> Result<NaiveDate, DateError> {
        let ymd = |y: u32, m: u32, d: u32| {
            NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DateError::Invalid)
        };
        if let Some((y, m, d)) = self.attempt(Parser::korean_date) {
            return ymd(y, m, d);
        }
        if let Some((y, m, d)) = self.attempt(Parser::year_first) {
            return ymd(y, m, d);
        }
        if let Some((y, m, d)) = self.attempt(Parser::named_month) {
            return ymd(y, m, d);
        }
        if let Some(n) = self.num(8, 8) {
            if n / 10_000 < 1000 {
                return Err(DateError::Invalid);
            }
            return ymd(n / 10_000, n / 100 % 100, n % 100);
        }
        let (a, b, y) = self.attempt(Parser::year_last).ok_or(DateError::Invalid)?;
        let dmy = NaiveDate::from_ymd_opt(y as i32, b, a);
        let mdy = NaiveDate::from_ymd_opt(y as i32, a, b);
        match order {
            DateOrder::Dmy => dmy.ok_or(DateError::Invalid),
            DateOrder::Mdy => mdy.ok_or(DateError::Invalid),
            DateOrder::Auto => match (dmy, mdy) {
                (Some(x), Some(y)) if x == y => Ok(x),
                (Some(_), Some(_)) => Err(DateError::Ambiguous),
                (Some(x), None) | (None, Some(x)) => Ok(x),
                (None, None) => Err(DateError::Invalid),
            },
        }
    }

    /// A weekday name, bare or in parentheses (`(화)`, `화요일`, `Tue`); its value is not
    /// checked against the date: a wrong label should not lose a clear date.
    fn weekday(&mut self) -> bool {
        self.attempt(|p| {
            let open = p.sym('(');
            if !matches!(p.peek(), Some(Tok::Word(w)) if is_weekday(w)) {
                return None;
            }
            p.pos += 1;
            p.sym('.');
            (!open || p.sym(')')).then_some(())
        })
        .is_some()
    }

    fn month_word(&mut self) -> Option<u32> {
        let m = match self.peek() {
            Some(Tok::Word(w)) => month_name(w)?,
            _ => return None,
        };
        self.pos += 1;
        self.sym('.');
        Some(m)
    }

    /// `15-Apr-2025`, `15 Apr 25`, `Apr 15, 2025`, `April 15 2025`: the month is named, so
    /// there is no day/month question.
    fn named_month(&mut self) -> Option<(u32, u32, u32)> {
        if let Some(m) = self.attempt(Parser::month_word) {
            let d = self.num(1, 2)?;
            self.sym(',');
            let y = self.num(4, 4).filter(|&y| y >= 1000)?;
            return Some((y, m, d));
        }
        let d = self.num(1, 2)?;
        let sep = self.any_sym(&['-', '/', '.']);
        let m = self.month_word()?;
        if let Some(sep) = sep
            && !self.sym(sep)
        {
            return None;
        }
        let y = match self.peek() {
            Some(Tok::Num(n)) if n.len() == 4 => self.num(4, 4).filter(|&y| y >= 1000)?,
            Some(Tok::Num(n)) if n.len() == 2 => 2000 + self.num(2, 2)?,
            _ => return None,
        };
        Some((y, m, d))
    }

    fn korean_date(&mut self) -> Option<(u32, u32, u32)> {
        let y = self.num(2, 4)?;
        let y = match y {
            0..=99 => 2000 + y,
            100..=999 => return None,
            _ => y,
        };
        if !self.word("년") {
            return None;
        }
        let m = self.num(1, 2)?;
        if !self.word("월") {
            return None;
        }
        let d = self.num(1, 2)?;
        if !self.word("일") {
            return None;
        }
        self.sym('.');
        Some((y, m, d))
    }

    fn year_first(&mut self) -> Option<(u32, u32, u32)> {
        let y = self.num(4, 4)?;
        if y < 1000 {
            return None;
        }
        let sep = self.any_sym(&['-', '/', '.'])?;
        let m = self.num(1, 2)?;
        if !self.sym(sep) {
            return None;
        }
        let d = self.num(1, 2)?;
        if sep == '.' {
            self.sym('.');
        }
        Some((y, m, d))
    }

    /// `a sep b sep year`: the two leading parts (unresolved) and the year.
    fn year_last(&mut self) -> Option<(u32, u32, u32)> {
        let a = self.num(1, 2)?;
        let sep = self.any_sym(&['-', '/', '.'])?;
        let b = self.num(1, 2)?;
        if !self.sym(sep) {
            return None;
        }
        let y = match self.peek() {
            Some(Tok::Num(n)) if n.len() == 4 => self.num(4, 4).filter(|&y| y >= 1000)?,
            Some(Tok::Num(n)) if n.len() == 2 && sep == '/' => 2000 + self.num(2, 2)?,
            _ => return None,
        };
        Some((a, b, y))
    }

    /// The optional time after a date; midnight when there is none.
    fn time(&mut self) -> Option<NaiveTime> {
        if self.pos == self.toks.len() {
            return NaiveTime::from_hms_opt(0, 0, 0);
        }
        self.word("t");
        let before = self.meridiem();
        let (h, m, s, nano) = self
            .attempt(Parser::clock_time)
            .or_else(|| self.attempt(Parser::korean_time))?;
        let after = self.meridiem();
        let mer = match (before, after) {
            (Some(_), Some(_)) => return None,
            (m, None) | (None, m) => m,
        };
        // `Z` or an ISO offset (`+09:00`, `-0500`, `+09`): the time is kept as written — days
        // are local, no time-zone conversion (SPEC §2).
        if !self.word("z") {
            self.attempt(|p| {
                p.any_sym(&['+', '-'])?;
                if p.num(4, 4).is_some() {
                    return Some(());
                }
                p.num(2, 2)?;
                if p.sym(':') {
                    p.num(2, 2)?;
                }
                Some(())
            });
        }
        let h = match mer {
            None => h,
            Some(false) if h <= 12 => h % 12,
            Some(true) if h <= 12 => h % 12 + 12,
            Some(_) => return None,
        };
        NaiveTime::from_hms_nano_opt(h, m, s, nano)
    }

    /// `Some(false)` for AM/오전, `Some(true)` for PM/오후.
    fn meridiem(&mut self) -> Option<bool> {
        for (w, pm) in [("am", false), ("pm", true), ("오전", false), ("오후", true)] {
            if self.word(w) {
                return Some(pm);
            }
        }
        // `a.m.` / `p.m.`
        self.attempt(|p| {
            let pm = if p.word("a") {
                false
            } else if p.word("p") {
                true
            } else {
                return None;
            };
            (p.sym('.') && p.word("m")).then(|| p.sym('.')).map(|_| pm)
        })
    }

    fn clock_time(&mut self) -> Option<(u32, u32, u32, u32)> {
        let h = self.num(1, 2)?;
        if !self.sym(':') {
            return None;
        }
        let m = self.num(2, 2)?;
        let mut s = 0;
        let mut nano = 0;
        if self.sym(':') {
            s = self.num(2, 2)?;
            if self.sym('.') {
                let Some(Tok::Num(f)) = self.peek() else {
                    return None;
                };
                // Keep at most nanoseconds; further digits cannot matter to a shop.
                let digits: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
                nano = digits.parse().ok()?;
                self.pos += 1;
            }
        }
        Some((h, m, s, nano))
    }

    fn korean_time(&mut self) -> Option<(u32, u32, u32, u32)> {
        let h = self.num(1, 2)?;
        if !self.word("시") {
            return None;
        }
        let mut m = 0;
        let mut s = 0;
        if let Some(v) = self.attempt(|p| p.num(1, 2).filter(|_| p.word("분"))) {
            m = v;
            if let Some(v) = self.attempt(|p| p.num(1, 2).filter(|_| p.word("초"))) {
                s = v;
            }
        }
        Some((h, m, s, 0))
    }
}

/// An Excel serial date (1900 or 1904 system) as a date-time.
///
/// 1900 system: serial 1 = 1900-01-01; Excel counts a fictitious 1900-02-29 as serial 60
/// (which gives `None`), so serial 61 = 1900-03-01 and later serials are days after
/// 1899-12-30. 1904 system: serial 0 = 1904-01-01. The fraction is the time of day, rounded to
/// the nearest second. `None` for NaN, negative serials, serials below 1 in the 1900 system,
/// and serials from 2,958,466 on (9999-12-31 is the last day Excel shows).
pub fn excel_serial(serial: f64, is_1904: bool) -> Option<NaiveDateTime> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    if !is_1904 && serial < 1.0 {
        return None;
    }
    // Rounding the whole serial to seconds lets 23:59:59.6 carry into the next day.
    let total = (serial * 86_400.0).round() as i64;
    let (days, secs) = (total.div_euclid(86_400), total.rem_euclid(86_400));
    let (base, days) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, days)
    } else if days < 60 {
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, days)
    } else if days == 60 {
        return None;
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, days)
    };
    let date = base.checked_add_signed(Duration::days(days))?;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(secs as u32, 0)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn dt(y: i32, m: u32, day: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, day)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    fn day(y: i32, m: u32, dd: u32) -> NaiveDateTime {
        dt(y, m, dd, 0, 0, 0)
    }

    fn money(s: &str) -> (String, Option<Currency>) {
        let (v, c) = parse_money(s).unwrap_or_else(|()| panic!("{s:?} should parse"));
        (v.to_string(), c)
    }

    fn auto(s: &str) -> Result<NaiveDateTime, DateError> {
        parse_date(s, DateOrder::Auto)
    }

    // --- text normalisation ---------------------------------------------------------------

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

    // --- money ---------------------------------------------------------------------------

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

    // --- flags ---------------------------------------------------------------------------

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

    // --- dates ---------------------------------------------------------------------------

    #[test]
    fn date_iso_forms() {
        assert_eq!(auto("2025-04-15"), Ok(day(2025, 4, 15)));
        assert_eq!(auto(" 2025-04-15 "), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025-04-15 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("2025-04-15T14:03:05"), Ok(dt(2025, 4, 15, 14, 3, 5)));
        assert_eq!(auto("2025-04-15T14:03:05Z"), Ok(dt(2025, 4, 15, 14, 3, 5)));
        // An ISO offset is accepted like `Z`; the time stays as written (local days).
        assert_eq!(
            auto("2025-04-15T14:03:05+09:00"),
            Ok(dt(2025, 4, 15, 14, 3, 5))
        );
        assert_eq!(
            auto("2025-04-15T14:03:05-0500"),
            Ok(dt(2025, 4, 15, 14, 3, 5))
        );
        assert_eq!(auto("2025-04-15 14:03+09"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert!(auto("2025-04-15T14:03:05+9:0").is_err());
        assert_eq!(
            auto("2025-04-15 14:03:05.123"),
            Ok(NaiveDate::from_ymd_opt(2025, 4, 15)
                .unwrap()
                .and_hms_milli_opt(14, 3, 5, 123)
                .unwrap())
        );
        assert_eq!(auto("2025-4-5"), Ok(day(2025, 4, 5)));
        assert_eq!(auto("2025-04-15 0:00:00"), Ok(day(2025, 4, 15)));
    }

    #[test]
    fn date_year_first_separators() {
        assert_eq!(auto("2025.04.15"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025. 4. 15."), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025. 4. 15"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025/04/15"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025/4/5 9:05"), Ok(dt(2025, 4, 5, 9, 5, 0)));
        assert_eq!(
            auto("2025. 4. 15. 오후 2:03:00"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(auto("２０２５－０４－１５"), Ok(day(2025, 4, 15)));
    }

    #[test]
    fn date_compact() {
        assert_eq!(auto("20250415"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("20250415 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("20250230"), Err(DateError::Invalid));
        assert_eq!(auto("20251315"), Err(DateError::Invalid));
        assert_eq!(auto("12345678"), Err(DateError::Invalid));
        assert_eq!(auto("2025041"), Err(DateError::Invalid));
        assert_eq!(auto("202504150"), Err(DateError::Invalid));
    }

    #[test]
    fn date_korean() {
        assert_eq!(auto("2025년 4월 15일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025년4월15일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025 년 04 월 15 일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025년 4월 15일 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(
            auto("2025년 4월 15일 오후 2:03"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 오전 9:05"),
            Ok(dt(2025, 4, 15, 9, 5, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일오후2:03"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 오후 12:30"),
            Ok(dt(2025, 4, 15, 12, 30, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 오전 12:30"),
            Ok(dt(2025, 4, 15, 0, 30, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 14시 3분"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 오후 2시"),
            Ok(dt(2025, 4, 15, 14, 0, 0))
        );
        assert_eq!(
            auto("2025년 4월 15일 14시 3분 5초"),
            Ok(dt(2025, 4, 15, 14, 3, 5))
        );
        assert_eq!(auto("25년 4월 15일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025년 2월 30일"), Err(DateError::Invalid));
        assert_eq!(auto("2025년 4월"), Err(DateError::Invalid));
    }

    #[test]
    fn date_year_last_unambiguous() {
        assert_eq!(auto("4/15/2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15/04/2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15-04-2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15.04.2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("4/15/25"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("4/4/2025"), Ok(day(2025, 4, 4)));
        assert_eq!(auto("4/15/2025 2:03 PM"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("4/15/2025 2:03:09 pm"), Ok(dt(2025, 4, 15, 14, 3, 9)));
        assert_eq!(auto("4/15/2025 12:03 AM"), Ok(dt(2025, 4, 15, 0, 3, 0)));
        assert_eq!(auto("4/15/2025 9:03 a.m."), Ok(dt(2025, 4, 15, 9, 3, 0)));
        assert_eq!(auto("15/04/2025 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("12/1/2010 8:26"), Err(DateError::Ambiguous));
    }

    #[test]
    fn date_year_last_ambiguous_and_orders() {
        assert_eq!(auto("4/5/2025"), Err(DateError::Ambiguous));
        assert_eq!(auto("04.05.2025"), Err(DateError::Ambiguous));
        assert_eq!(parse_date("4/5/2025", DateOrder::Dmy), Ok(day(2025, 5, 4)));
        assert_eq!(parse_date("4/5/2025", DateOrder::Mdy), Ok(day(2025, 4, 5)));
        assert_eq!(
            parse_date("12/1/2010 8:26", DateOrder::Mdy),
            Ok(dt(2010, 12, 1, 8, 26, 0))
        );
        // An explicit order is applied strictly.
        assert_eq!(
            parse_date("4/15/2025", DateOrder::Dmy),
            Err(DateError::Invalid)
        );
        assert_eq!(
            parse_date("15/4/2025", DateOrder::Mdy),
            Err(DateError::Invalid)
        );
        // Year-first forms are never affected by the order.
        assert_eq!(
            parse_date("2025-04-05", DateOrder::Dmy),
            Ok(day(2025, 4, 5))
        );
        assert_eq!(
            parse_date("2025-04-05", DateOrder::Mdy),
            Ok(day(2025, 4, 5))
        );
    }

    #[test]
    fn date_rejections() {
        for bad in [
            "",
            "hello",
            "2025-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-04-15x",
            "2025-04/15",
            "13/13/2025",
            "32/01/2025",
            "0/5/2025",
            "25.04.15",
            "25-04-15",
            "2025-04-15 25:00",
            "2025-04-15 14:3",
            "2025-04-15 14:60",
            "2025-04-15 13:00 PM",
            "2025-04-15 오후 2:03 PM",
            "45000",
            "2025",
            "2025-04",
            "4/15",
            "0999-01-01",
            "2025-04-15 14:03:05.",
            "2025..04.15",
            "2025-04-15 14",
            "2025/04/15/",
        ] {
            assert_eq!(auto(bad), Err(DateError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn date_order_hints() {
        assert_eq!(date_order_hint("15/04/2025"), Some(DateOrder::Dmy));
        assert_eq!(date_order_hint("4/15/2025"), Some(DateOrder::Mdy));
        assert_eq!(date_order_hint("4/15/2025 14:00"), Some(DateOrder::Mdy));
        assert_eq!(date_order_hint("15.04.2025"), Some(DateOrder::Dmy));
        assert_eq!(date_order_hint("4/5/2025"), None);
        assert_eq!(date_order_hint("2025-04-15"), None);
        assert_eq!(date_order_hint("32/13/2025"), None);
        assert_eq!(date_order_hint("hello"), None);
    }

    #[test]
    fn excel_serial_1900() {
        assert_eq!(excel_serial(1.0, false), Some(day(1900, 1, 1)));
        assert_eq!(excel_serial(59.0, false), Some(day(1900, 2, 28)));
        assert_eq!(excel_serial(60.0, false), None);
        assert_eq!(excel_serial(61.0, false), Some(day(1900, 3, 1)));
        assert_eq!(excel_serial(45762.0, false), Some(day(2025, 4, 15)));
        assert_eq!(
            excel_serial(45762.5, false),
            Some(dt(2025, 4, 15, 12, 0, 0))
        );
        // 14:03:05 = 50585 s; 50585/86400 = 0.585474537…
        assert_eq!(
            excel_serial(45762.0 + 50585.0 / 86400.0, false),
            Some(dt(2025, 4, 15, 14, 3, 5))
        );
        // 0.4 s before midnight rounds into the next day.
        assert_eq!(
            excel_serial(45762.0 + 86399.6 / 86400.0, false),
            Some(day(2025, 4, 16))
        );
        assert_eq!(excel_serial(2_958_465.0, false), Some(day(9999, 12, 31)));
    }

    #[test]
    fn excel_serial_1904() {
        assert_eq!(excel_serial(0.0, true), Some(day(1904, 1, 1)));
        assert_eq!(excel_serial(0.25, true), Some(dt(1904, 1, 1, 6, 0, 0)));
        assert_eq!(excel_serial(44300.0, true), Some(day(2025, 4, 15)));
    }

    #[test]
    fn excel_serial_rejections() {
        assert_eq!(excel_serial(0.0, false), None);
        assert_eq!(excel_serial(0.5, false), None);
        assert_eq!(excel_serial(-1.0, false), None);
        assert_eq!(excel_serial(-1.0, true), None);
        assert_eq!(excel_serial(2_958_466.0, false), None);
        assert_eq!(excel_serial(f64::NAN, false), None);
        assert_eq!(excel_serial(f64::INFINITY, true), None);
    }

    #[test]
    fn date_weekday_names_are_skipped() {
        assert_eq!(auto("2025년 4월 15일 화요일"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025년 4월 13일 일요일"), Ok(day(2025, 4, 13)));
        assert_eq!(auto("2025년 4월 14일 (월)"), Ok(day(2025, 4, 14)));
        assert_eq!(auto("2025-04-15 (화) 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(
            auto("2025. 4. 15.(화) 오후 2:03"),
            Ok(dt(2025, 4, 15, 14, 3, 0))
        );
        assert_eq!(auto("Tue, 15 Apr 2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("Tuesday, April 15, 2025"), Ok(day(2025, 4, 15)));
        // The label is not checked against the date.
        assert_eq!(auto("2025-04-15 (월)"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("2025-04-15 (화"), Err(DateError::Invalid));
        assert_eq!(auto("2025-04-15 (호)"), Err(DateError::Invalid));
        assert_eq!(auto("화요일"), Err(DateError::Invalid));
    }

    #[test]
    fn date_named_months() {
        assert_eq!(auto("15-Apr-2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15-Apr-25"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15 Apr 2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("15 April 2025 14:03"), Ok(dt(2025, 4, 15, 14, 3, 0)));
        assert_eq!(auto("Apr 15, 2025"), Ok(day(2025, 4, 15)));
        assert_eq!(auto("Sept. 5, 2025"), Ok(day(2025, 9, 5)));
        assert_eq!(auto("1 DEC 2010 8:26 AM"), Ok(dt(2010, 12, 1, 8, 26, 0)));
        assert_eq!(
            parse_date("4-May-2025", DateOrder::Mdy),
            Ok(day(2025, 5, 4))
        );
        for bad in [
            "31-Apr-2025",
            "15-Apx-2025",
            "15-Apr/2025",
            "Apr 2025",
            "15 Apr",
            "Ap 15, 2025",
        ] {
            assert_eq!(auto(bad), Err(DateError::Invalid), "{bad:?}");
        }
    }

    #[test]
    fn date_long_text_is_invalid() {
        let long = format!("2025-04-15 {}", "x".repeat(100));
        assert_eq!(auto(&long), Err(DateError::Invalid));
    }

    // Exact float equality is the property under test (shortest form reads back bit-equal).
    #[allow(clippy::float_cmp)]
    mod props {
        use chrono::Datelike;
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
            fn date_forms_agree(days in 0_i64..3_000_000, secs in 0_u32..86_400) {
                let date = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap() + Duration::days(days);
                prop_assume!(date.year() <= 9999);
                let at = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap());
                for text in [
                    at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                    at.format("%Y. %-m. %-d. %H:%M:%S").to_string(),
                    at.format("%Y년 %-m월 %-d일 %H:%M:%S").to_string(),
                    at.format("%Y/%m/%d %I:%M:%S %p").to_string(),
                    at.format("%d-%b-%Y %H:%M:%S").to_string(),
                ] {
                    prop_assert_eq!(parse_date(&text, DateOrder::Auto), Ok(at), "{}", text);
                }
                prop_assert_eq!(parse_date(&date.format("%Y%m%d").to_string(), DateOrder::Auto), Ok(date.and_hms_opt(0, 0, 0).unwrap()));
                let dmy = at.format("%d/%m/%Y %H:%M:%S").to_string();
                prop_assert_eq!(parse_date(&dmy, DateOrder::Dmy), Ok(at));
                let mdy = at.format("%m/%d/%Y %H:%M:%S").to_string();
                prop_assert_eq!(parse_date(&mdy, DateOrder::Mdy), Ok(at));
            }

            #[test]
            fn excel_serial_matches_day_count(days in 61_i64..2_958_466, secs in 0_u32..86_400) {
                let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
                let at = (base + Duration::days(days))
                    .and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap());
                let serial = days as f64 + f64::from(secs) / 86_400.0;
                prop_assert_eq!(excel_serial(serial, false), Some(at));
                // The 1904 system starts 1,462 days later; earlier days have no 1904 serial.
                if days >= 1462 {
                    prop_assert_eq!(excel_serial(serial - 1462.0, true), Some(at));
                }
            }

            #[test]
            fn parsers_never_panic(s in "\\PC{0,40}") {
                let _ = parse_money(&s);
                let _ = parse_date(&s, DateOrder::Auto);
                let _ = date_order_hint(&s);
                let _ = parse_flag(&s);
                let _ = parse_count(&s);
                let _ = phone_digits(&s);
                let _ = customer_key(Some(&s), Some(&s));
                let _ = header_key(&s);
            }

            #[test]
            fn korean_like_text_never_panics(s in "[0-9., 십백천만억조원₩()+-]{0,20}") {
                let _ = parse_money(&s);
            }
        }
    }
}
