//! `dangol funnel`: the quote funnel or the CRM pipeline funnel, with breakdowns.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::analysis::customers::customer_table;
use crate::analysis::funnel::{
    Breakdown, CountUnit, FunnelOptions, FunnelTable, GroupBy, LostRow, PipelineFunnel,
    PipelineLayout, QUOTE_STAGES, QuoteFunnel,
};
use crate::cli::{Format, Global};
use crate::exit::Exit;
use crate::ingest::Loaded;
use crate::model::{Lang, PipelineRow};
use crate::render::table::{Cell, SheetTable};
use crate::render::{csv_out, terminal};
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

/// A mode's name as JSON/CSV and the terminal show it.
pub fn mode_name(m: FunnelMode) -> &'static str {
    match m {
        FunnelMode::Reach => "reach",
        FunnelMode::Strict => "strict",
    }
}

/// A count unit's name: `quotes`, `customers`, `deals`.
pub fn unit_name(u: CountUnit) -> &'static str {
    match u {
        CountUnit::Quote => "quotes",
        CountUnit::Customer => "customers",
        CountUnit::Deal => "deals",
    }
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

/// A funnel, whichever kind, with what the renderers need.
struct Built {
    kind: &'static str,
    table: FunnelTable,
    breakdown: Option<Breakdown>,
    pipeline: Option<PipelineFunnel>,
}

/// Run the command.
pub fn run(args: &Args, g: &Global) -> anyhow::Result<Exit> {
    if let (Some(f), Some(t)) = (args.from, args.to)
        && f > t
    {
        let lang = crate::i18n::lang_of(g);
        crate::i18n::eprint_error(lang, &crate::msg!(lang, FromAfterTo, from = f, to = t));
        return Ok(Exit::Usage);
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
            eprintln!("dangol: warning: {}", strict_needs_history(loaded.lang));
        }
        Built {
            kind: "pipeline",
            table: f.table.clone(),
            breakdown: group_by.map(|b| f.breakdown(b)),
            pipeline: Some(f),
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
        Built {
            kind: "quote",
            breakdown: group_by.map(|b| f.breakdown(b)),
            table: f.table,
            pipeline: None,
        }
    };
    let text = match g.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&to_json(&built, args))?;
            s.push('\n');
            s
        }
        Format::Csv => String::from_utf8(csv_out::to_csv(&csv_table(&built))?)?,
        Format::Table | Format::Xlsx => terminal_text(&built, args, &loaded),
    };
    if !g.quiet {
        super::emit(&text)?;
    }
    Ok(Exit::Ok)
}

static EMPTY: BTreeMap<String, String> = BTreeMap::new();

/// Why strict counts of a one-row-per-deal pipeline say little.
pub fn strict_needs_history(lang: Lang) -> &'static str {
    lang.pick(
        "strict 모드는 단계 이력(거래마다 거친 단계별로 한 행)이 필요합니다. 이 파이프라인 시트는 거래당 한 행(현재 단계)이라 strict는 날짜 열에 기록된 단계만 셉니다. --mode reach를 쓰세요.",
        "strict mode needs a stage history (one row per stage a deal entered); this pipeline sheet has one row per deal (its current stage), so strict counts only the stages its date columns record. Use --mode reach.",
    )
}

