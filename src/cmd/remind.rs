//! `dangol remind`: who needs a reminder now and why; `--apply` marks those quotes as reminded
//! in the owner's quote sheet, `--eml DIR` and `--csv FILE` write e-mail drafts.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::analysis::customers::customer_table;
use crate::analysis::remind::{Reminder, due_reminders};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::ingest::source::Input;
use crate::model::Lang;
use crate::render::columns::JsonRows;
use crate::render::contents_remind::{self as cr, RemindRow};
use crate::render::eml::{self, DraftContext};
use crate::render::output::{self, Backups, Kind};
use crate::writeback::{self, CellEdit, EditValue};
use crate::writeback::{WriteJob, WriteOptions};

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

#[derive(Serialize)]
struct RemindJson<'a> {
    as_of: String,
    reminders: JsonRows<'a, RemindRow<'a>>,
    call_instead: JsonRows<'a, Reminder>,
    /// Neither a usable e-mail nor a phone: listed, never marked as reminded.
    unreachable: JsonRows<'a, Reminder>,
    applied: usize,
    drafts: usize,
}

/// Whether the reminder's customer has a usable e-mail address.
fn has_email(r: &Reminder) -> bool {
    r.email
        .as_deref()
        .is_some_and(|e| eml::usable_email(e.trim()))
}

/// Whether the reminder's customer can be reached at all: a usable e-mail or a phone.
fn reachable(r: &Reminder) -> bool {
    has_email(r) || r.phone.as_deref().is_some_and(|p| !p.trim().is_empty())
}

/// Customers of due reminders who cannot be e-mailed (no or unusable address) but have a
/// phone (`reachable = false`: those with neither), once each.
fn call_instead(due: &[Reminder], reach: bool) -> Vec<&Reminder> {
    let mut seen: BTreeMap<&str, &Reminder> = BTreeMap::new();
    for r in due {
        if !has_email(r) && reachable(r) == reach {
            seen.entry(r.customer.as_str()).or_insert(r);
        }
    }
    seen.into_values().collect()
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
        let marked: Vec<Reminder> = due.iter().filter(|r| reachable(r)).cloned().collect();
        apply(&loaded, args, g, &marked, as_of, job)?
    } else {
        0
    };

    let money_dp = loaded.currency.decimals().max(2);
    let calls = call_instead(&due, true);
    let unreachable = call_instead(&due, false);
    let text = match g.format {
        Format::Json => {
            let cols = cr::remind_columns();
            let rows = cr::remind_rows(&due, money_dp);
            let rows: Vec<&RemindRow<'_>> = rows.iter().collect();
            let j = RemindJson {
                as_of: as_of.to_string(),
                reminders: JsonRows(&cols, &rows),
                call_instead: JsonRows(cr::CALL_COLUMNS, &calls),
                unreachable: JsonRows(cr::CALL_COLUMNS, &unreachable),
                applied,
                drafts: n_drafts,
            };
            let mut s = serde_json::to_string_pretty(&j)?;
            s.push('\n');
            s
        }
        Format::Csv => cr::reminders_csv(&due, money_dp)?,
        Format::Table | Format::Xlsx => terminal(
            &loaded,
            &due,
            (&calls, &unreachable),
            as_of,
            applied,
            n_drafts,
            args,
        ),
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

fn terminal(
    loaded: &Loaded,
    due: &[Reminder],
    (calls, unreachable): (&[&Reminder], &[&Reminder]),
    as_of: NaiveDate,
    applied: usize,
    drafts: usize,
    args: &Args,
) -> String {
    let lang = loaded.lang;
    let mut o = String::new();
    due_section(&mut o, loaded, due, as_of);
    contact_section(&mut o, lang, calls, unreachable);
    outputs_section(&mut o, lang, args, applied, drafts);
    o
}

/// The reminders due as of `as_of` (a table), or that there are none.
fn due_section(o: &mut String, loaded: &Loaded, due: &[Reminder], as_of: NaiveDate) {
    let lang = loaded.lang;
    let s = &loaded.settings;
    if due.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!("{as_of} 기준 리마인드할 견적이 없습니다."),
                Lang::En => format!("No quotes need a reminder as of {as_of}."),
            }
        );
    } else {
        // The same plain, Hangul-aligned layout as `dangol customers` and `dangol funnel`.
        let shown = cr::reminders_terminal(due, lang);
        let ct = crate::render::terminal::render_table(&shown, loaded.currency);
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!(
                    "{as_of} 기준 리마인드 대상 {}건 (발송 {}일 후, 최대 {}회, 간격 {}일)",
                    due.len(),
                    s.reminder_after_days,
                    s.reminder_max,
                    s.reminder_gap_days
                ),
                Lang::En => format!(
                    "{} quote(s) need a reminder as of {as_of} (after {} days, at most {}, {} days apart)",
                    due.len(),
                    s.reminder_after_days,
                    s.reminder_max,
                    s.reminder_gap_days
                ),
            }
        );
        let _ = write!(o, "{ct}");
    }
}

