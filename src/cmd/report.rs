//! `dangol report`: the weekly PDF (SPEC §5) — KPIs against the week before, the 12-week
//! trend, the week's quote funnel, top customers, grade changes and reminders due.

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate, Weekday};

use crate::analysis::weekly::{Week, WeeklyReport};
use crate::cli::Global;
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::model::CellRef;
use crate::render::output::{self, Backups, Kind};
use crate::render::pdf::{FontSource, PdfWarning, TextKind, render_weekly_pdf};
use crate::settings::{Origin, Role};

/// Render the weekly PDF report.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  dangol report shop.xlsx                         # last complete week before today
  dangol report shop.xlsx --as-of 2025-04-21      # the week 2025-04-14 ~ 2025-04-20
  dangol report shop.xlsx --week 2025-W16         # that ISO week
  dangol report shop.xlsx --out ~/weekly.pdf      # another file name
  dangol report shop.xlsx --font NotoSansKR.ttf   # another font
The file is written as reports/weekly-2025-W16.pdf beside the workbook unless --out or
--report-dir say otherwise; its path is printed. Characters the font lacks are reported on
stderr (with the cell they came from) and drawn as '?'. The PDF is never written over the
workbook or another input; an existing file dangol did not make is not replaced without
--force, and a previous report is kept in .dangol-backups/ before it is replaced.
--as-of latest reports the week of the newest sale (the day after it).")]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
    /// The week to report, as an ISO week label (e.g. 2025-W16); default: the last complete
    /// week before --as-of (or today).
    #[arg(long, value_name = "WEEK")]
    pub week: Option<String>,
    /// The PDF to write (default: `weekly-<WEEK>.pdf` in the report directory).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Where the PDF goes (default: `reports/` beside the workbook).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// A TTF/OTF font to use instead of the built-in one.
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    // Check the flags before the (possibly long) read of the workbook.
    if let Some(text) = &args.week {
        if g.as_of.is_some() {
            let lang = crate::i18n::lang_of(g);
            return Err(super::UsageError(crate::msg!(lang, WeekAndAsOf, week = text)).into());
        }
        // The syntax does not depend on the week start; the week is parsed again below.
        if let Err(e) = Week::parse(text, Weekday::Mon) {
            let lang = crate::i18n::lang_of(g);
            return Err(super::UsageError(crate::i18n::week_error(&e).render(lang)).into());
        }
    }
    let inputs = output::inputs(
        &args.workbook,
        g.config.as_deref(),
        &args.font.iter().map(PathBuf::as_path).collect::<Vec<_>>(),
    );
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    // A refused --out is refused before the (possibly long) read.
    if let Some(out) = &args.out {
        output::refuse_input("--out", out, &inputs)?;
        output::check_replace(out, &Kind::Pdf, g.force)?;
    }
    // An explicit --week is not "as of today": no stale-data warning for it.
    let stale_as_of = args.week.is_none().then(|| super::as_of(g));
    let loaded = super::load_as_of(&args.workbook, g, stale_as_of)?;
    let ws = loaded.settings.week_start;
    let (week, as_of) = if let Some(text) = &args.week {
        let week = Week::parse(text, ws)
            .map_err(|e| anyhow::Error::new(crate::i18n::Said(crate::i18n::week_error(&e))))?;
        (week, week.end() + Days::new(1))
    } else {
        let as_of = super::as_of(g);
        (Week::last_complete_before(as_of, ws), as_of)
    };
    let report = build_report(&loaded, as_of)?;
    debug_assert_eq!(report.week, week);
    let font = args
        .font
        .as_ref()
        .map_or(FontSource::Embedded, |p| FontSource::Path(p.clone()));
    let (bytes, warnings) = render_weekly_pdf(&report, &font)?;
    for w in annotate(&loaded, &report, warnings) {
        let line = crate::msg!(loaded.lang, WarningLine, message = w);
        eprintln!("{}", crate::render::terminal::stderr_line(&line));
    }

    let path = match &args.out {
        Some(p) => p.clone(),
        None => args
            .report_dir
            .clone()
            .unwrap_or_else(|| beside(&args.workbook).join("reports"))
            .join(format!("weekly-{}.pdf", week.label())),
    };
    let flag = if args.out.is_some() {
        "--out"
    } else {
        "the weekly report"
    };
    output::refuse_input(flag, &path, &inputs)?;
    let backups = Backups {
        keep: loaded.settings.backups,
        ..Backups::default_now()
    };
    output::write_pdf(&path, &bytes, g.force, backups, Some(&args.workbook))?;
    if !g.quiet {
        super::emit(&format!("{}\n", path.display()))?;
    }
    Ok(Exit::Ok)
}

