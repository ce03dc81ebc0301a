//! Load a workbook through the library and print each customer's orders and net total:
//! `cargo run --example customer_totals -- shop.xlsx [YYYY-MM-DD]`.
//!
//! Uses all history up to the as-of day (default: the last sale), so returns are netted and
//! void (cancelled) rows add nothing — the same numbers `dangol customers` shows as
//! `orders_all` / `total_all`.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use dangol::analysis::customers::customer_table;
use dangol::ingest::{ReadOptions, load};
use dangol::model::values::format_money;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .context("usage: customer_totals WORKBOOK [DATE]")?,
    );
    let loaded = load(&path, &ReadOptions::default())?;
    let d = &loaded.data;
    let as_of = match args.next() {
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")?,
        None => d
            .sales
            .customers
            .values()
            .filter_map(|c| c.orders.values().map(|o| o.at.date()).max())
            .max()
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    let table = customer_table(&d.sales, &d.quotes, &d.customers, &loaded.settings, as_of);
    println!("as of {as_of}: {} customers", table.rows.len());
    for r in &table.rows {
        println!(
            "{}\t{}\t{}",
            r.display_name(),
            r.orders_all,
            format_money(r.total_all, loaded.currency)
        );
    }
    println!(
        "shop total {} (of which no customer: {})",
        format_money(table.shop_total_all(), loaded.currency),
        format_money(table.anonymous_total_all, loaded.currency)
    );
    Ok(())
}
