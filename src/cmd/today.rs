//! `dangol today`: the lifecycle messages due today (SPEC §8) with the reason in the
//! customer's numbers; `--eml DIR` drafts them, `--csv FILE` writes a mail-merge / 알림톡
//! variable file, `--apply` records them in the Sent Log (발송기록) through the same write
//! job as `dangol run`, so a second `--apply` on the same day adds nothing.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};

use crate::analysis::flows::{self, Message};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::ingest::flows::FlowSent;
use crate::render::contents_today::{self, TodayOutputs};
use crate::render::messages::{self, TextContext};
use crate::render::output::{self, Backups, Kind};
use crate::render::sheets::{SheetContext, generated_workbook};
use crate::writeback::{WriteJob, WriteOptions};

/// List the flow messages due today; draft them, record them as sent.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "A flow message (Flows sheet: welcome, 2nd/3rd order thanks, review \
request, win-back, birthday, quote reminder, abandoned cart) is due when its trigger day plus \
delay_days is on or before --as-of, the trigger is on or after go_live, it is less than \
flows.catch_up_days (7) days late, the customer has not opted out, no stop rule holds \
(ordered, replied), no other flow's message went within cooldown_days, and the Sent Log does \
not have it. Marketing messages need the customer's consent, carry (광고) and an opt-out line, \
and are held from 21:00 to 08:00 (the send time is --at, else the clock).

Examples:
  dangol today shop.xlsx                          # what to send today, and why
  dangol today shop.xlsx --as-of 2025-04-21 --at 10:00 --format json
  dangol today shop.xlsx --eml drafts/ --csv alimtalk.csv
  dangol today shop.xlsx --apply                  # record them in the Sent Log (backup kept)"
)]
pub struct Args {
    /// The workbook (`--apply` needs .xlsx or .xlsm).
    pub workbook: PathBuf,
    /// The send time (HH:MM) for the marketing quiet hours; default: now.
    #[arg(long, value_name = "HH:MM", value_parser = parse_at)]
    pub at: Option<NaiveTime>,
    /// Write one .eml draft per e-mail message into this folder.
    #[arg(long, value_name = "DIR")]
    pub eml: Option<PathBuf>,
    /// Write a mail-merge / 알림톡 variable CSV (UTF-8 with BOM), one row per due message.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Record the due messages in the Sent Log sheet (sent on the as-of day).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: write the updated workbook here instead of replacing WORKBOOK.
    #[arg(long, value_name = "FILE", requires = "apply")]
    pub out: Option<PathBuf>,
}

fn parse_at(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| format!("expected a time like 10:00 or 21:30, found {s:?}"))
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    let inputs = output::inputs(&args.workbook, g.config.as_deref(), &[]);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let csv_kind = Kind::Csv(contents_today::merge_header()?);
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
    // `--apply`: lock, then read, then decide, then write (the one write job).
    let mut job = if args.apply {
        Some(begin_apply(args, g)?)
    } else {
        None
    };
    let mut loaded = super::load(&args.workbook, g)?;
    let as_of = super::as_of(g);
    if let Some(job) = job.as_mut() {
        job.set_backups(loaded.settings.backups);
        job.set_created(as_of);
    }
    let lang = loaded.lang;
    if loaded.data.flows.is_empty() {
        if !g.quiet {
            super::emit(&format!(
                "{}\n",
                lang.pick(
                    "자동발송규칙(Flows) 시트가 없습니다. `dangol init`이 기본 규칙(환영, 두·세 번째 주문 감사, 후기 요청, 재방문 유도)이 담긴 시트를 만듭니다.",
                    "The workbook has no Flows sheet (자동발송규칙); `dangol init` writes one with the default flows (welcome, 2nd and 3rd order thanks, review request, win-back)."
                )
            ))?;
        }
        return Ok(Exit::Ok);
    }
    let at = args
        .at
        .unwrap_or_else(|| chrono::Local::now().time().with_nanosecond_zero());
    let day = flows::decide(&loaded.data, &loaded.settings, as_of, at);

    let ctx = TextContext::new(
        &loaded.settings,
        loaded.currency,
        lang,
        &loaded.data.templates,
    );
    let due: Vec<&Message> = day.due().collect();
    let texts = messages::message_texts(&due, &ctx)?;
    let currency = ctx.currency;
    let backups = Backups {
        keep: loaded.settings.backups,
        ..Backups::default_now()
    };
    let like = Some(args.workbook.as_path());
    let mut drafts = 0;
    if let Some(dir) = &args.eml {
        let files = messages::eml_files(&due, &texts, &loaded.settings, as_of, dir);
        for (path, _) in &files {
            output::refuse_input("--eml", path, &inputs)?;
            output::check_replace(path, &Kind::Eml, g.force)?;
        }
        std::fs::create_dir_all(dir).map_err(|e| crate::i18n::folder_not_made(dir, &e))?;
        for (path, bytes) in &files {
            output::write_output(path, bytes, &Kind::Eml, g.force, backups, like)?;
            drafts += 1;
        }
    }
    if let Some(path) = &args.csv {
        let bytes = contents_today::merge_csv(&due, &texts, lang, currency)?;
        output::write_output(path, &bytes, &csv_kind, g.force, backups, like)?;
    }
    let applied = match &job {
        Some(job) => apply(&mut loaded, &due, as_of, args, g, job)?,
        None => 0,
    };
    let text = match g.format {
        Format::Json => contents_today::today_json(&day, currency, applied, drafts)?,
        Format::Csv => contents_today::today_csv(&day, currency)?,
        Format::Table | Format::Xlsx => {
            let outputs = TodayOutputs {
                eml: args.eml.as_deref().map(|dir| (dir, drafts)),
                csv: args.csv.as_deref(),
                applied: args.apply.then(|| {
                    let target = args.out.as_deref().unwrap_or(&args.workbook);
                    (target, applied)
                }),
            };
            contents_today::today_terminal(&day, currency, lang, &outputs)
        }
    };
    if !g.quiet || g.format == Format::Json {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> NaiveTime;
}