/// The workbook's folder (empty, i.e. the current one, for a bare file name).
fn beside(workbook: &Path) -> PathBuf {
    workbook.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The weekly report of the last complete week before `as_of`, exactly as `dangol run` builds
/// it (see [`crate::pipeline::analyse`]).
pub fn build_report(l: &Loaded, as_of: NaiveDate) -> anyhow::Result<WeeklyReport> {
    Ok(crate::pipeline::analyse(l, as_of)?.weekly)
}

/// The renderer's warnings in the workbook's language, with where a string came from added
/// to the "font lacks" ones: the settings cell or file line of the shop name, the quote row of
/// a reminder's customer or quote id, the sales cell of a customer name (the first row spelling
/// it so, which the sales ledger kept as it read them: the workbook is not read again). The
/// warnings are facts ([`PdfWarning`]), so this matches on what they are, never on their text.
fn annotate(l: &Loaded, r: &WeeklyReport, warnings: Vec<PdfWarning>) -> Vec<String> {
    let mut names: Vec<&str> = r.top_customers.iter().map(|t| t.name.as_str()).collect();
    names.extend(r.grade_changes.iter().map(|g| g.customer.as_str()));
    warnings
        .into_iter()
        .map(|w| {
            let shown = w.render(l.lang);
            let PdfWarning::FontLacks { kind, text, .. } = &w else {
                return shown;
            };
            let with = |place: &dyn std::fmt::Display| format!("{shown} ({place})");
            match kind {
                TextKind::ShopName if *text == r.shop_name => {
                    return match l.settings.origins.get("shop_name") {
                        Some(o @ (Origin::Sheet(_) | Origin::Toml(_))) => with(o),
                        _ => shown,
                    };
                }
                TextKind::CustomerName | TextKind::QuoteId => {
                    let quote = *kind == TextKind::QuoteId;
                    // Each reminder line carries its quote row's cell.
                    if let Some(m) = r.reminders.iter().find(|m| {
                        let own = if quote { &m.quote_id } else { &m.customer };
                        own == text
                    }) {
                        let field = if quote { "quote_id" } else { "customer" };
                        return with(&field_cell(l, &m.cell, field));
                    }
                }
                _ => {}
            }
            if *kind == TextKind::CustomerName
                && names.contains(&text.as_str())
                && let Some(c) = name_cell(l, text)
            {
                return with(&c);
            }
            shown
        })
        .collect()
}

/// `row_cell` moved to the column of `field` in its sheet, when that column is known.
fn field_cell(l: &Loaded, row_cell: &CellRef, field: &str) -> CellRef {
    l.data
        .sheets
        .iter()
        .find(|s| s.name == row_cell.sheet)
        .and_then(|s| s.columns.iter().find(|(f, _, _)| *f == field))
        .map_or_else(|| row_cell.clone(), |(_, col, _)| row_cell.at_col(*col))
}

/// The cell of the sales sheets' customer column where the spelling `name` was first read.
fn name_cell(l: &Loaded, name: &str) -> Option<CellRef> {
    let (sheet, row) = l.data.sales.first_cell_of(name)?;
    let col = l
        .data
        .sheets
        .iter()
        .find(|s| s.name == sheet && s.role == Some(Role::Sales))?
        .columns
        .iter()
        .find(|(f, _, _)| *f == "customer")?
        .1;
    Some(CellRef::new(sheet, row, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A customer name the font lacks is named with its sales cell from what the first read
    /// kept: the workbook is gone before the warning is worded, and the cell is still there.
    #[test]
    fn a_name_the_font_lacks_is_placed_without_reading_the_workbook_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.csv");
        std::fs::write(
            &path,
            "Date,Customer,Amount\n\
             2025-04-08,Bright Mart,10\n\
             2025-04-15,Bright Mart,20\n\
             2025-04-16,Acme \u{1D11E} Music,30\n\
             2025-04-17,Acme \u{1D11E} Music,5\n",
        )
        .unwrap();
        let loaded = crate::ingest::load(&path, &crate::ingest::ReadOptions::default()).unwrap();
        std::fs::remove_file(&path).unwrap();
        let report = build_report(&loaded, NaiveDate::from_ymd_opt(2025, 4, 21).unwrap()).unwrap();
        let lacks = |text: &str| PdfWarning::FontLacks {
            ch: '\u{1D11E}',
            kind: TextKind::CustomerName,
            text: text.into(),
        };
        assert_eq!(
            annotate(
                &loaded,
                &report,
                vec![lacks("Acme \u{1D11E} Music"), lacks("Nobody \u{1D11E}")]
            ),
            [
                "font lacks '\u{1D11E}' (U+1D11E) in customer name \"Acme \u{1D11E} Music\" (shop!B4)",
                "font lacks '\u{1D11E}' (U+1D11E) in customer name \"Nobody \u{1D11E}\"",
            ]
        );
    }
}
