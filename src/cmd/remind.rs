//! `dangol remind`: who needs a reminder now and why; `--apply` marks those quotes as reminded
//! in the owner's quote sheet, `--eml DIR` and `--csv FILE` write e-mail drafts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;

use crate::analysis::customers::customer_table;
use crate::analysis::remind::{self, Reminder, due_reminders};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::render::contents_remind::{self as cr, Applied, RemindOutputs};
use crate::render::eml::{self, DraftContext};
use crate::render::output::{self, Backups, Kind};
use crate::writeback::{self, WriteJob, WriteOptions, remind_edits};

/// List the quotes that need a reminder; mark them, draft the e-mails.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "A quote needs a reminder when it was sent at least reminder.after_days \
days ago (default 3), has no response and no conversion, has had fewer than reminder.max \
reminders (2), the last one at least reminder.gap_days ago (3), and the customer has not opted \
out.

Examples:
  dangol remind shop.xlsx                        # who to remind today, and why
  dangol remind shop.xlsx --as-of 2025-04-15 --format json
  dangol remind shop.xlsx --eml drafts/ --csv merge.csv   # e-mail drafts + mail-merge CSV
  dangol remind shop.xlsx --apply                # mark the quotes as reminded (backup kept)
  dangol remind shop.xlsx --apply --out new.xlsx # leave shop.xlsx untouched

Drafts and the CSV are never written over the workbook; an existing file dangol did not make
is not replaced without --force, and dangol's own earlier files are kept in .dangol-backups/.
--apply --out FILE always writes FILE, even when there is nothing to mark."
)]
pub struct Args {
    /// The workbook (`--apply` needs .xlsx or .xlsm).
    pub workbook: PathBuf,
    /// Mark the due quotes as reminded: status, reminded date = as-of, reminder count + 1.
    #[arg(long)]
    pub apply: bool,
    /// Write one .eml draft per customer into this folder.
    #[arg(long, value_name = "DIR")]
    pub eml: Option<PathBuf>,
    /// Write a mail-merge CSV (UTF-8 with BOM).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// With --apply: write the updated workbook here instead of replacing WORKBOOK.
    #[arg(long, value_name = "FILE", requires = "apply")]
    pub out: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    // Output paths are checked before the (possibly long) read: never an input, never over a
    // file dangol did not make.
    let inputs = output::inputs(&args.workbook, g.config.as_deref(), &[]);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let csv_kind = Kind::Csv(eml::mail_merge_csv(&[])?);
    if let Some(csv) = &args.csv {
        output::refuse_input("--csv", csv, &inputs)?;
        output::check_replace(csv, &csv_kind, g.force)?;
    }
    if let Some(dir) = &args.eml {
        output::refuse_input("--eml", dir, &inputs)?;
    }
    if let Some(out) = &args.out
        && !output::same_file(out, &args.workbook)
    {
        output::check_replace(out, &Kind::Workbook, g.force)?;
    }
    // `--apply`: lock, then read (SPEC promise 2). The job notes the workbook as it is now, so
    // a save that lands after this point is caught before the rename and quote rows are never
    // marked from an older read.
    let mut job = if args.apply {
        Some(begin_apply(args, g)?)
    } else {
        None
    };
    let loaded = super::load(&args.workbook, g)?;
    if let Some(job) = job.as_mut() {
        job.set_backups(loaded.settings.backups);
    }
    let as_of = super::as_of(g);
    let data = &loaded.data;
    let table = customer_table(
        &data.sales,
        &data.quotes,
        &data.customers,
        &loaded.settings,
        as_of,
    );
    let due = due_reminders(data, &table, &loaded.settings, as_of);
    let lang = loaded.lang;

    // Drafts first: a template error stops the run before anything is written.
    let mut n_drafts = 0;
    if args.eml.is_some() || args.csv.is_some() {
        let ctx = DraftContext::new(&loaded.settings, loaded.currency, lang);
        let drafts = eml::drafts(&due, &data.templates, &ctx)?;
        let backups = Backups {
            keep: loaded.settings.backups,
            ..Backups::default_now()
        };
        if let Some(dir) = &args.eml {
            let files: Vec<(PathBuf, Vec<u8>)> = drafts
                .iter()
                .filter(|d| d.to.is_some())
                .enumerate()
                .filter_map(|(i, d)| {
                    eml::eml(d, as_of).map(|b| (dir.join(eml::eml_file_name(i, d)), b))
                })
                .collect();
            // Every draft is checked before the first is written.
            for (path, _) in &files {
                output::refuse_input("--eml", path, &inputs)?;
                output::check_replace(path, &Kind::Eml, g.force)?;
            }
            std::fs::create_dir_all(dir).map_err(|e| crate::i18n::folder_not_made(dir, &e))?;
            for (path, bytes) in &files {
                let like = Some(args.workbook.as_path());
                output::write_output(path, bytes, &Kind::Eml, g.force, backups, like)?;
                n_drafts += 1;
            }
        }
        if let Some(path) = &args.csv {
            let bytes = eml::mail_merge_csv(&drafts)?;
            let like = Some(args.workbook.as_path());
            output::write_output(path, &bytes, &csv_kind, g.force, backups, like)?;
        }
    }

