//! Reading workbooks and CSV files into typed rows: find each sheet's role by its headers,
//! parse every value, report every problem with its cell.

pub mod cells;
pub mod csv;
pub mod guard;
pub mod headers;
pub mod load;
pub mod rows;
pub mod source;
pub mod stock;

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
    /// Sheets dangol generated on an earlier run (recorded in the workbook); never read as data.
    pub generated_sheets: Vec<String>,
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

pub use load::{LoadError, Loaded, ReadOptions, load};
