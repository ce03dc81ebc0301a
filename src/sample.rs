//! `dangol sample`: a deterministic synthetic shop — sales with cancellations and returns, a
//! quote log with realistic open/response/conversion rates, customers, a CRM pipeline and every
//! settings default — as an `.xlsx` workbook or a sales-only CSV, at any size in flat memory.
//!
//! Same [`SampleOptions`] → byte-identical file, on any machine and with any version of the
//! dependencies: the randomness comes from a private `SplitMix64` generator, and the workbook's
//! creation date is pinned to [`SampleOptions::end`].
//!
//! The CSV form holds only the sales table, encoded as a spreadsheet program exports it: UTF-8
//! with a byte-order mark for English, and CP949 for Korean — what Korean Excel writes for
//! "CSV (쉼표로 분리)" — so the reader's encoding detection gets a real-world test.

mod cells;
mod csv;
pub(crate) mod defaults;
mod history;
mod pools;
mod rng;
mod world;
mod xlsx;

use std::path::Path;

use anyhow::bail;
use chrono::NaiveDate;

use crate::model::{CellRef, Lang};

pub(crate) use world::Plan;
pub(crate) use xlsx::Layout;

/// The output format of [`write_sample`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SampleFormat {
    /// A workbook with every sheet (Sales, Quotes, Customers, Pipeline, Settings, Grades,
    /// Templates).
    #[default]
    Xlsx,
    /// The sales table alone: UTF-8 with BOM (en) or CP949 (ko).
    Csv,
}

/// What to generate. `Default` is a Korean shop of 300 customers and 6,000 sales rows over the
/// 52 weeks ending Sunday 2026-11-22, seed 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Customers on the list (a few of them with no sales yet).
    pub customers: u32,
    /// Sales rows (order lines, cancellations and returns included), exactly.
    pub rows: u64,
    /// Length of the period, in weeks ending on `end`.
    pub weeks: u32,
    pub seed: u64,
    /// Headers, sheet names, names, products and currency (ko: KRW, en: GBP).
    pub lang: Lang,
    pub format: SampleFormat,
    /// The last day of the data (all data falls in the `weeks` weeks ending that day); also the
    /// workbook's creation date.
    pub end: NaiveDate,
    /// `None`: `단골상회` (ko) / `Corner Shop` (en).
    pub shop_name: Option<String>,
    /// Clearly unusable cells to inject into the sales table (alternately an amount `N/A` and a
    /// date `YYYY-02-30`), spread evenly; 0 = every cell is usable.
    pub bad_cells: u32,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            customers: 300,
            rows: 6_000,
            weeks: 52,
            seed: 1,
            lang: Lang::Ko,
            format: SampleFormat::Xlsx,
            // A valid constant date: cannot fail.
            end: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default(),
            shop_name: None,
            bad_cells: 0,
        }
    }
}

/// What [`write_sample`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleSummary {
    /// Sales rows written (= `rows`).
    pub sales_rows: u64,
    /// Distinct order ids among them.
    pub orders: u64,
    /// Rows whose status is a cancel word with a positive amount (void).
    pub cancelled_rows: u64,
    /// Rows with a negative quantity and amount (returns).
    pub returned_rows: u64,
    /// Valid dates deliberately written as text (`2026.03.05`, `2026년 3월 5일` …).
    pub text_date_cells: u64,
    /// Valid amounts deliberately written as text (`₩12,000`, `12,000원`, `£12.50` …).
    pub text_amount_cells: u64,
    /// The sales sheets (more than one when the rows exceed Excel's 1,048,576-row limit), or
    /// the CSV's file stem.
    pub sales_sheets: Vec<String>,
    /// Where the injected bad cells are (CSV: the file stem as the sheet, rows counted from the
    /// header as row 1).
    pub bad_cells: Vec<CellRef>,
    pub customers: u32,
    /// Customers on the list with no sales row at all.
    pub customers_without_sales: u32,
    /// Quote rows (0 for CSV).
    pub quotes: u32,
    /// Quotes that became an order (their order id is in the sales table).
    pub quotes_converted: u32,
    /// Pipeline rows (0 for CSV).
    pub pipeline_rows: u32,
}

