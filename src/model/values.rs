//! Parsing of cell values: money, dates, flags, names, headers. (Skeleton: bodies filled in
//! by the values work.)

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

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

/// Parse money text: `1,200,000`, `₩1,200,000`, `1,200,000원`, `120만원`, `$12.50`, `£3.75`,
/// `(1,000)`, `-1,000`, full-width digits. Returns the exact value and the currency its sign
/// showed, if any. `Err` carries nothing: the caller reports the cell.
pub fn parse_money(text: &str) -> Result<(Decimal, Option<Currency>), ()> {
    let _ = text;
    unimplemented!()
}

/// A binary float as its shortest decimal form (`2.55` stays 2.55). `None` for NaN/inf.
pub fn money_from_f64(f: f64) -> Option<Decimal> {
    let _ = f;
    unimplemented!()
}

/// Format money for display: grouping, the currency's decimals, sign (`₩1,200,000`, `-£3.75`).
pub fn format_money(d: Decimal, cur: Currency) -> String {
    let _ = (d, cur);
    unimplemented!()
}

/// Format a plain number with thousands separators, no trailing zeros (`1,250,000`, `12.5`).
pub fn format_number(d: Decimal) -> String {
    let _ = d;
    unimplemented!()
}

/// Parse date text in every form of SPEC §2 "Dates".
pub fn parse_date(text: &str, order: DateOrder) -> Result<NaiveDateTime, DateError> {
    let _ = (text, order);
    unimplemented!()
}

/// An Excel serial date (1900 or 1904 system) as a date-time.
pub fn excel_serial(serial: f64, is_1904: bool) -> Option<NaiveDateTime> {
    let _ = (serial, is_1904);
    unimplemented!()
}

/// Parse a yes/no flag text (not a date; the caller tries dates first).
pub fn parse_flag(text: &str) -> Result<Flag, ()> {
    let _ = text;
    unimplemented!()
}

/// Fold full-width forms (`ＡＢＣ１２３`, ideographic space) to ASCII.
pub fn fold_fullwidth(s: &str) -> String {
    s.to_string()
}

/// Header key: case, spaces, `_`, `-`, `.` and full-width forms ignored.
pub fn header_key(s: &str) -> String {
    s.to_string()
}

/// The customer identity key: email (trimmed, lower-cased) when given, else the name with all
/// white space removed and full-width folded.
pub fn customer_key(email: Option<&str>, name: Option<&str>) -> Option<String> {
    let _ = (email, name);
    unimplemented!()
}

/// Digits of a phone number (`010-1234-5678` → `01012345678`); `None` when fewer than 7.
pub fn phone_digits(s: &str) -> Option<String> {
    let _ = s;
    unimplemented!()
}

/// A non-negative whole count (`3`, `３`, `3회`).
pub fn parse_count(text: &str) -> Result<u32, ()> {
    let _ = text;
    unimplemented!()
}

/// `Some(Dmy)` when the first part of a day/month/year text is > 12, `Some(Mdy)` when the second is.
pub fn date_order_hint(text: &str) -> Option<DateOrder> {
    let _ = text;
    unimplemented!()
}
