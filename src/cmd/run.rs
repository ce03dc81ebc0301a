//! `dangol run`: the nightly job — read the workbook once, analyse, write dangol's sheets back
//! (safely: lock, open-in-Excel check, backup, atomic replace) and render the weekly PDF.

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::model::Lang;
use crate::pipeline::{self, Analyses};
use crate::render::output::{self, Backups, Kind};
use crate::render::pdf::{FontSource, render_weekly_pdf};
use crate::render::run_summary;
use crate::render::sheets::{SheetContext, generated_workbook};
use crate::writeback::{WriteJob, WriteOptions, WritebackError};

/// Analyse a workbook, write dangol's sheets into it and render the weekly PDF (the nightly
/// job).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol run shop.xlsx                        # update shop.xlsx, write reports/weekly-….pdf
  dangol run shop.xlsx --quiet                # for cron: prints nothing on success
  dangol run shop.xlsx --out copy.xlsx        # leave shop.xlsx untouched
  dangol run sales.csv                        # writes sales.dangol.xlsx beside it
  dangol run shop.xlsx --as-of 2025-04-16 --no-report
  dangol run shop.xlsx --as-of latest         # as of the day after the newest sale
  dangol run shop.xlsx --format json          # the run summary for scripts
--quiet prints one line on stderr when the input has data problems or looks stale (more than
7 days between the newest sale and --as-of). An existing --out file, NAME.dangol.xlsx or PDF
that dangol did not make is not replaced without --force; dangol's own are backed up.
Exit status: 0 ok, 1 data or write error, 2 usage error, 3 the workbook is locked by another
run or open in Excel/LibreOffice (use --force to write anyway).")]
pub struct Args {
    /// The workbook. `.xlsx`/`.xlsm` are updated in place (a backup is kept in
    /// `.dangol-backups/`); `.xls`/`.xlsb`/`.ods`/`.csv`/`.tsv` give a new `NAME.dangol.xlsx`.
    pub workbook: PathBuf,
    /// Write the result to FILE and leave the workbook untouched.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Folder for the weekly PDF (default: `reports/` beside the workbook written).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Do not render the weekly PDF.
    #[arg(long, conflicts_with_all = ["report_dir", "font"])]
    pub no_report: bool,
    /// A TTF/OTF font for the PDF instead of the built-in Hangul font.
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
    #[command(flatten)]
    pub notify: super::notify::RunNotify,
}

/// Steps shown by the progress bar.
const STEPS: u64 = 4;

/// A progress bar on a terminal only; draws nothing under cron or with `--quiet`.
fn progress(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(STEPS);
    if let Ok(style) = ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn step(bar: &ProgressBar, lang: Lang, msg: crate::i18n::Msg) {
    bar.inc(1);
    bar.set_message(msg.render(lang, &[]));
}

/// I/O failures get the file and the assurance that nothing changed; a lock or an open
/// workbook keeps its own message (and its type, which `error_exit` maps to 3).
fn write_error(target: &Path, e: WritebackError) -> anyhow::Error {
    match e {
        WritebackError::Io(error) => anyhow::Error::new(WritebackError::NotWritten {
            target: target.to_path_buf(),
            error,
        }),
        other => anyhow::Error::new(other),
    }
}

/// Run the command; with `--notify`, a failed run is reported to the channels.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    if g.format == Format::Csv {
        let lang = crate::i18n::lang_of(g);
        return Err(super::UsageError(crate::msg!(lang, RunNoCsv)).into());
    }
    let result = run_job(args, g);
    args.notify.after(&args.workbook, g, result)
}

