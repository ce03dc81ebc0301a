//! `dangol funnel`: the quote funnel or the CRM pipeline funnel, with breakdowns. The flags
//! and the orchestration; the output is `render::funnel`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::analysis::customers::customer_table;
use crate::analysis::funnel::range::filter_deals;
use crate::analysis::funnel::{
    FunnelOptions, GroupBy, PipelineFunnel, PipelineLayout, QuoteFunnel, grades,
};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::model::Lang;
use crate::render::csv_out;
use crate::render::funnel::{self, Funnel};
use crate::settings::{FunnelMode, FunnelUnit};

/// What a breakdown splits by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// The week of the first stage (ISO week, newest last).
    Week,
    /// The month of the first stage.
    Month,
    /// The quote's (deal's) channel.
    Channel,
    /// The customer's VIP grade.
    Vip,
    /// The customer's responder grade.
    Responder,
}

/// Counting mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// A later stage counts as having passed the earlier ones (the default).
    Reach,
    /// A stage counts only when recorded, together with every earlier one, in order.
    Strict,
}

/// What the quote funnel counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitArg {
    Quotes,
    Customers,
}

/// The explanation of reach and strict counting (a macro so that `concat!` can put it into
/// `--help`).
macro_rules! modes_help {
    () => {
        "Modes:
  reach  (default) A quote or deal counts at the furthest stage it recorded and at every
         stage before it: reaching a later stage implies having passed the earlier ones.
  strict A stage counts only when the row records it and every earlier stage, in order.
         A quote converted without an opened flag counts as Sent only; a deal whose
         history skips a stage stops before the gap.
  Backward moves (a deal going from a later stage back to an earlier one) are counted and
  shown, but never undo a stage already reached. Strict counts are never above reach counts.

Worked example, stages Lead → Demo → Proposal → Won:
  deal A: Lead, Demo, Proposal            reach: up to Proposal   strict: up to Proposal
  deal B: Lead, Proposal                  reach: up to Proposal   strict: Lead only (no Demo)
  deal C: Lead, Demo, Proposal, Demo, Won reach: up to Won        strict: up to Won
                                          (one backward move: Proposal → Demo)
  reach counts  Lead 3, Demo 3, Proposal 3, Won 1
  strict counts Lead 3, Demo 2, Proposal 2, Won 1"
    };
}

/// The explanation of reach and strict counting shown at the end of `--help` (also in
/// `docs/funnel.md`).
pub const MODES_HELP: &str = modes_help!();

/// Funnel conversion tables: stage, count, step and cumulative conversion, drop-off, median
/// days from the previous stage — the quote funnel by default, the CRM pipeline with
/// --pipeline.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:
  dangol funnel shop.xlsx                        # quote funnel: Sent → Opened → Responded → Ordered → Reordered
  dangol funnel shop.xlsx --mode strict --unit customers
  dangol funnel shop.xlsx --by month --from 2025-01-01 --to 2025-06-30
  dangol funnel shop.xlsx --by vip               # by the customers' VIP grade
  dangol funnel shop.xlsx --pipeline --by channel
  dangol funnel pipeline.csv --pipeline --format json

",
    modes_help!()
))]
pub struct Args {
    /// The workbook or CSV file.
    pub workbook: PathBuf,
    /// The CRM pipeline funnel (from the pipeline sheet) instead of the quote funnel.
    #[arg(long)]
    pub pipeline: bool,
    /// Also split the funnel into groups (their counts add up to the whole).
    #[arg(long, value_enum)]
    pub by: Option<By>,
    /// Counting mode (default: the `funnel.mode` setting, reach).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Count quotes or customers (quote funnel only; default: the `funnel.unit` setting).
    #[arg(long, value_enum, conflicts_with = "pipeline")]
    pub unit: Option<UnitArg>,
    /// Only quotes sent (deals started) on or after this day.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub from: Option<NaiveDate>,
    /// Only quotes sent (deals started) on or before this day.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub to: Option<NaiveDate>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date like 2025-04-15, found {s:?}"))
}

