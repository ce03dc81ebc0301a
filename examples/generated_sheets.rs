//! Analyse a workbook and write dangol's generated sheets alone to a new `.xlsx`:
//! `cargo run --example generated_sheets -- WORKBOOK AS_OF OUT.xlsx`
//! (e.g. `… -- shop.xlsx 2026-11-23 /tmp/generated.xlsx`). A manual check of the sheets'
//! look in a spreadsheet program, without write-back.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use dangol::ingest::{ReadOptions, load};
use dangol::pipeline::analyse;
use dangol::render::sheets::generated_workbook;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, as_of, out] = args.as_slice() else {
        anyhow::bail!("usage: generated_sheets WORKBOOK AS_OF OUT.xlsx");
    };
    let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d").context("AS_OF: YYYY-MM-DD")?;
    let t = std::time::Instant::now();
    let loaded = load(&PathBuf::from(input), &ReadOptions::default())?;
    let read = t.elapsed();
    let t = std::time::Instant::now();
    let a = analyse(&loaded, as_of)?;
    let analysed = t.elapsed();
    let t = std::time::Instant::now();
    let sheets = a.sheets();
    let bytes = generated_workbook(&sheets, &a.sheet_context())?;
    let rendered = t.elapsed();
    std::fs::write(out, &bytes)?;
    eprintln!(
        "{} customers, {} changes, {} problems; {} sheets, {} bytes; read {:.2?}, analyse {:.2?}, render {:.2?}",
        a.customers.rows.len(),
        a.changes.len(),
        a.problems.len(),
        sheets.len(),
        bytes.len(),
        read,
        analysed,
        rendered
    );
    Ok(())
}