impl NoNanos for NaiveTime {
    fn with_nanosecond_zero(self) -> NaiveTime {
        use chrono::Timelike;
        NaiveTime::from_hms_opt(self.hour(), self.minute(), 0).unwrap_or(self)
    }
}

/// Lock the workbook for `--apply` before it is read.
fn begin_apply(args: &Args, g: &Global) -> anyhow::Result<WriteJob> {
    let input = &args.workbook;
    super::require_editable(
        input,
        crate::i18n::Msg::ApplyNeedsXlsxSentLog,
        Some(crate::i18n::Msg::ApplyInsteadMessages),
    )?;
    Ok(WriteJob::begin(
        input,
        args.out.as_deref(),
        WriteOptions::now(g.force, super::as_of(g), g.limits),
    )?)
}

/// Record the due messages in the Sent Log and write every generated sheet again (as `run`
/// does, so the Dashboard shows them as sent); returns how many were recorded. Nothing due and
/// no `--out`: the workbook is not touched.
fn apply(
    loaded: &mut Loaded,
    due: &[&Message],
    as_of: NaiveDate,
    args: &Args,
    g: &Global,
    job: &WriteJob,
) -> anyhow::Result<usize> {
    if due.is_empty() && args.out.is_none() {
        return Ok(0);
    }
    let rows: Vec<FlowSent> = due
        .iter()
        .map(|m| FlowSent {
            sent: as_of,
            flow: m.flow.clone(),
            customer: m.customer.clone(),
            trigger: m.trigger_ref.clone(),
            channel: m.channel.code().to_string(),
            name: m.name.clone(),
        })
        .collect();
    let n = rows.len();
    loaded.data.flow_log.extend(rows);
    let analyses = crate::pipeline::analyse(loaded, as_of)?;
    let ctx = SheetContext {
        lang: analyses.lang,
        as_of,
        currency: analyses.currency,
    };
    let generated = generated_workbook(&analyses.sheets(), &ctx)?;
    // A lock, an open workbook or an owner's save keeps its own message (and exit code 3).
    let report = job.write_generated(&generated).map_err(|e| match e {
        crate::writeback::WritebackError::Io(io) => {
            let text =
                crate::text!(TodayNotRecorded, workbook = job.target().display()).io("error", &io);
            anyhow::Error::new(crate::i18n::Said(text))
        }
        other => anyhow::Error::new(other),
    })?;
    for w in report.warnings.iter().filter(|_| !g.quiet) {
        eprintln!("dangol: warning: {w}");
    }
    Ok(n)
}