/// The customers to call instead (no usable e-mail) and those who cannot be reached at all.
fn contact_section(o: &mut String, lang: Lang, calls: &[&Reminder], unreachable: &[&Reminder]) {
    if !calls.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            lang.pick(
                "이메일이 없어 전화로 연락할 고객:",
                "No usable e-mail — call instead:"
            )
        );
        for r in calls {
            let phone = r
                .phone
                .as_deref()
                .unwrap_or(lang.pick("(전화번호 없음)", "(no phone)"));
            let (name, phone) = (
                crate::render::terminal::visible(&r.name),
                crate::render::terminal::visible(phone),
            );
            let _ = writeln!(o, "  {name}  {phone}");
        }
    }
    if !unreachable.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            lang.pick(
                "이메일도 전화번호도 없어 연락할 수 없는 고객 (리마인드로 표시하지 않음):",
                "Unreachable — no e-mail and no phone (never marked as reminded):"
            )
        );
        for r in unreachable {
            let _ = writeln!(o, "  {}", r.name);
        }
    }
}

/// What was written: the drafts, the mail-merge CSV, the marked workbook.
fn outputs_section(o: &mut String, lang: Lang, args: &Args, applied: usize, drafts: usize) {
    if let Some(dir) = &args.eml {
        let _ = writeln!(o, "{}", eml::drafts_written(lang, drafts, dir));
    }
    if let Some(csv) = &args.csv {
        let _ = writeln!(
            o,
            "{}",
            match lang {
                Lang::Ko => format!("메일 머지 CSV: {}", csv.display()),
                Lang::En => format!("Mail-merge CSV: {}", csv.display()),
            }
        );
    }
    if args.apply {
        let target = args.out.as_deref().unwrap_or(&args.workbook);
        let _ = writeln!(
            o,
            "{}",
            match (lang, applied) {
                (Lang::Ko, 0) if args.out.is_some() => format!(
                    "변경할 견적이 없어 통합 문서를 그대로 {}에 썼습니다.",
                    target.display()
                ),
                (Lang::En, 0) if args.out.is_some() => format!(
                    "Nothing to mark; wrote the workbook unchanged to {}.",
                    target.display()
                ),
                (Lang::Ko, 0) => "변경할 견적이 없어 통합 문서를 그대로 두었습니다.".to_string(),
                (Lang::En, 0) => "Nothing to mark; the workbook was left as it was.".to_string(),
                (Lang::Ko, n) => format!(
                    "견적 {n}건을 리마인드 발송으로 표시했습니다: {}",
                    target.display()
                ),
                (Lang::En, n) => format!("Marked {n} quote(s) as reminded in {}", target.display()),
            }
        );
    }
}

/// Header texts of the columns `--apply` writes.
fn new_header(field: &str, lang: Lang) -> &'static str {
    match field {
        "status" => lang.pick("상태", "Status"),
        "reminded" => lang.pick("리마인드일", "Reminded"),
        _ => lang.pick("리마인드횟수", "Reminders"),
    }
}

/// The last non-blank header cell of `sheet`'s header row (0-based column).
fn last_header_col(
    path: &Path,
    sheet: &str,
    header_row: u32,
    limits: &crate::ingest::guard::Limits,
) -> anyhow::Result<Option<u32>> {
    let mut input = Input::open_with(path, None, limits)?;
    let mut last = None;
    input.for_each_row(sheet, |r, cells| {
        if r == header_row {
            last = cells.iter().rposition(|c| !c.is_blank()).map(|i| i as u32);
        }
        r < header_row
    })?;
    Ok(last)
}

/// The cell edits for one quote sheet: the three columns of every due quote on it, plus the
/// header cells of columns that did not exist.
fn sheet_edits(
    loaded: &Loaded,
    sheet: &str,
    due: &[&Reminder],
    as_of: NaiveDate,
    limits: &crate::ingest::guard::Limits,
) -> anyhow::Result<Vec<CellEdit>> {
    let info = loaded
        .data
        .sheets
        .iter()
        .find(|s| s.name == sheet)
        .with_context(|| format!("sheet '{sheet}' was read but is not listed"))?;
    let lang = loaded.lang;
    let mut next = None;
    let mut edits = Vec::new();
    let mut col_of = |field: &'static str, edits: &mut Vec<CellEdit>| -> anyhow::Result<u32> {
        if let Some(c) = info.columns.iter().find(|c| c.0 == field) {
            return Ok(c.1);
        }
        let n = match next {
            Some(n) => n,
            None => {
                last_header_col(&loaded.path, sheet, info.header_row, limits)?.map_or(0, |c| c + 1)
            }
        };
        next = Some(n + 1);
        edits.push(CellEdit {
            row: info.header_row,
            col: n,
            value: EditValue::Text(new_header(field, lang).to_string()),
        });
        Ok(n)
    };
    let status = col_of("status", &mut edits)?;
    let reminded = col_of("reminded", &mut edits)?;
    let count = col_of("reminders", &mut edits)?;
    for r in due {
        let row = r.cell.row;
        edits.push(CellEdit {
            row,
            col: status,
            value: EditValue::Text(lang.pick("리마인드 발송", "reminded").to_string()),
        });
        edits.push(CellEdit {
            row,
            col: reminded,
            value: EditValue::Date(as_of),
        });
        edits.push(CellEdit {
            row,
            col: count,
            value: EditValue::Number(Decimal::from(r.reminders) + Decimal::ONE),
        });
    }
    Ok(edits)
}

/// Mark the due quotes as reminded; returns how many quote rows were updated.
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
        let edits = sheet_edits(loaded, sheet, rs, as_of, &g.limits)?;
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
