//! `dangol import-products WORKBOOK FILE.csv`: a WooCommerce product export into the
//! workbook's Stock (재고) sheet (SPEC §10).
//!
//! The export is read by `ingest::woocommerce`, the cell edits are planned by
//! `analysis::stock_import` against the Stock sheet's extent (`ingest::extent`), and the
//! report is `render::contents_edits::import_report`. Nothing is written without `--apply`,
//! and the write is the one write job (lock, open-in-Excel check, backup, atomic replace).

use std::path::PathBuf;

use crate::analysis::stock_import::{self, Plan};
use crate::cli::Global;
use crate::exit::Exit;
use crate::i18n::{Msg, Text};
use crate::ingest::Loaded;
use crate::ingest::extent::sheet_extent;
use crate::ingest::woocommerce::{read_export, read_text};
use crate::render::contents_edits::{ImportOutcome, ImportReport, import_report};
use crate::writeback::{self, WriteJob, WriteOptions};

/// Import a WooCommerce product export (CSV) into the Stock sheet: SKU, name, option, stock,
/// low stock amount, regular price and parent; lists what would change, writes with --apply.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol import-products shop.xlsx wc-product-export.csv           # what would change
  dangol import-products shop.xlsx wc-product-export.csv --apply   # write it into the Stock sheet")]
pub struct Args {
    /// The workbook (.xlsx or .xlsm) with a Stock (재고) sheet.
    pub workbook: PathBuf,
    /// The WooCommerce product export (CSV, UTF-8).
    pub file: PathBuf,
    /// Write the changes into the workbook (default: only list them).
    #[arg(long)]
    pub apply: bool,
}

/// An error in the catalogue's words, shown in the workbook's language.
fn said(text: Text) -> anyhow::Error {
    anyhow::Error::new(crate::i18n::Said(text))
}

pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let text = read_text(&args.file)?;
    let loaded = super::load(&args.workbook, g)?;
    let export = read_export(&text, &args.file.display().to_string())?;
    let info = stock_import::stock_sheet(&loaded.data, &loaded.path).map_err(said)?;
    let extent = sheet_extent(&loaded.path, &info.name, info.header_row, &g.limits)?;
    let plan = stock_import::plan(&loaded.data, info, extent, &export, loaded.lang);
    let outcome = if args.apply && !plan.edits.is_empty() {
        write(&loaded, &plan, g)?;
        ImportOutcome::Wrote {
            sheet: &plan.sheet,
            workbook: &args.workbook,
        }
    } else if plan.edits.is_empty() {
        ImportOutcome::NothingToChange
    } else {
        ImportOutcome::NotApplied
    };
    let report = import_report(
        &ImportReport {
            file: &args.file,
            unusable: &export.unusable,
            products: export.products.len(),
            added: plan.added,
            updated: plan.updated,
            unchanged: plan.unchanged,
            outcome,
        },
        loaded.lang,
    );
    if !g.quiet {
        super::emit(&report)?;
    }
    Ok(Exit::Ok)
}

fn write(loaded: &Loaded, plan: &Plan, g: &Global) -> anyhow::Result<()> {
    let input = &loaded.path;
    super::require_editable(input, Msg::ApplyNeedsXlsx, None)?;
    let job = WriteJob::begin(
        input,
        None,
        WriteOptions {
            backups: loaded.settings.backups,
            ..WriteOptions::now(g.force, super::as_of(g), g.limits)
        },
    )?;
    let bytes = writeback::edit_cells_with(input, &plan.sheet, &plan.edits, &g.limits)?;
    let report = job.commit(&bytes)?;
    for w in report.warnings.iter().filter(|_| !g.quiet) {
        eprintln!("dangol: warning: {w}");
    }
    Ok(())
}
