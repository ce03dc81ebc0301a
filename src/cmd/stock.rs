//! `dangol stock`: stock on hand, velocity, days of cover and reorder suggestions per product
//! (SPEC §10); `--low` for what is low or out, `--orders DIR` for one order CSV per supplier.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::analysis::stock::{Status, StockLine, StockReport, sort_urgent, stock_report};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::model::Lang;
use crate::render::table::{Cell, SheetTable};
use crate::render::{csv_out, terminal};

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
                eprintln!("dangol: wrote {} ({n} lines)", path.display());
            }
        }
    }
    let text = match g.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(&report))?;
            s.push('\n');
            s
        }
        Format::Csv => String::from_utf8(csv_out::to_csv(&table(&report, Lang::En, true))?)?,
        Format::Table | Format::Xlsx => terminal_text(&report, &loaded),
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

fn opt_text(s: Option<&String>) -> Cell {
    s.map(String::as_str).map_or(Cell::Empty, Cell::text)
}

/// The stock table; `keys` gives the English `snake_case` headers of CSV.
pub fn table(r: &StockReport, lang: Lang, keys: bool) -> SheetTable {
    let cols: [(&str, &str, &str); 17] = [
        ("sku", "품목코드", "SKU"),
        ("name", "상품명", "Name"),
        ("option", "옵션", "Option"),
        ("supplier", "매입처", "Supplier"),
        ("stock", "재고", "Stock"),
        ("safety_stock", "안전재고", "Safety stock"),
        ("threshold_source", "기준", "Threshold from"),
        ("units_sold", "판매수량", "Units sold"),
        ("velocity", "일평균판매", "Per day"),
        ("days_of_cover", "재고일수", "Days of cover"),
        ("lead_time_days", "리드타임", "Lead time"),
        ("reorder_point", "발주점", "Reorder point"),
        ("suggested_order", "발주제안", "Suggested order"),
        ("last_sale", "최근판매일", "Last sale"),
        ("dead", "악성재고", "Dead stock"),
        ("status", "상태", "Status"),
        ("reason", "사유", "Reason"),
    ];
    let headers: Vec<&str> = cols
        .iter()
        .map(|(k, ko, en)| if keys { *k } else { lang.pick(ko, en) })
        .collect();
    let title = format!(
        "{} ({})",
        lang.pick("재고", "Stock"),
        r.as_of.format("%Y-%m-%d")
    );
    let mut t = SheetTable::new(title, &headers);
    for l in &r.lines {
        t.push(vec![
            opt_text(l.sku.as_ref()),
            opt_text(l.name.as_ref()),
            opt_text(l.option.as_ref()),
            opt_text(l.supplier.as_ref()),
            Cell::Number(l.stock.normalize()),
            Cell::Number(l.threshold.normalize()),
            Cell::text(if keys {
                l.threshold_source.key()
            } else {
                source_label(l, lang)
            }),
            Cell::Number(l.units_sold.normalize()),
            Cell::Number(l.velocity_shown()),
            l.cover_shown().map_or(Cell::Empty, Cell::Number),
            Cell::Int(i64::from(l.lead_time_days)),
            Cell::Number(l.reorder_point_shown()),
            Cell::Number(l.suggested_order.normalize()),
            l.last_sale.into(),
            Cell::Bool(l.dead),
            Cell::text(if keys {
                l.status.key()
            } else {
                l.status.label(lang)
            }),
            Cell::text(l.reason(lang, r.velocity_days, r.dead_days)),
        ]);
    }
    t
}

fn source_label(l: &StockLine, lang: Lang) -> &'static str {
    match l.threshold_source.key() {
        "product" => lang.pick("상품", "product"),
        "parent" => lang.pick("상위상품", "parent"),
        _ => lang.pick("기본값", "shop default"),
    }
}

fn dec(d: Decimal) -> Value {
    Value::String(d.normalize().to_string())
}