fn run_job(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    crate::timings::start();
    let as_of = super::as_of(g);
    // The workbook's own `backups` setting replaces the default once it has been read.
    let opts = WriteOptions::now(g.force, as_of, g.limits);
    let editable = super::is_editable(&args.workbook);
    let planned = match &args.out {
        Some(o) => o.clone(),
        None if editable => args.workbook.clone(),
        None => crate::writeback::values_output_path(&args.workbook),
    };
    // An existing file other than the workbook itself is replaced only when dangol made it.
    if !same_target(&planned, &args.workbook) {
        output::check_replace(&planned, &Kind::Workbook, g.force)?;
    }
    // The lock is taken before reading, so a second run fails at once with exit 3 and the
    // workbook cannot change between the read and the write.
    let mut job = WriteJob::begin(&args.workbook, args.out.as_deref(), opts)
        .map_err(|e| write_error(&planned, e))?;
    crate::timings::phase("lock");

    let bar = progress(g.quiet);
    // The workbook's language is known only once it is read: `--lang ko` says it earlier.
    let early = if g.lang == Some(crate::cli::LangArg::Ko) {
        Lang::Ko
    } else {
        Lang::En
    };
    bar.set_message(crate::msg!(early, ProgressReading));
    let loaded = super::load(&args.workbook, g)?;
    crate::timings::phase("read");
    // `--as-of latest` is known only now.
    let as_of = super::as_of(g);
    job.set_created(as_of);
    job.set_backups(loaded.settings.backups);
    step(&bar, loaded.lang, crate::i18n::Msg::ProgressAnalysing);
    let analyses = pipeline::analyse(&loaded, as_of)?;
    let ctx = SheetContext {
        lang: analyses.lang,
        as_of,
        currency: analyses.currency,
    };
    // Where the weekly PDF goes, checked before anything is written: a refused report must
    // not leave the workbook half-way updated.
    let pdf_path = if args.no_report {
        None
    } else {
        let dir = args
            .report_dir
            .clone()
            .unwrap_or_else(|| parent(job.target()).join("reports"));
        let path = dir.join(format!("weekly-{}.pdf", analyses.weekly.week.label()));
        let extra: Vec<&Path> = args.font.iter().map(PathBuf::as_path).collect();
        let inputs = output::inputs(&args.workbook, g.config.as_deref(), &extra);
        let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        output::refuse_input("the weekly report", &path, &inputs)?;
        output::check_replace(&path, &Kind::Pdf, g.force)?;
        Some(path)
    };
    crate::timings::phase("analyse");
    let sheets = analyses.sheets();
    crate::timings::phase("contents");
    let generated = generated_workbook(&sheets, &ctx)?;
    drop(sheets);
    crate::timings::phase("sheets");
    step(&bar, loaded.lang, crate::i18n::Msg::ProgressWriting);
    let report = job
        .write_generated(&generated)
        .map_err(|e| write_error(job.target(), e))?;

    // What the write could not keep as it was (the file's owner, hard links split by --force).
    let mut warnings = report.warnings.clone();
    let pdf = if let Some(path) = &pdf_path {
        step(&bar, loaded.lang, crate::i18n::Msg::ProgressReport);
        let backups = Backups {
            keep: loaded.settings.backups,
            ..Backups::default_now()
        };
        let pdf = render_pdf(&analyses, path, args, g, backups, &mut warnings);
        Some(pdf.map_err(|e| {
            match crate::i18n::io_cause(e.as_ref()) {
                Some(io) => anyhow::Error::new(crate::i18n::Said(
                    crate::text!(
                        RunReportNotWritten,
                        target = report.target.display(),
                        report = path.display()
                    )
                    .io("error", io),
                )),
                None => e.context(format!(
                    "{} was written, but the weekly report was not",
                    report.target.display()
                )),
            }
        })?)
    } else {
        None
    };
    drop(job);
    bar.finish_and_clear();
    crate::timings::phase("report");

    if !g.quiet {
        let mut err = std::io::stderr().lock();
        for w in &warnings {
            // The write's warnings are English texts still: so is their line.
            let line = format!("dangol: warning: {w}");
            let _ = writeln!(err, "{}", crate::render::terminal::stderr_line(&line));
        }
    }
    if g.format == Format::Json {
        // Asked for by a script: printed even with --quiet.
        super::emit(&run_summary::run_json(
            &args.workbook,
            &analyses,
            &report,
            pdf.as_deref(),
            &warnings,
        )?)?;
    } else if !g.quiet {
        super::emit(&run_summary::run_summary(
            &args.workbook,
            &analyses,
            &report,
            pdf.as_deref(),
        ))?;
    }
    let notify = &loaded.settings.notify;
    args.notify
        .after_success(&args.workbook, notify, &analyses, pdf.as_deref(), g)
}

/// Whether `a` and `b` are the same file (or the same path).
fn same_target(a: &Path, b: &Path) -> bool {
    a == b || output::same_file(a, b)
}

fn parent(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Renders the weekly PDF and writes it to `path` (`weekly-YYYY-Www.pdf`) with
/// [`output::write_pdf`], the one way `run` and `report` write it.
fn render_pdf(
    a: &Analyses,
    path: &Path,
    args: &Args,
    g: &Global,
    backups: Backups,
    warnings: &mut Vec<String>,
) -> anyhow::Result<PathBuf> {
    let font = args
        .font
        .as_deref()
        .map_or(FontSource::Embedded, |p| FontSource::Path(p.to_path_buf()));
    let (bytes, warn) = render_weekly_pdf(&a.weekly, &font)?;
    warnings.extend(warn.iter().map(ToString::to_string));
    output::write_pdf(path, &bytes, g.force, backups, Some(&args.workbook))?;
    Ok(path.to_path_buf())
}