fn by_name(b: By) -> &'static str {
    match b {
        By::Week => "week",
        By::Month => "month",
        By::Channel => "channel",
        By::Vip => "vip",
        By::Responder => "responder",
    }
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    if let (Some(f), Some(t)) = (args.from, args.to)
        && f > t
    {
        let lang = crate::i18n::lang_of(g);
        return Err(super::UsageError(crate::msg!(lang, FromAfterTo, from = f, to = t)).into());
    }
    let loaded = super::load(&args.workbook, g)?;
    let mut opts = FunnelOptions::from_settings(&loaded.settings);
    if let Some(m) = args.mode {
        opts.mode = match m {
            ModeArg::Reach => FunnelMode::Reach,
            ModeArg::Strict => FunnelMode::Strict,
        };
    }
    if let Some(u) = args.unit {
        opts.unit = match u {
            UnitArg::Quotes => FunnelUnit::Quote,
            UnitArg::Customers => FunnelUnit::Customer,
        };
    }
    // JSON and CSV carry built-in grade names in English; the terminal in the output language.
    let name_lang = if g.format == Format::Table {
        loaded.lang
    } else {
        Lang::En
    };
    let grades = match args.by {
        Some(By::Vip) => Some(grade_map(&loaded, g, true, name_lang)),
        Some(By::Responder) => Some(grade_map(&loaded, g, false, name_lang)),
        _ => None,
    };
    let group_by = args.by.map(|b| match b {
        By::Week => GroupBy::Week,
        By::Month => GroupBy::Month,
        By::Channel => GroupBy::Channel,
        // Set just above for both grade kinds; an empty map would only mean "(none)" groups.
        By::Vip | By::Responder => GroupBy::Grade(grades.as_ref().unwrap_or(&EMPTY)),
    });
    let in_range =
        |d: NaiveDate| args.from.is_none_or(|f| d >= f) && args.to.is_none_or(|t| d <= t);
    let built = if args.pipeline {
        if loaded.data.pipeline.is_empty() {
            anyhow::bail!(
                "{}: no pipeline sheet found (a sheet with deal, stage and date columns); `dangol check` shows what was found",
                args.workbook.display()
            );
        }
        let rows = filter_deals(&loaded.data.pipeline, &in_range);
        let f = PipelineFunnel::build(&rows, &opts);
        if opts.mode == FunnelMode::Strict && f.layout == PipelineLayout::OneRowPerDeal {
            // Said on every format and even with --quiet: a strict count of a current-stage
            // export is mostly zeros, and cron must not publish it as if it were a finding.
            eprintln!(
                "dangol: warning: {}",
                funnel::strict_needs_history(loaded.lang)
            );
        }
        Funnel {
            kind: "pipeline",
            table: f.table.clone(),
            breakdown: group_by.map(|b| f.breakdown(b)),
            pipeline: Some(f),
            from: args.from,
            to: args.to,
            by: args.by.map(by_name),
        }
    } else {
        if loaded.data.quotes.is_empty() {
            anyhow::bail!(
                "{}: no quotes sheet found (a sheet with customer and sent-date columns); for a CRM pipeline use --pipeline",
                args.workbook.display()
            );
        }
        let quotes: Vec<_> = loaded
            .data
            .quotes
            .iter()
            .filter(|q| in_range(q.sent.date()))
            .cloned()
            .collect();
        let f = QuoteFunnel::build(&quotes, &loaded.data.sales, &opts);
        Funnel {
            kind: "quote",
            breakdown: group_by.map(|b| f.breakdown(b)),
            table: f.table,
            pipeline: None,
            from: args.from,
            to: args.to,
            by: args.by.map(by_name),
        }
    };
    let text = match g.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&funnel::to_json(&built))?;
            s.push('\n');
            s
        }
        Format::Csv => String::from_utf8(csv_out::to_csv(&funnel::csv_table(&built))?)?,
        Format::Table | Format::Xlsx => funnel::terminal_text(&built, loaded.lang, loaded.currency),
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

static EMPTY: BTreeMap<String, String> = BTreeMap::new();

/// Customer → grade name for a `--by vip`/`--by responder` breakdown, from the customer
/// table as of the run's day.
fn grade_map(loaded: &Loaded, g: &Global, vip: bool, lang: Lang) -> BTreeMap<String, String> {
    let d = &loaded.data;
    let t = customer_table(
        &d.sales,
        &d.quotes,
        &d.customers,
        &loaded.settings,
        super::as_of(g),
    );
    grades::grade_map(&t, vip, lang)
}
