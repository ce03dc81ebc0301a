//! The typed rows dangol works on: what the readers produce and the analysis consumes.

pub mod cellref;
pub mod customer_map;
pub mod fast;
pub mod ledger;
pub mod values;

pub use cellref::CellRef;
pub use customer_map::CustomerMap;
pub use ledger::{CustomerLedger, OrderAgg, Orders, SalesLedger, TextMap};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Serialize;

/// A calendar day, local to the shop (no time zones).
pub type Day = NaiveDate;

/// The language of the workbook's headers and of everything dangol writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    /// Pick the Korean or the English text.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }
}

/// The shop's currency. Only affects display (decimals, sign); sums are exact decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum Currency {
    Krw,
    Gbp,
    Usd,
    Eur,
}

impl Currency {
    /// Decimal places shown for this currency.
    pub fn decimals(self) -> u32 {
        match self {
            Currency::Krw => 0,
            _ => 2,
        }
    }
    /// ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Krw => "KRW",
            Currency::Gbp => "GBP",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
        }
    }
    /// The sign shown before amounts.
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Krw => "₩",
            Currency::Gbp => "£",
            Currency::Usd => "$",
            Currency::Eur => "€",
        }
    }
    /// Parse `KRW`, `krw`, `₩`, `원`, `GBP`, `£` …
    pub fn parse(s: &str) -> Option<Currency> {
        match s.trim().to_ascii_uppercase().as_str() {
            "KRW" | "₩" | "원" | "WON" => Some(Currency::Krw),
            "GBP" | "£" => Some(Currency::Gbp),
            "USD" | "$" => Some(Currency::Usd),
            "EUR" | "€" => Some(Currency::Eur),
            _ => None,
        }
    }
}

/// How a sales row counts (SPEC §2 "Cancellations and returns").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SaleKind {
    /// A normal order line.
    Order,
    /// A cancel-word status with a non-negative amount: the order never happened.
    Void,
    /// A negative amount/quantity or a cancel-prefixed order id: a credit against earlier sales.
    Return,
}

/// One usable row of a sales sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SaleRow {
    /// Where the row came from (column A of its row).
    pub cell: CellRef,
    pub at: NaiveDateTime,
    /// Customer identity key (see `values::customer_key`); `None` = no customer.
    pub customer: Option<String>,
    /// The customer's name as written (display only).
    pub name: Option<String>,
    pub email: Option<String>,
    /// As the owner wrote it (`010-4444-5555`); one form per number in a workbook.
    pub phone: Option<String>,
    pub order_id: Option<String>,
    pub product: Option<String>,
    /// Signed: returns are negative.
    pub amount: Decimal,
    pub kind: SaleKind,
    pub channel: Option<String>,
}

/// A yes/no flag cell of the quote log, possibly dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flag {
    #[default]
    No,
    Yes,
    /// Yes, on that date/time.
    On(NaiveDateTime),
}

impl Flag {
    pub fn is_yes(self) -> bool {
        !matches!(self, Flag::No)
    }
    pub fn date(self) -> Option<NaiveDateTime> {
        match self {
            Flag::On(d) => Some(d),
            _ => None,
        }
    }
}

/// One row of the quote log.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteRow {
    pub cell: CellRef,
    pub quote_id: Option<String>,
    pub customer: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub sent: NaiveDateTime,
    pub opened: Flag,
    /// Open count; 1 when opened and no count given.
    pub opens: u32,
    pub responded: Flag,
    pub converted: Flag,
    pub order_id: Option<String>,
    pub amount: Option<Decimal>,
    pub channel: Option<String>,
    pub status: Option<String>,
    pub reminded_at: Option<NaiveDateTime>,
    pub reminders: u32,
}

/// One row of the optional customer master list.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRow {
    pub cell: CellRef,
    pub customer: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub group: Option<String>,
    pub joined: Option<Day>,
    pub opt_out: bool,
    pub note: Option<String>,
    /// The customer's birthday (`birthday`/생일); only its month and day are used.
    pub birthday: Option<Day>,
    /// The consent column says yes: marketing messages may go (SPEC §8).
    pub consent: bool,
}

/// One row of a CRM pipeline export (either layout).
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineRow {
    pub cell: CellRef,
    pub deal: String,
    pub customer: Option<String>,
    pub stage: String,
    /// The day the deal entered `stage` (history layout) — or the row's only date.
    pub date: Option<Day>,
    pub amount: Option<Decimal>,
    pub owner: Option<String>,
    pub channel: Option<String>,
    /// Per-stage date columns of the one-row-per-deal layout, e.g. (`engage_date`, 2017-01-05).
    pub stage_dates: Vec<(String, Option<Day>)>,
}

/// A cell's text in double quotes as the owner typed it: only control characters are escaped
/// (a cell cannot drive the terminal), never a backslash (`"\12,000"`, not `"\\12,000"`).
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// How bad a problem found in the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row (or sheet) could not be used.
    Error,
    /// Used, but worth a look.
    Warning,
    /// Counted and reported (e.g. void rows), nothing wrong.
    Note,
}

/// A problem found in the input, with where and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// `Sales!D17`, or the sheet alone for sheet-level problems.
    pub place: String,
    /// The value found (as text), empty when not about one value.
    pub found: String,
    /// What was expected, or the message.
    pub expected: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.found.is_empty() {
            write!(f, "{}: {}", self.place, self.expected)
        } else {
            write!(
                f,
                "{}: found {}, expected {}",
                self.place,
                quoted(&self.found),
                self.expected
            )
        }
    }
}
