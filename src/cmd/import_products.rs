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
use crate::i18n::{Msg, said};
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
    /// With --apply: write the updated workbook here instead of replacing WORKBOOK.
    #[arg(long, value_name = "FILE", requires = "apply")]
    pub out: Option<PathBuf>,
}

pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let text = read_text(&args.file)?;
    // `--apply`: lock, then read (SPEC promise 2). The job notes the workbook as it is now, so
    // a save that lands after this point is caught before the rename, and the Stock sheet is
    // never written from an older read.
    let mut job = if args.apply {
        Some(begin_apply(&args.workbook, args.out.as_deref(), g)?)
    } else {
        None
    };
    let loaded = super::load(&args.workbook, g)?;
    if let Some(job) = job.as_mut() {
        job.set_backups(loaded.settings.backups);
    }
    let export = read_export(&text, &args.file.display().to_string())?;
    let info = stock_import::stock_sheet(&loaded.data, &loaded.path).map_err(said)?;
    let extent = sheet_extent(&loaded.path, &info.name, info.header_row, &g.limits)?;
    let plan = stock_import::plan(&loaded.data, info, extent, &export, loaded.lang);
    let outcome = if let Some(job) = job.filter(|_| !plan.edits.is_empty()) {
        write(&job, &loaded, &plan, g)?;
        ImportOutcome::Wrote {
            sheet: &plan.sheet,
            workbook: args.out.as_deref().unwrap_or(&args.workbook),
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

/// The write job of `--apply`, begun before the workbook is read.
fn begin_apply(
    input: &std::path::Path,
    out: Option<&std::path::Path>,
    g: &Global,
) -> anyhow::Result<WriteJob> {
    super::require_editable(input, Msg::ApplyNeedsXlsx, None)?;
    // The workbook's own `backups` setting replaces the default once it has been read.
    let opts = WriteOptions::now(g.force, super::as_of(g), g.limits);
    Ok(WriteJob::begin(input, out, opts)?)
}

fn write(job: &WriteJob, loaded: &Loaded, plan: &Plan, g: &Global) -> anyhow::Result<()> {
    let input = &loaded.path;
    let bytes = writeback::edit_cells_with(input, &plan.sheet, &plan.edits, &g.limits)?;
    let report = job.commit(&bytes)?;
    for w in report.warnings.iter().filter(|_| !g.quiet) {
        eprintln!("dangol: warning: {w}");
    }
    Ok(())
}