/// Keep the deals whose first dated record falls in the range (all of a deal's rows, so its
/// history stays whole); with no range, every row.
fn filter_deals(rows: &[PipelineRow], in_range: &dyn Fn(NaiveDate) -> bool) -> Vec<PipelineRow> {
    let mut first: BTreeMap<&str, Option<NaiveDate>> = BTreeMap::new();
    for r in rows {
        let d = r
            .date
            .into_iter()
            .chain(r.stage_dates.iter().filter_map(|(_, d)| *d))
            .min();
        let e = first.entry(r.deal.trim()).or_insert(d);
        *e = match (*e, d) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    rows.iter()
        .filter(|r| {
            first
                .get(r.deal.trim())
                .copied()
                .flatten()
                .map_or_else(|| in_range_undated(in_range), in_range)
        })
        .cloned()
        .collect()
}

/// An undated deal is kept only when no range is asked for (every day is then in range).
fn in_range_undated(in_range: &dyn Fn(NaiveDate) -> bool) -> bool {
    in_range(NaiveDate::MIN) && in_range(NaiveDate::MAX)
}

/// Customer → grade name, keyed by the customer key and by the name as written (pipeline
/// rows name customers as written).
fn grade_map(loaded: &Loaded, g: &Global, vip: bool, lang: Lang) -> BTreeMap<String, String> {
    let d = &loaded.data;
    let t = customer_table(
        &d.sales,
        &d.quotes,
        &d.customers,
        &loaded.settings,
        super::as_of(g),
    );
    let mut m = BTreeMap::new();
    for r in &t.rows {
        let grade = if vip { &r.vip } else { &r.responder };
        let name = grade.name.in_lang(lang).to_string();
        if let Some(n) = &r.name {
            m.entry(n.clone()).or_insert_with(|| name.clone());
        }
        m.insert(r.key.clone(), name);
    }
    m
}

/// A stage's name in `lang`: quote stages have Korean labels; pipeline stages are as written.
fn stage_label(stage: &str, lang: Lang) -> &str {
    QUOTE_STAGES
        .iter()
        .find(|(en, _)| *en == stage)
        .map_or(stage, |(en, ko)| lang.pick(ko, en))
}

/// The terminal table of one funnel table.
pub fn stage_table(title: String, t: &FunnelTable, lang: Lang) -> SheetTable {
    let mut out = SheetTable::new(
        title,
        &[
            lang.pick("단계", "Stage"),
            lang.pick("수", "Count"),
            lang.pick("전단계 대비", "Step %"),
            lang.pick("누적", "Cumulative %"),
            lang.pick("이탈", "Drop-off"),
            lang.pick("중간 소요일", "Median days"),
            "",
        ],
    );
    let max = t
        .total()
        .max(t.rows.iter().map(|r| r.count).max().unwrap_or(0));
    for r in &t.rows {
        out.push(vec![
            Cell::text(stage_label(&r.stage, lang)),
            Cell::Int(r.count as i64),
            r.step_pct.map_or(Cell::Empty, Cell::Percent),
            r.cumulative_pct.map_or(Cell::Empty, Cell::Percent),
            Cell::Int(r.drop_off as i64),
            r.median_days.map_or(Cell::Empty, Cell::Number),
            Cell::text(terminal::bar(r.count, max, 20)),
        ]);
    }
    out
}

/// The lost-at-stage table of a pipeline funnel.
fn lost_table(title: String, lost: &[LostRow], lang: Lang) -> SheetTable {
    let mut t = SheetTable::new(
        title,
        &[
            lang.pick("도달 단계", "Last stage"),
            lang.pick("이탈 사유", "Lost as"),
            lang.pick("수", "Count"),
        ],
    );
    for l in lost {
        t.push(vec![
            Cell::text(
                l.at_stage
                    .as_deref()
                    .unwrap_or(lang.pick("(없음)", "(none)")),
            ),
            Cell::text(l.reason.as_str()),
            Cell::Int(l.count as i64),
        ]);
    }
    t
}

fn heading(b: &Built, t: &FunnelTable, group: Option<&str>, lang: Lang) -> String {
    let name = if b.kind == "quote" {
        lang.pick("견적 퍼널", "Quote funnel")
    } else {
        lang.pick("파이프라인 퍼널", "Pipeline funnel")
    };
    let unit = match (t.unit, lang) {
        (CountUnit::Quote, Lang::Ko) => "견적",
        (CountUnit::Customer, Lang::Ko) => "고객",
        (CountUnit::Deal, Lang::Ko) => "거래",
        (u, Lang::En) => unit_name(u),
    };
    let mode = match (t.mode, lang) {
        (FunnelMode::Reach, Lang::Ko) => "reach (이후 단계 도달 시 이전 단계도 통과로 셈)",
        (FunnelMode::Strict, Lang::Ko) => "strict (기록된 단계만 순서대로 셈)",
        (FunnelMode::Reach, Lang::En) => "reach (a later stage counts the earlier ones)",
        (FunnelMode::Strict, Lang::En) => "strict (only stages recorded, in order)",
    };
    let group = group.map(|g| format!(" — {g}")).unwrap_or_default();
    match lang {
        Lang::Ko => format!("{name}{group} · 단위: {unit} · 모드: {mode}"),
        Lang::En => format!("{name}{group} · unit: {unit} · mode: {mode}"),
    }
}

fn range_line(args: &Args, lang: Lang) -> Option<String> {
    if args.from.is_none() && args.to.is_none() {
        return None;
    }
    let f = args.from.map_or_else(String::new, |d| d.to_string());
    let t = args.to.map_or_else(String::new, |d| d.to_string());
    Some(format!("{} {f} ~ {t}", lang.pick("기간:", "Period:")))
}

fn terminal_text(b: &Built, args: &Args, loaded: &Loaded) -> String {
    let lang = loaded.lang;
    let cur = loaded.currency;
    let mut tables = vec![stage_table(
        heading(b, &b.table, None, lang),
        &b.table,
        lang,
    )];
    let mut notes = Vec::new();
    if let Some(r) = range_line(args, lang) {
        notes.push(r);
    }
    if let Some(p) = &b.pipeline {
        let rate = p
            .win_rate_pct
            .map_or_else(|| "-".to_string(), terminal::percent);
        notes.push(match lang {
            Lang::Ko => format!(
                "성사 {} / 종료 {} (성사율 {rate}) · 역행 {}회 ({}건)",
                p.won,
                p.closed,
                p.backward_moves,
                p.backward_by_deal.len()
            ),
            Lang::En => format!(
                "Won {} of {} closed (win rate {rate}) · backward moves: {} in {} deal(s)",
                p.won,
                p.closed,
                p.backward_moves,
                p.backward_by_deal.len()
            ),
        });
        if !p.unknown_stages.is_empty() {
            let list: Vec<String> = p
                .unknown_stages
                .iter()
                .map(|(s, n)| format!("{s} ({n})"))
                .collect();
            notes.push(format!(
                "{} {}",
                lang.pick(
                    "설정된 단계에 없는 단계(제외됨):",
                    "stages not in funnel.stages (left out):"
                ),
                list.join(", ")
            ));
        }
        if !b.table.lost.is_empty() {
            tables.push(lost_table(
                format!(
                    "{} · {}: {}",
                    lang.pick("단계별 이탈", "Lost at stage"),
                    lang.pick("모드", "mode"),
                    mode_name(b.table.mode)
                ),
                &b.table.lost,
                lang,
            ));
        }
    }
    if let Some(bd) = &b.breakdown {
        for grp in &bd.groups {
            tables.push(stage_table(
                heading(b, &grp.table, Some(&grp.key), lang),
                &grp.table,
                lang,
            ));
        }
    }
    let mut out = terminal::render_titled(&tables[0], cur);
    for n in &notes {
        out.push_str(n);
        out.push('\n');
    }
    for t in &tables[1..] {
        out.push('\n');
        out.push_str(&terminal::render_titled(t, cur));
    }
    out
}

/// One stage row in JSON (percents and medians as decimal strings, like money).
#[derive(Debug, Serialize)]
pub struct StageJson {
    pub stage: String,
    pub count: u64,
    pub step_pct: Option<String>,
    pub cumulative_pct: Option<String>,
    pub drop_off: u64,
    pub median_days: Option<String>,
}

/// One lost-at-stage row in JSON.
#[derive(Debug, Serialize)]
pub struct LostJson {
    pub at_stage: Option<String>,
    pub reason: String,
    pub count: u64,
}

/// One breakdown group in JSON.
#[derive(Debug, Serialize)]
pub struct GroupJson {
    pub group: String,
    pub stages: Vec<StageJson>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<LostJson>,
}

/// The whole `dangol funnel --format json` document.
#[derive(Debug, Serialize)]
pub struct FunnelJson {
    pub funnel: &'static str,
    pub mode: &'static str,
    pub unit: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
    pub stages: Vec<StageJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<Vec<LostJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub won: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub win_rate_pct: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backward_moves: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<GroupJson>>,
}

fn dec(d: Option<Decimal>) -> Option<String> {
    d.map(|d| d.normalize().to_string())
}

fn stages_json(t: &FunnelTable) -> Vec<StageJson> {
    t.rows
        .iter()
        .map(|r| StageJson {
            stage: r.stage.clone(),
            count: r.count,
            step_pct: dec(r.step_pct),
            cumulative_pct: dec(r.cumulative_pct),
            drop_off: r.drop_off,
            median_days: dec(r.median_days),
        })
        .collect()
}

fn lost_json(t: &FunnelTable) -> Vec<LostJson> {
    t.lost
        .iter()
        .map(|l| LostJson {
            at_stage: l.at_stage.clone(),
            reason: l.reason.clone(),
            count: l.count,
        })
        .collect()
}

fn to_json(b: &Built, args: &Args) -> FunnelJson {
    let p = b.pipeline.as_ref();
    FunnelJson {
        funnel: b.kind,
        mode: mode_name(b.table.mode),
        unit: unit_name(b.table.unit),
        from: args.from.map(|d| d.to_string()),
        to: args.to.map(|d| d.to_string()),
        stages: stages_json(&b.table),
        lost: p.map(|_| lost_json(&b.table)),
        won: p.map(|p| p.won),
        closed: p.map(|p| p.closed),
        win_rate_pct: p.map(|p| dec(p.win_rate_pct)),
        backward_moves: p.map(|p| p.backward_moves),
        by: args.by.map(by_name),
        groups: b.breakdown.as_ref().map(|bd| {
            bd.groups
                .iter()
                .map(|g| GroupJson {
                    group: g.key.clone(),
                    stages: stages_json(&g.table),
                    lost: lost_json(&g.table),
                })
                .collect()
        }),
    }
}

/// The CSV: one row per stage, of the whole funnel (`group` = `(all)`) and of each group.
fn csv_table(b: &Built) -> SheetTable {
    let mut t = SheetTable::new(
        "",
        &[
            "funnel",
            "mode",
            "unit",
            "group",
            "stage",
            "count",
            "step_pct",
            "cumulative_pct",
            "drop_off",
            "median_days",
        ],
    );
    let mut add = |group: &str, ft: &FunnelTable| {
        for r in &ft.rows {
            t.push(vec![
                Cell::text(b.kind),
                Cell::text(mode_name(ft.mode)),
                Cell::text(unit_name(ft.unit)),
                Cell::text(group),
                Cell::text(r.stage.as_str()),
                Cell::Int(r.count as i64),
                r.step_pct.map_or(Cell::Empty, Cell::Percent),
                r.cumulative_pct.map_or(Cell::Empty, Cell::Percent),
                Cell::Int(r.drop_off as i64),
                r.median_days.map_or(Cell::Empty, Cell::Number),
            ]);
        }
    };
    add("(all)", &b.table);
    if let Some(bd) = &b.breakdown {
        for g in &bd.groups {
            add(&g.key, &g.table);
        }
    }
    t
}