/// Resolve options into a generation plan, checking the limits.
fn plan(opts: &SampleOptions, messy: bool) -> anyhow::Result<Plan> {
    if opts.weeks == 0 || opts.weeks > 5_200 {
        bail!("weeks must be between 1 and 5200, not {}", opts.weeks);
    }
    if opts.customers == 0 && opts.rows > 0 {
        bail!("a shop with sales needs at least 1 customer");
    }
    if opts
        .end
        .checked_sub_days(chrono::Days::new(u64::from(opts.weeks) * 7))
        .is_none()
    {
        bail!("the period before {} does not fit the calendar", opts.end);
    }
    let weeks = u64::from(opts.weeks);
    let customers = u64::from(opts.customers);
    Ok(Plan {
        lang: opts.lang,
        customers: opts.customers,
        rows: opts.rows,
        weeks: opts.weeks,
        seed: opts.seed,
        end: opts.end,
        messy,
        bad_cells: opts.bad_cells,
        // About 1.5 quotes and 0.25 deals per customer per year.
        quotes: (customers * 3 * weeks).div_ceil(104) as u32,
        deals: (customers * weeks).div_ceil(208) as u32,
    })
}

/// The default shop name in a language.
pub(crate) fn default_shop_name(lang: Lang) -> &'static str {
    lang.pick("단골상회", "Corner Shop")
}

/// Generate a synthetic shop and write it to `out` (replacing a file there, atomically).
pub fn write_sample(opts: &SampleOptions, out: &Path) -> anyhow::Result<SampleSummary> {
    let plan = plan(opts, true)?;
    let shop = opts
        .shop_name
        .clone()
        .unwrap_or_else(|| default_shop_name(opts.lang).to_string());
    let w = match opts.format {
        SampleFormat::Xlsx => history::write_with_history(
            &plan,
            &shop,
            Layout {
                title_row: opts.lang == Lang::Ko,
                overwrite: true,
                sheet_rows: xlsx::EXCEL_MAX_ROWS,
            },
            out,
        )?,
        SampleFormat::Csv => csv::write_sales_csv(&plan, &mut world::World::build(&plan), out)?,
    };
    Ok(SampleSummary {
        sales_rows: w.counts.rows,
        orders: w.counts.orders,
        cancelled_rows: w.counts.cancelled_rows,
        returned_rows: w.counts.returned_rows,
        text_date_cells: w.counts.text_dates,
        text_amount_cells: w.counts.text_amounts,
        sales_sheets: w.sales_sheets,
        bad_cells: w.bad_cells,
        customers: opts.customers,
        customers_without_sales: w.customers_without_sales,
        quotes: w.quotes,
        quotes_converted: w.quotes_converted,
        pipeline_rows: w.pipeline_rows,
    })
}

/// Write the starter workbook's sheets (see [`crate::starter`]): a tiny clean shop.
pub(crate) fn write_clean_workbook(opts: &SampleOptions, out: &Path) -> anyhow::Result<()> {
    let mut plan = plan(opts, false)?;
    plan.quotes = opts.customers.min(4);
    plan.deals = 2;
    let shop = opts
        .shop_name
        .clone()
        .unwrap_or_else(|| default_shop_name(opts.lang).to_string());
    history::write_with_history(
        &plan,
        &shop,
        Layout {
            title_row: false,
            overwrite: false,
            sheet_rows: xlsx::EXCEL_MAX_ROWS,
        },
        out,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::{Reader, Xlsx, open_workbook};

    use super::*;

    #[test]
    fn rows_beyond_one_sheet_continue_on_numbered_sheets() {
        let dir = tempfile::tempdir().unwrap();
        for (lang, names) in [
            (Lang::En, ["Sales", "Sales 2", "Sales 3"]),
            (Lang::Ko, ["판매", "판매2", "판매3"]),
        ] {
            let opts = SampleOptions {
                customers: 20,
                rows: 120,
                lang,
                ..SampleOptions::default()
            };
            let plan = plan(&opts, true).unwrap();
            let mut world = world::World::build(&plan);
            let out = dir.path().join("split.xlsx");
            let title_row = lang == Lang::Ko;
            // 51 rows per sheet: 50 data rows under the header (and the title rows for ko).
            let layout = Layout {
                title_row,
                overwrite: true,
                sheet_rows: 51,
            };
            let w = xlsx::write_workbook(&plan, &mut world, "Split", layout, &out).unwrap();
            assert_eq!(w.sales_sheets, names);
            let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
            let counts: Vec<usize> = names
                .iter()
                .map(|n| wb.worksheet_range(n).unwrap().rows().count())
                .collect();
            let head = if title_row { 3 } else { 1 };
            let data = if title_row { 48 } else { 50 };
            assert_eq!(counts, [head + data, head + data, head + 120 - 2 * data]);
        }
    }
}