/// JSON: English field names, numbers of units as decimal strings, dates `YYYY-MM-DD`.
pub fn to_json(r: &StockReport) -> Value {
    let items: Vec<Value> = r
        .lines
        .iter()
        .map(|l| {
            json!({
                "sku": l.sku,
                "name": l.name,
                "option": l.option,
                "supplier": l.supplier,
                "cell": l.cell.to_string(),
                "counted_stock": dec(l.counted_stock),
                "moves": dec(l.moves),
                "stock": dec(l.stock),
                "safety_stock": dec(l.threshold),
                "threshold_source": l.threshold_source.key(),
                "units_sold": dec(l.units_sold),
                "velocity": dec(l.velocity.round_dp(4)),
                "days_of_cover": l.days_of_cover.map(|d| dec(d.round_dp(1))),
                "lead_time_days": l.lead_time_days,
                "reorder_point": dec(l.reorder_point.round_dp(2)),
                "reorder_qty": dec(l.reorder_qty),
                "suggested_order": dec(l.suggested_order),
                "last_sale": l.last_sale.map(|d| d.format("%Y-%m-%d").to_string()),
                "dead": l.dead,
                "status": l.status.key(),
                "reason": l.reason(Lang::En, r.velocity_days, r.dead_days),
            })
        })
        .collect();
    let unmatched: Vec<Value> = r
        .unmatched
        .iter()
        .map(|u| {
            json!({
                "product": u.product,
                "source": u.source,
                "units": dec(u.units),
                "cell": u.cell.as_ref().map(ToString::to_string),
            })
        })
        .collect();
    json!({
        "as_of": r.as_of.format("%Y-%m-%d").to_string(),
        "velocity_days": r.velocity_days,
        "items": items,
        "unmatched": unmatched,
    })
}

fn terminal_text(r: &StockReport, loaded: &Loaded) -> String {
    let lang = loaded.lang;
    let mut t = table(r, lang, false);
    // The terminal keeps the columns an owner reads first.
    let keep = [0usize, 1, 2, 4, 5, 8, 9, 12, 15, 16];
    t.columns = keep.iter().map(|i| t.columns[*i].clone()).collect();
    t.rows = t
        .rows
        .iter()
        .map(|row| keep.iter().map(|i| row[*i].clone()).collect())
        .collect();
    let mut out = terminal::render_titled(&t, loaded.currency);
    let count = |s: Status| r.lines.iter().filter(|l| l.status == s).count();
    out.push_str(&match lang {
        Lang::Ko => format!(
            "품절 {}, 재고부족 {}, 발주필요 {}, 악성재고 {}\n",
            count(Status::Out),
            count(Status::Low),
            count(Status::Reorder),
            r.lines.iter().filter(|l| l.dead).count()
        ),
        Lang::En => format!(
            "{} out of stock, {} low, {} to reorder, {} dead stock\n",
            count(Status::Out),
            count(Status::Low),
            count(Status::Reorder),
            r.lines.iter().filter(|l| l.dead).count()
        ),
    });
    out.push_str(&unmatched_text(r, lang));
    out
}

/// The unmatched products, one line each (empty when every product matched).
pub fn unmatched_text(r: &StockReport, lang: Lang) -> String {
    let mut out = String::new();
    for u in &r.unmatched {
        let units = u.units.normalize();
        out.push_str(&match (u.source, lang) {
            ("sales", Lang::Ko) => {
                format!("재고 시트에 없는 상품: {} (판매 {units}개)\n", u.product)
            }
            ("sales", Lang::En) => format!(
                "not in the stock sheet: {} ({units} unit{} sold)\n",
                u.product,
                if units == Decimal::ONE { "" } else { "s" }
            ),
            (_, Lang::Ko) => format!(
                "재고 시트에 없는 입출고: {} ({})\n",
                u.product,
                u.cell.as_ref().map(ToString::to_string).unwrap_or_default()
            ),
            (_, Lang::En) => format!(
                "moves of a product not in the stock sheet: {} ({})\n",
                u.product,
                u.cell.as_ref().map(ToString::to_string).unwrap_or_default()
            ),
        });
    }
    out
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
    use anyhow::Context;
    let by = orders_by_supplier(r);
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let mut plan = Vec::new();
    for (stem, lines) in &by {
        let path = dir.join(format!("{stem}.csv"));
        if path.exists() && !force {
            anyhow::bail!(
                "{}: already exists; use --force to replace it",
                path.display()
            );
        }
        plan.push((path, lines));
    }
    let mut written = Vec::new();
    for (path, lines) in plan {
        let mut t = SheetTable::new(
            "",
            &[
                "sku",
                "name",
                "option",
                "quantity",
                "unit_cost",
                "amount",
                "reason",
            ],
        );
        for l in lines {
            t.push(vec![
                opt_text(l.sku.as_ref()),
                opt_text(l.name.as_ref()),
                opt_text(l.option.as_ref()),
                Cell::Number(l.suggested_order.normalize()),
                l.cost.map_or(Cell::Empty, Cell::Money),
                l.cost
                    .map_or(Cell::Empty, |c| Cell::Money(c * l.suggested_order)),
                Cell::text(l.reason(lang, r.velocity_days, r.dead_days)),
            ]);
        }
        std::fs::write(&path, csv_out::to_csv(&t)?)
            .with_context(|| format!("{}: cannot write", path.display()))?;
        written.push((path, lines.len()));
    }
    Ok(written)
}
