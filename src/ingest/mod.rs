//! Reading workbooks and CSV files into typed rows: find each sheet's role by its headers,
//! parse every value, report every problem with its cell.

pub mod carts;
pub mod cells;
pub mod csv;
pub mod email_list;
pub mod extent;
pub mod flows;
pub mod groups;
pub mod guard;
pub mod headers;
pub mod load;
pub mod rows;
pub mod source;
pub mod stock;
pub mod woocommerce;

use crate::model::{
    CellRef, Currency, CustomerRow, Lang, PipelineRow, Problem, QuoteRow, SalesLedger,
};
use crate::settings::Role;

/// What was found in one sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetInfo {
    pub name: String,
    pub role: Option<Role>,
    /// 0-based header row.
    pub header_row: u32,
    /// field name → (column index, header text)
    pub columns: Vec<(&'static str, u32, String)>,
    /// Data rows read (below the header, non-blank).
    pub rows: u64,
    /// Rows that could not be used.
    pub bad_rows: u64,
}

/// Everything read from one workbook.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub sheets: Vec<SheetInfo>,
    pub sales: SalesLedger,
    pub quotes: Vec<QuoteRow>,
    pub customers: Vec<CustomerRow>,
    pub pipeline: Vec<PipelineRow>,
    /// Reminder e-mail templates from the Templates sheet.
    pub templates: Vec<TemplateRow>,
    pub problems: Vec<Problem>,
    /// Currency inferred from signs in the data.
    pub currency_seen: Option<Currency>,
    /// Money cells seen with each currency sign.
    pub currency_votes: std::collections::BTreeMap<Currency, u64>,
    /// Language of the recognised headers (most of them).
    pub header_lang: Option<Lang>,
    /// The Stock sheet's rows (SPEC §10).
    pub stock: Vec<stock::StockItem>,
    /// The Stock Moves sheet's rows.
    pub stock_moves: Vec<stock::StockMove>,
    /// Net units sold per product and day, from sales lines that name a product.
    pub product_sales: stock::ProductSales,
    /// Feed [`Dataset::product_sales`] (set when the workbook has a Stock or Stock Moves sheet).
    pub collect_product_sales: bool,
    /// Sheets dangol generated on an earlier run (recorded in the workbook); never read as data,
    /// except the Sent Log's flow rows: dangol's own record of what was sent (see
    /// [`flows::read_flow_log`]).
    pub generated_sheets: Vec<String>,
    /// Order ids seen when no cancel prefix is set, for the `cancel_prefix = C` hint.
    pub credit_hint: CreditHint,
    /// The sum of every amount read so far, taken positive: kept below [`MONEY_LIMIT`] so that
    /// no sum the analysis makes (per customer, week, channel, stage) can overflow.
    pub money_read: rust_decimal::Decimal,
    /// Phone digits → the form first written (see [`Dataset::phone_form`]).
    pub phone_forms: std::collections::HashMap<String, String>,
    /// Customer groups, price lists, promotions and the audited sales lines (SPEC §7).
    pub groups: groups::GroupData,
    /// The Carts sheet's rows: the store's abandoned checkouts (SPEC §12).
    pub carts: Vec<carts::CartRow>,
    /// The Flows sheet's rows: the lifecycle messages (SPEC §8).
    pub flows: Vec<flows::Flow>,
    /// The flow messages the Sent Log records as sent (read back from dangol's own sheet).
    pub flow_log: Vec<flows::FlowSent>,
    /// The CSV's sales were read in two halves, one per core (see `load::read_csv_in_halves`).
    pub csv_halves: bool,
    /// Batches of sales rows added up on a second thread while their sheet was read (see
    /// `SheetRows::add_elsewhere`); 0 when every sales row was added where it was typed.
    pub batches_added_apart: u64,
}

/// The most all amounts of a workbook may add up to (10^25, about a thousandth of what an
/// exact decimal holds): a cell that takes the sum past it is a data error naming the cell,
/// never an overflow panic.
pub const MONEY_LIMIT: rust_decimal::Decimal = rust_decimal::Decimal::from_parts(
    // 10^25 in the three 32-bit parts of the 96-bit mantissa (low, mid, high).
    0x4A00_0000,
    0x1614_0148,
    0x0008_4595,
    false,
    0,
);

impl Dataset {
    /// The phone form shown for a number: the first way it was written in the workbook
    /// (`010-4444-5555`), for every later cell with the same digits (`01044445555`).
    pub fn phone_form(&mut self, digits: String, written: String) -> String {
        self.phone_forms.entry(digits).or_insert(written).clone()
    }

    /// Count one amount against [`MONEY_LIMIT`]; `false` (and nothing counted) when it would
    /// take the sum past it.
    pub fn count_money(&mut self, amount: rust_decimal::Decimal) -> bool {
        match self.money_read.checked_add(amount.abs()) {
            Some(sum) if sum <= MONEY_LIMIT => {
                self.money_read = sum;
                true
            }
            _ => false,
        }
    }
}

/// Order ids that look like credit invoices: a letter followed by an order number shaped like
/// the other orders' (`C536379` among `536365`, `536366`, …). Counted only when no cancel
/// prefix is set, for a hint in `check`.
#[derive(Debug, Clone, Default)]
pub struct CreditHint {
    /// Digit counts of the all-digit order ids.
    numeric_lengths: std::collections::BTreeSet<usize>,
    /// (prefix letter, digit count) → distinct ids shaped like `C536379`.
    candidates: std::collections::BTreeMap<(char, usize), std::collections::BTreeSet<String>>,
}

impl CreditHint {
    /// See one order id.
    pub fn see(&mut self, id: &str) {
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if all_digits(id) {
            self.numeric_lengths.insert(id.len());
            return;
        }
        let mut chars = id.chars();
        if let Some(first) = chars.next()
            && first.is_ascii_alphabetic()
        {
            let rest = chars.as_str();
            if all_digits(rest) {
                let set = self.candidates.entry((first, rest.len())).or_default();
                if !set.contains(rest) {
                    set.insert(rest.to_string());
                }
            }
        }
    }

    /// Takes in the ids seen in another part of the data (a sheet read on another thread).
    pub fn absorb(&mut self, other: CreditHint) {
        self.numeric_lengths.extend(other.numeric_lengths);
        for (k, ids) in other.candidates {
            self.candidates.entry(k).or_default().extend(ids);
        }
    }

    /// The most common credit-looking letter and how many distinct ids carry it, when there
    /// are at least three.
    pub fn suggestion(&self) -> Option<(char, usize)> {
        let mut by_letter: std::collections::BTreeMap<char, usize> =
            std::collections::BTreeMap::new();
        for ((c, len), ids) in &self.candidates {
            if self.numeric_lengths.contains(len) {
                *by_letter.entry(*c).or_default() += ids.len();
            }
        }
        by_letter
            .into_iter()
            .filter(|(_, n)| *n >= 3)
            .max_by_key(|(c, n)| (*n, std::cmp::Reverse(*c)))
    }
}

impl CreditHint {
    /// The smallest number carrying `letter` (for the hint's example).
    pub fn example(&self, letter: char) -> Option<&str> {
        self.candidates
            .iter()
            .filter(|((c, len), _)| *c == letter && self.numeric_lengths.contains(len))
            .filter_map(|(_, ids)| ids.first().map(String::as_str))
            .min()
    }
}
/// One reminder template row (grade | subject | body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRow {
    pub grade: String,
    pub subject: String,
    pub body: String,
    pub subject_cell: CellRef,
    pub body_cell: CellRef,
}

pub use load::{LoadError, Loaded, ReadOptions, load, probe_lang};
