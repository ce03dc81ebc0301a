//! `dangol stock`: stock on hand, velocity, days of cover and reorder suggestions per product
//! (SPEC §10); `--low` for what is low or out, `--orders DIR` for one order CSV per supplier.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::analysis::stock::{Status, StockLine, StockReport, sort_urgent, stock_report};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::model::Lang;
use crate::render::contents_stock as cs;

/// Stock on hand, sales per day, days of cover, reorder point and a suggested order for every
/// row of the Stock (재고) sheet, joined to the sales on SKU or product name.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol stock shop.xlsx                      # every product, most urgent first
  dangol stock shop.xlsx --low                # only what is low or out of stock
  dangol stock shop.xlsx --orders orders/     # one order CSV per supplier (매입처)
  dangol stock shop.xlsx --format json --as-of 2025-04-30")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
    /// Only products that are low (stock ≤ safety stock) or out of stock.
    #[arg(long)]
    pub low: bool,
    /// Write one order CSV per supplier into this folder (lines with a suggested order).
    #[arg(long, value_name = "DIR")]
    pub orders: Option<PathBuf>,
}

/// The stock report of a loaded workbook as of a day.
pub fn report_of(loaded: &Loaded, as_of: chrono::NaiveDate) -> StockReport {
    let d = &loaded.data;
    stock_report(
        &d.stock,
        &d.stock_moves,
        &d.product_sales,
        &loaded.settings.stock,
        as_of,
    )
}

pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let loaded = super::load(&args.workbook, g)?;
    if loaded.data.stock.is_empty() {
        anyhow::bail!(
            "{}: no stock sheet found (a sheet with a SKU or product name and a stock column, e.g. 품목코드 | 상품명 | 재고 | 안전재고); `dangol import-products` fills one from a WooCommerce export",
            args.workbook.display()
        );
    }
    let as_of = super::as_of(g);
    let mut report = report_of(&loaded, as_of);
    sort_urgent(&mut report.lines);
    if args.low {
        report
            .lines
            .retain(|l| matches!(l.status, Status::Out | Status::Low));
    }
    if let Some(dir) = &args.orders {
        let written = write_orders(dir, &report, loaded.lang, g.force)?;
        if !g.quiet {
            for (path, n) in &written {
                let n = crate::i18n::count(n);
                let line =
                    crate::msg!(loaded.lang, StockOrderWritten, path = path.display(), n = n);
                eprintln!("{line}");
            }
        }
    }
    let text = match g.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&cs::to_json(&report)?)?;
            s.push('\n');
            s
        }
        Format::Csv => cs::csv_text(&report)?,
        Format::Table | Format::Xlsx => cs::terminal_text(&report, loaded.lang, loaded.currency),
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

/// A supplier's name as a file name: path and reserved characters replaced.
fn file_stem(supplier: &str) -> String {
    let s: String = supplier
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let s = s
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if s.is_empty() {
        "no-supplier".to_string()
    } else {
        s
    }
}

/// The order lines grouped by supplier (lines without one under `no-supplier`).
pub fn orders_by_supplier(r: &StockReport) -> BTreeMap<String, Vec<&StockLine>> {
    let mut by: BTreeMap<String, Vec<&StockLine>> = BTreeMap::new();
    for l in r.lines.iter().filter(|l| l.suggested_order > Decimal::ZERO) {
        by.entry(file_stem(l.supplier.as_deref().unwrap_or("")))
            .or_default()
            .push(l);
    }
    by
}

/// Write `DIR/<supplier>.csv` per supplier: sku, name, option, quantity, unit cost, amount.
/// An existing file is kept unless `force`.
fn write_orders(
    dir: &Path,
    r: &StockReport,
    lang: Lang,
    force: bool,
) -> anyhow::Result<Vec<(PathBuf, usize)>> {
    let by = orders_by_supplier(r);
    std::fs::create_dir_all(dir).map_err(|e| crate::i18n::folder_not_made(dir, &e))?;
    let mut plan = Vec::new();
    for (stem, lines) in &by {
        let path = dir.join(format!("{stem}.csv"));
        if path.exists() && !force {
            let text = crate::text!(OutputExists, path = path.display());
            return Err(anyhow::Error::new(crate::i18n::Said(text)));
        }
        plan.push((path, lines));
    }
    let mut written = Vec::new();
    for (path, lines) in plan {
        std::fs::write(&path, cs::order_file(r, lines, lang)?).map_err(|e| {
            anyhow::Error::new(crate::i18n::Said(
                crate::text!(FileNotWritten, path = path.display()).io("error", &e),
            ))
        })?;
        written.push((path, lines.len()));
    }
    Ok(written)
}
