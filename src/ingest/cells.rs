//! Typed reading of one cell: date, money, flag, count, id, text — each failure says what was
//! expected, so the caller can report it with the cell reference.

use chrono::{NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use super::source::Cell;
use crate::model::values::{self, DateError, DateOrder};
use crate::model::{Currency, Flag};

/// What one date column holds, decided from its first rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateHint {
    /// The column holds plain numbers throughout: read them as Excel serials.
    pub serials: bool,
    /// Day/month order for `4/5/2025`-style text.
    pub order: DateOrder,
}

/// Text of a cell, trimmed; `None` when blank. Whole floats print without `.0` (ids, codes).
pub fn text(c: &Cell<'_>) -> Option<String> {
    // One allocation per cell: this runs for several columns of every row.
    match c {
        Cell::Empty => None,
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some((*f as i64).to_string()),
        Cell::Int(i) => Some(i.to_string()),
        Cell::Text(t) => {
            let t = t.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        other => {
            let s = other.display();
            let t = s.trim();
            if t.is_empty() {
                None
            } else if t.len() == s.len() {
                Some(s)
            } else {
                Some(t.to_string())
            }
        }
    }
}

/// A date-time from a cell.
pub fn date(c: &Cell<'_>, hint: DateHint) -> Result<NaiveDateTime, &'static str> {
    match c {
        Cell::Date(d) | Cell::Leap1900(d) => Ok(*d),
        Cell::Text(t) => values::parse_date(t, hint.order).map_err(|e| match e {
            DateError::Ambiguous => {
                "a date, but day and month are ambiguous here (set date_order to dmy or mdy)"
            }
            DateError::Invalid => "a date (e.g. 2025-04-15, 2025.04.15, 2025년 4월 15일)",
        }),
        Cell::Float(_) | Cell::Int(_) => {
            let f = match c {
                Cell::Float(f) => *f,
                Cell::Int(i) => *i as f64,
                _ => unreachable!("matched above"),
            };
            // 20250415 typed as a number.
            if f.fract() == 0.0
                && (19_000_101.0..=29_991_231.0).contains(&f)
                && let Ok(d) = values::parse_date(&format!("{}", f as i64), hint.order)
            {
                return Ok(d);
            }
            if hint.serials {
                values::excel_serial(f, false).ok_or("a date (an Excel date serial in range)")
            } else {
                Err(
                    "a date; a plain number is read as a date only in a date-formatted cell or a column of date serials",
                )
            }
        }
        _ => Err("a date"),
    }
}

/// Whether a cell is a plain number that could be an Excel date serial.
pub fn looks_serial(c: &Cell<'_>) -> Option<bool> {
    match c {
        Cell::Float(f) => Some((1.0..2_958_466.0).contains(f)),
        Cell::Int(i) => Some((1..2_958_466).contains(i) && !(19_000_101..=29_991_231).contains(i)),
        Cell::Empty => None,
        Cell::Text(t) if t.trim().is_empty() => None,
        _ => Some(false),
    }
}

/// Money from a cell; the currency sign seen, if any.
pub fn money(c: &Cell<'_>) -> Result<(Decimal, Option<Currency>), &'static str> {
    match c {
        Cell::Float(f) => values::money_from_f64(*f)
            .map(|d| (d, None))
            .ok_or("an amount"),
        Cell::Int(i) => Ok((Decimal::from(*i), None)),
        Cell::Text(t) => values::parse_money(t)
            .map_err(|()| "an amount (e.g. 12000, 1,200,000원, ₩12,000, £3.75)"),
        _ => Err("an amount"),
    }
}

/// A yes/no (or dated) flag.
#[allow(clippy::float_cmp)] // 0.0 and 1.0 are exact in binary floats.
pub fn flag(c: &Cell<'_>, hint: DateHint) -> Result<Flag, &'static str> {
    const EXPECTED: &str = "yes/no (Y/N, O/X, 예/아니오, TRUE/FALSE, 1/0) or a date";
    match c {
        Cell::Empty => Ok(Flag::No),
        Cell::Date(d) | Cell::Leap1900(d) => Ok(Flag::On(*d)),
        Cell::Bool(b) => Ok(if *b { Flag::Yes } else { Flag::No }),
        Cell::Int(0) => Ok(Flag::No),
        Cell::Int(1) => Ok(Flag::Yes),
        Cell::Float(f) if *f == 0.0 => Ok(Flag::No),
        Cell::Float(f) if *f == 1.0 => Ok(Flag::Yes),
        Cell::Float(_) | Cell::Int(_) if hint.serials => {
            date(c, hint).map(Flag::On).map_err(|_| EXPECTED)
        }
        Cell::Text(t) => match values::parse_flag(t) {
            Ok(f) => Ok(f),
            Err(()) => values::parse_date(t, hint.order)
                .map(Flag::On)
                .map_err(|_| EXPECTED),
        },
        _ => Err(EXPECTED),
    }
}

/// A non-negative whole count.
pub fn count(c: &Cell<'_>) -> Result<u32, &'static str> {
    const EXPECTED: &str = "a whole number (count)";
    match c {
        Cell::Empty => Ok(0),
        Cell::Int(i) => u32::try_from(*i).map_err(|_| EXPECTED),
        Cell::Float(f) if f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX) => {
            Ok(*f as u32)
        }
        Cell::Text(t) => values::parse_count(t).map_err(|()| EXPECTED),
        _ => Err(EXPECTED),
    }
}

/// A signed quantity (may be negative for returns).
pub fn quantity(c: &Cell<'_>) -> Result<Decimal, &'static str> {
    money(c)
        .map(|(d, _)| d)
        .map_err(|_| "a quantity (a number)")
}

/// Midnight of a date-time's day, for day-only fields.
pub fn day_of(d: NaiveDateTime) -> chrono::NaiveDate {
    d.date()
}

/// A date-time at midnight.
pub fn midnight(d: chrono::NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}
