//! The one shape every analysis result takes on its way out: a titled table of typed cells.
//!
//! Analyses build [`SheetTable`]s in the workbook's language; renderers turn them into an
//! Excel sheet (`render::sheets`), a terminal table or CSV. Cells keep their type (money,
//! date, percent) so each renderer can format them natively — an Excel currency format, a
//! right-aligned terminal column, a plain decimal in CSV.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::model::Lang;

/// The sheets dangol generates, in the order they appear in the workbook (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GeneratedSheet {
    CustomerStats,
    Funnel,
    Dashboard,
    Reminders,
    GradeChanges,
    Weekly,
    CustomerValue,
    /// Reorder suggestions (SPEC §10), only when the workbook has a Stock sheet.
    Reorder,
    /// Abandoned and recovered carts (SPEC §12), only when the workbook has a carts sheet.
    CartRecovery,
    DataIssues,
    GroupRoster,
    PriceCheck,
    PromoEligibility,
    SentLog,
}

impl GeneratedSheet {
    /// Every generated sheet, in workbook order.
    pub const ALL: [GeneratedSheet; 14] = [
        GeneratedSheet::CustomerStats,
        GeneratedSheet::Funnel,
        GeneratedSheet::Dashboard,
        GeneratedSheet::Reminders,
        GeneratedSheet::GradeChanges,
        GeneratedSheet::Weekly,
        GeneratedSheet::CustomerValue,
        GeneratedSheet::GroupRoster,
        GeneratedSheet::PriceCheck,
        GeneratedSheet::PromoEligibility,
        GeneratedSheet::Reorder,
        GeneratedSheet::CartRecovery,
        GeneratedSheet::DataIssues,
        GeneratedSheet::SentLog,
    ];

    /// The sheet's name in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        let (en, ko) = match self {
            GeneratedSheet::CustomerStats => ("Customer Stats", "고객분석"),
            GeneratedSheet::Funnel => ("Funnel", "퍼널"),
            GeneratedSheet::Dashboard => ("Dashboard", "대시보드"),
            GeneratedSheet::Reminders => ("Reminders", "리마인드"),
            GeneratedSheet::GradeChanges => ("Grade Changes", "등급변동"),
            GeneratedSheet::Weekly => ("Weekly", "주간리포트"),
            GeneratedSheet::CustomerValue => ("Customer Value", "고객가치"),
            GeneratedSheet::Reorder => ("Reorder", "발주제안"),
            GeneratedSheet::CartRecovery => ("Cart Recovery", "장바구니복구"),
            GeneratedSheet::DataIssues => ("Data Issues", "데이터점검"),
            GeneratedSheet::GroupRoster => ("Group Roster", "그룹명단"),
            GeneratedSheet::PriceCheck => ("Price Check", "단가검증"),
            GeneratedSheet::PromoEligibility => ("Promo Eligibility", "프로모션대상"),
            GeneratedSheet::SentLog => ("Sent Log", "발송기록"),
        };
        lang.pick(ko, en)
    }
}

/// One typed cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A whole count (orders, quotes, days).
    Int(i64),
    /// A plain decimal (scores, ratios).
    Number(Decimal),
    /// Money in the shop's currency.
    Money(Decimal),
    /// A percentage in percent units: `Percent(12.5)` is 12.5 %.
    Percent(Decimal),
    Date(NaiveDate),
    Bool(bool),
}

impl Cell {
    /// A text cell (empty text becomes [`Cell::Empty`]).
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::text(s)
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::text(s)
    }
}

impl From<Option<NaiveDate>> for Cell {
    fn from(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

/// A titled table: one block of a generated sheet (a sheet may hold several, e.g. the quote
/// funnel and the pipeline funnel, placed one under the other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetTable {
    /// A short heading above the table ("견적 퍼널 (reach)"); empty for none.
    pub title: String,
    /// Column headers in the output language.
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl SheetTable {
    /// An empty table with these headers.
    pub fn new(title: impl Into<String>, columns: &[&str]) -> SheetTable {
        SheetTable {
            title: title.into(),
            columns: columns.iter().map(ToString::to_string).collect(),
            rows: Vec::new(),
        }
    }

    /// Append a row; it must have one cell per column.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width");
        self.rows.push(row);
    }
}

/// A whole generated sheet: which one, and its tables from top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetContent {
    pub sheet: GeneratedSheet,
    pub tables: Vec<SheetTable>,
}