    // A customer with neither e-mail nor phone cannot have been reminded: never marked.
    let applied = if let Some(job) = &job {
        let marked: Vec<Reminder> = due
            .iter()
            .filter(|r| remind::reachable(r))
            .cloned()
            .collect();
        apply(&loaded, args, g, &marked, as_of, job)?
    } else {
        0
    };

    let money_dp = loaded.currency.decimals().max(2);
    let calls = remind::call_instead(&due, true);
    let unreachable = remind::call_instead(&due, false);
    let contacts = (calls.as_slice(), unreachable.as_slice());
    let text = match g.format {
        Format::Json => cr::remind_json(&due, contacts, as_of, money_dp, (applied, n_drafts))?,
        Format::Csv => cr::reminders_csv(&due, money_dp)?,
        Format::Table | Format::Xlsx => {
            let outputs = RemindOutputs {
                eml: args.eml.as_deref().map(|dir| (dir, n_drafts)),
                csv: args.csv.as_deref(),
                applied: args.apply.then(|| Applied {
                    target: args.out.as_deref().unwrap_or(&args.workbook),
                    marked: applied,
                    to_out: args.out.is_some(),
                }),
            };
            cr::remind_terminal(
                &due,
                contacts,
                &loaded.settings,
                (lang, loaded.currency),
                as_of,
                &outputs,
            )
        }
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

/// What a failed write did not change, and why (a lock or an open workbook keeps its own
/// message and its exit code 3).
fn unchanged(input: &Path) -> impl Fn(writeback::WritebackError) -> anyhow::Error + '_ {
    move |e| match e {
        writeback::WritebackError::Io(io) => {
            let text = crate::text!(RemindNotUpdated, workbook = input.display()).io("error", &io);
            anyhow::Error::new(crate::i18n::Said(text))
        }
        other => anyhow::Error::new(other),
    }
}

/// Lock the workbook for `--apply` before it is read: the Excel owner-file check and the same
/// write job `run` uses (backup and atomic replace at the end).
fn begin_apply(args: &Args, g: &Global) -> anyhow::Result<WriteJob> {
    let input = &args.workbook;
    super::require_editable(
        input,
        crate::i18n::Msg::ApplyNeedsXlsx,
        Some(crate::i18n::Msg::ApplyInsteadReminders),
    )?;
    // The workbook's own `backups` setting replaces the default once it has been read.
    let opts = WriteOptions::now(g.force, super::as_of(g), g.limits);
    WriteJob::begin(input, args.out.as_deref(), opts).map_err(unchanged(input))
}

/// Mark the due quotes as reminded; returns how many quote rows were updated.
fn apply(
    loaded: &Loaded,
    args: &Args,
    g: &Global,
    due: &[Reminder],
    as_of: NaiveDate,
    job: &WriteJob,
) -> anyhow::Result<usize> {
    let input = &args.workbook;
    if due.is_empty() && args.out.is_none() {
        // Nothing to change: the file is not touched at all (no backup, no rewrite).
        return Ok(0);
    }
    let unchanged = unchanged(input);
    let mut by_sheet: BTreeMap<&str, Vec<&Reminder>> = BTreeMap::new();
    for r in due {
        by_sheet.entry(r.cell.sheet.as_str()).or_default().push(r);
    }
    // One sheet after another, each edit reading the previous result.
    let mut bytes: Option<Vec<u8>> = None;
    for (sheet, rs) in &by_sheet {
        let edits = remind_edits::sheet_edits(loaded, sheet, rs, as_of, &g.limits)?;
        let next = match bytes.take() {
            None => writeback::edit_cells_with(input, sheet, &edits, &g.limits)?,
            Some(b) => {
                let mut out = std::io::Cursor::new(Vec::new());
                writeback::edit_cells_checked(
                    std::io::Cursor::new(b),
                    sheet,
                    &edits,
                    &mut out,
                    &g.limits,
                )?;
                out.into_inner()
            }
        };
        bytes = Some(next);
    }
    // With nothing to mark, `--out FILE` still gets its file: the workbook as it is (SPEC §6);
    // in place, nothing is written.
    let bytes = match bytes {
        Some(b) => b,
        None if args.out.is_none() => return Ok(0),
        None => std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?,
    };
    let report = job.commit(&bytes).map_err(unchanged)?;
    for w in report.warnings.iter().filter(|_| !g.quiet) {
        eprintln!("dangol: warning: {w}");
    }
    Ok(due.len())
}
