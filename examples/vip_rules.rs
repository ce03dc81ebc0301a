//! Grade customers with VIP rules written in code, in dangol's rule language, and print the
//! VIP list with the reason for each: `cargo run --example vip_rules -- shop.xlsx [YYYY-MM-DD]`.
//!
//! The rules replace the workbook's (or the default) VIP table for this run only; the last rule
//! must be `true` so that every customer gets a grade.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use dangol::analysis::customers::customer_table;
use dangol::ingest::{ReadOptions, load};
use dangol::model::values::format_money;
use dangol::rules::Rule;
use dangol::settings::{GradeName, GradeRule, Origin};

/// (grade, rule), highest grade first.
const RULES: [(&str, &str); 4] = [
    ("Platinum", "total_all >= 3_000_000 and recency_days <= 60"),
    ("VIP", "total >= 1_000_000 or (orders >= 8 and r >= 4)"),
    ("Friend", "orders >= 2"),
    ("Everyone", "true"),
];

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().context("usage: vip_rules WORKBOOK [DATE]")?);
    let mut loaded = load(&path, &ReadOptions::default())?;
    let as_of = match args.next() {
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")?,
        None => chrono::Local::now().date_naive(),
    };
    loaded.settings.vip_rules = RULES
        .iter()
        .map(|(grade, rule)| {
            Ok(GradeRule {
                grade: GradeName {
                    en: (*grade).to_string(),
                    ko: (*grade).to_string(),
                },
                rule: Rule::parse(rule).map_err(|e| anyhow::anyhow!("rule {rule:?}: {e}"))?,
                origin: Origin::Flag("examples/vip_rules.rs".into()),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let d = &loaded.data;
    let table = customer_table(&d.sales, &d.quotes, &d.customers, &loaded.settings, as_of);
    let mut vips: Vec<_> = table
        .rows
        .iter()
        .filter(|r| r.vip.rank <= 1) // Platinum or VIP
        .collect();
    vips.sort_by(|a, b| a.vip.rank.cmp(&b.vip.rank).then(b.total.cmp(&a.total)));
    println!("{} VIP customers as of {as_of}", vips.len());
    for r in vips {
        println!(
            "{:<10} {:<20} {:>14}  {}",
            r.vip.name.en,
            r.display_name(),
            format_money(r.total, loaded.currency),
            r.vip.reason_in(r, dangol::model::Lang::En)
        );
    }
    Ok(())
}
