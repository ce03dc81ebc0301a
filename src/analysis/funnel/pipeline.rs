//! The CRM pipeline funnel, from either pipeline layout of SPEC §2.
//!
//! **Layout.** When some deal has more than one row the rows are a *history* (each row: the
//! deal entered `stage` on `date`); otherwise there is *one row per deal* holding its current
//! stage and optional per-stage date columns (`stage_dates`).
//!
//! **Stages.** The order is `funnel.stages` when set (matched ignoring case, spaces, `_`, `-`,
//! `.`; rows with other stages are left out and counted in
//! [`PipelineFunnel::unknown_stages`]). Otherwise it is inferred: for a history, the order of
//! first appearance (rows taken by date when every row has one, else as given); for one row per
//! deal, where first appearance says nothing about order (a won deal may come first), stages
//! are ordered by how many stage-date columns their deals have filled on average (fewer =
//! earlier), ties by first appearance — set `funnel.stages` to be sure.
//!
//! **Lost stages** (see [`is_lost_stage`]) are terminal drop-offs, never steps: a deal whose
//! last record is a lost stage is *lost*, reported at the furthest real stage it counted at in
//! the table's mode, with the lost stage's name as the reason.
//!
//! **Date columns** of the one-row layout are mapped by name: the name without a trailing
//! `date`/`at`/`on`/`day`/`일`/`일자`/`날짜` is matched to the stage with the longest common
//! prefix (at least 4 characters and at most one character short of the shorter name, so
//! `engage_date` → `Engaging`, `won_date` → `Won`, `계약일` → `계약`); `close`/`closed`/`end`/
//! `종료`/`마감`/`완료` dates belong to the deal's current stage when it is terminal (the last
//! stage or a lost one); `created`/`open`/`start`/`생성`/`등록`/`시작` dates to the first stage.
//! Unmatched columns are ignored.
//!
//! **Reach** (one row per deal): a deal counts at its current stage, at every stage with a
//! date, and at every stage before those; every deal counts at the first stage (being in the
//! pipeline is being at its first stage). So in the Maven CRM data a Lost deal with an
//! `engage_date` reached Engaging before it was lost, and a Won deal passed Prospecting and
//! Engaging. **Strict**: a deal counts at a stage when it has a record (current stage or date
//! column) for it and for every earlier stage, with dates not going backwards.
//!
//! **Backward moves** (history only): consecutive real-stage records where the stage index
//! falls. They are counted per deal and in total; the deal still counts at the furthest stage
//! it reached. The one-row layout cannot show them.
//!
//! **Won** deals reached the last stage; **closed** deals are won or lost; the win rate is
//! won / closed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    Breakdown, CountUnit, FunnelKind, FunnelOptions, FunnelTable, GroupBy, Unit, build_breakdown,
    build_table, median, pct,
};
use crate::model::PipelineRow;
use crate::settings::FunnelMode;

/// Which pipeline layout the rows were read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineLayout {
    /// Several rows per deal, each a stage entry.
    History,
    /// One row per deal with its current stage.
    OneRowPerDeal,
}

/// The pipeline funnel in one mode, with drop-off reasons and backward moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineFunnel {
    pub table: FunnelTable,
    pub layout: PipelineLayout,
    /// The real stages, in order (as configured, or as first written).
    pub stages: Vec<String>,
    /// Lost stage names seen, as first written, sorted.
    pub lost_stages: Vec<String>,
    /// Deals at the last stage.
    pub won: u64,
    /// Deals won or lost.
    pub closed: u64,
    /// won / closed, percent, 1 place.
    pub win_rate_pct: Option<Decimal>,
    /// Backward moves over all deals.
    pub backward_moves: u64,
    /// Deals with at least one backward move, by deal id.
    pub backward_by_deal: Vec<(String, u32)>,
    /// Days spent in each stage (history order of dated records), one row per real stage.
    pub days_in_stage: Vec<StageDays>,
    /// Rows whose stage is neither configured nor lost, by stage as written (left out).
    pub unknown_stages: BTreeMap<String, u64>,
    units: Vec<Unit>,
    week_start: chrono::Weekday,
}

impl PipelineFunnel {
    /// Build the funnel in `opts.mode`.
    pub fn build(rows: &[PipelineRow], opts: &FunnelOptions) -> Self {
        let mut by_deal: BTreeMap<&str, Vec<&PipelineRow>> = BTreeMap::new();
        for r in rows {
            by_deal.entry(r.deal.trim()).or_default().push(r);
        }
        let layout = if by_deal.values().any(|v| v.len() > 1) {
            PipelineLayout::History
        } else {
            PipelineLayout::OneRowPerDeal
        };
        let lost_words: Vec<String> = opts.cancel_words.iter().map(|w| norm(w)).collect();
        let is_lost = |s: &str| is_lost_stage(s) || lost_words.contains(&norm(s));
        let stages = stage_order(rows, opts, layout, &is_lost);
        let stage_keys: Vec<String> = stages.iter().map(|s| norm(s)).collect();

        let mut matcher = StageMatch {
            stage_keys: &stage_keys,
            n_stages: stages.len(),
            layout,
            is_lost: &is_lost,
            lost_names: BTreeMap::new(),
            unknown_stages: BTreeMap::new(),
        };
        let mut units = Vec::with_capacity(by_deal.len());
        let mut backward_moves = 0u64;
        let mut backward_by_deal = Vec::new();
        let mut stage_days: Vec<Vec<i64>> = vec![Vec::new(); stages.len()];
        for (deal, drows) in &by_deal {
            let recs = matcher.deal_records(drows);
            if recs.is_empty() {
                continue;
            }
            for (k, d) in time_in_stages(&recs, stages.len()).into_iter().enumerate() {
                stage_days[k].extend(d);
            }
            let moves = backward(&recs);
            if moves > 0 {
                backward_moves += u64::from(moves);
                backward_by_deal.push(((*deal).to_string(), moves));
            }
            units.push(unit_of(drows, &recs, stages.len(), opts.mode));
        }

        let refs: Vec<&Unit> = units.iter().collect();
        let table = build_table(
            FunnelKind::Pipeline,
            opts.mode,
            CountUnit::Deal,
            &stages,
            &refs,
        );
        let won = units
            .iter()
            .filter(|u| !stages.is_empty() && u.level == stages.len())
            .count() as u64;
        let closed = units
            .iter()
            .filter(|u| u.lost.is_some() || (!stages.is_empty() && u.level == stages.len()))
            .count() as u64;
        let StageMatch {
            lost_names,
            unknown_stages,
            ..
        } = matcher;
        let lost_stages: BTreeSet<String> = lost_names.into_values().collect();
        let days_in_stage = stages
            .iter()
            .zip(stage_days)
            .map(|(stage, mut days)| StageDays {
                stage: stage.clone(),
                deals: days.len() as u64,
                total_days: days.iter().sum(),
                median_days: median(&mut days),
            })
            .collect();
        PipelineFunnel {
            table,
            layout,
            stages,
            lost_stages: lost_stages.into_iter().collect(),
            won,
            closed,
            win_rate_pct: pct(won, closed),
            backward_moves,
            backward_by_deal,
            days_in_stage,
            unknown_stages,
            units,
            week_start: opts.week_start,
        }
    }

    /// Split the funnel by period of the first stage, channel, or the grade of the deal's
    /// customer (looked up as written in the customer column); groups sum to the table.
    pub fn breakdown(&self, by: GroupBy<'_>) -> Breakdown {
        build_breakdown(
            FunnelKind::Pipeline,
            self.table.mode,
            CountUnit::Deal,
            &self.stages,
            &self.units,
            by,
            self.week_start,
        )
    }
}

/// Cumulative days deals spent in one stage.
///
/// A deal's time in a stage runs from a dated record of that stage to the next dated record
/// (of any stage, lost ones included) and is summed over re-entries; the time in the stage a
/// deal is still in is open-ended and not counted (analysis has no clock). In the one-row
/// layout the records are the stage dates in stage order, so a won Maven deal spends
/// `close_date − engage_date` days in Engaging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageDays {
    pub stage: String,
    /// Deals with a known time in the stage.
    pub deals: u64,
    /// Sum over those deals.
    pub total_days: i64,
    /// Median per deal (the mean of the middle two for an even count).
    pub median_days: Option<Decimal>,
}

/// Per stage, the deal's cumulative days in it (`None` when unknown).
fn time_in_stages(recs: &[Rec], n: usize) -> Vec<Option<i64>> {
    let mut out: Vec<Option<i64>> = vec![None; n];
    let dated: Vec<&Rec> = recs.iter().filter(|r| r.date.is_some()).collect();
    for w in dated.windows(2) {
        if let (Stage::Real(i), Some(a), Some(b)) = (&w[0].stage, w[0].date, w[1].date) {
            out[*i] = Some(out[*i].unwrap_or(0) + (b - a).num_days());
        }
    }
    out
}

/// How the rows of a deal are matched to the funnel's stages; collects the lost-stage names
/// and the stage texts that match nothing on the way.
struct StageMatch<'a> {
    stage_keys: &'a [String],
    n_stages: usize,
    layout: PipelineLayout,
    is_lost: &'a dyn Fn(&str) -> bool,
    lost_names: BTreeMap<String, String>,
    unknown_stages: BTreeMap<String, u64>,
}

impl StageMatch<'_> {
    /// The stage records of one deal's rows (stage-date columns included) in history order.
    fn deal_records(&mut self, drows: &[&PipelineRow]) -> Vec<Rec> {
        let mut recs: Vec<Rec> = Vec::new();
        for r in drows {
            let key = norm(&r.stage);
            let stage = if let Some(i) = self.stage_keys.iter().position(|k| *k == key) {
                Stage::Real(i)
            } else if (self.is_lost)(&r.stage) {
                let name = self
                    .lost_names
                    .entry(key)
                    .or_insert_with(|| r.stage.trim().to_string());
                Stage::Lost(name.clone())
            } else {
                *self
                    .unknown_stages
                    .entry(r.stage.trim().to_string())
                    .or_default() += 1;
                continue;
            };
            let terminal = match stage {
                Stage::Lost(_) => true,
                Stage::Real(i) => i + 1 == self.n_stages,
            };
            let own_index = match stage {
                Stage::Real(i) => Some(i),
                Stage::Lost(_) => None,
            };
            let mut own_date = r.date;
            for (col, d) in &r.stage_dates {
                let Some(d) = *d else { continue };
                match map_column(col, self.stage_keys) {
                    Some(Target::Stage(i)) if Some(i) == own_index => {
                        own_date = own_date.or(Some(d));
                    }
                    Some(Target::Stage(i)) if self.layout == PipelineLayout::OneRowPerDeal => {
                        recs.push(Rec {
                            stage: Stage::Real(i),
                            date: Some(d),
                        });
                    }
                    Some(Target::Close) if terminal => own_date = own_date.or(Some(d)),
                    Some(Target::First) if own_index == Some(0) => {
                        own_date = own_date.or(Some(d));
                    }
                    Some(Target::First) if self.layout == PipelineLayout::OneRowPerDeal => {
                        recs.push(Rec {
                            stage: Stage::Real(0),
                            date: Some(d),
                        });
                    }
                    _ => {}
                }
            }
            recs.push(Rec {
                stage,
                date: own_date,
            });
        }
        match self.layout {
            // The row order is the history's order unless every entry has a date.
            PipelineLayout::History => {
                if recs.iter().all(|r| r.date.is_some()) {
                    recs.sort_by_key(|r| r.date);
                }
            }
            PipelineLayout::OneRowPerDeal => recs.sort_by_key(|r| match r.stage {
                Stage::Real(i) => i,
                Stage::Lost(_) => usize::MAX,
            }),
        }
        recs
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Real(usize),
    Lost(String),
}

#[derive(Debug, Clone)]
struct Rec {
    stage: Stage,
    date: Option<NaiveDate>,
}

fn backward(recs: &[Rec]) -> u32 {
    let mut prev: Option<usize> = None;
    let mut moves = 0;
    for r in recs {
        if let Stage::Real(i) = r.stage {
            if prev.is_some_and(|p| i < p) {
                moves += 1;
            }
            prev = Some(i);
        }
    }
    moves
}

fn unit_of(rows: &[&PipelineRow], recs: &[Rec], n: usize, mode: FunnelMode) -> Unit {
    let lost = match recs.last().map(|r| &r.stage) {
        Some(Stage::Lost(name)) => Some(name.clone()),
        _ => None,
    };
    // Reach dates: the first entry into each stage.
    let mut first_dates: Vec<Option<NaiveDate>> = vec![None; n];
    for r in recs {
        if let (Stage::Real(i), Some(d)) = (&r.stage, r.date) {
            first_dates[*i] = Some(first_dates[*i].map_or(d, |e: NaiveDate| e.min(d)));
        }
    }
    let (level, dates) = match mode {
        FunnelMode::Reach => {
            let top = recs
                .iter()
                .filter_map(|r| {
                    if let Stage::Real(i) = r.stage {
                        Some(i + 1)
                    } else {
                        None
                    }
                })
                .max();
            (top.unwrap_or(1).min(n), first_dates.clone())
        }
        FunnelMode::Strict => strict_chain(recs, n),
    };
    let cohort = first_dates
        .first()
        .copied()
        .flatten()
        .or_else(|| recs.iter().filter_map(|r| r.date).min());
    Unit {
        level,
        dates,
        channel: rows
            .iter()
            .find_map(|r| r.channel.as_ref().filter(|c| !c.trim().is_empty()).cloned()),
        customer: rows.iter().find_map(|r| {
            r.customer
                .as_ref()
                .filter(|c| !c.trim().is_empty())
                .cloned()
        }),
        cohort,
        lost,
    }
}

/// Walk the stages in order, taking for each the first record after the previous one taken
/// whose date (when both are known) does not go back.
fn strict_chain(recs: &[Rec], n: usize) -> (usize, Vec<Option<NaiveDate>>) {
    let mut dates = vec![None; n];
    let mut pos = 0;
    let mut last: Option<NaiveDate> = None;
    let mut level = 0;
    for (k, slot) in dates.iter_mut().enumerate() {
        let found = recs.iter().enumerate().skip(pos).find(|(_, r)| {
            r.stage == Stage::Real(k) && !matches!((r.date, last), (Some(d), Some(l)) if d < l)
        });
        let Some((i, r)) = found else { break };
        *slot = r.date;
        last = r.date.or(last);
        pos = i + 1;
        level = k + 1;
    }
    (level, dates)
}

/// Lost-like stage names: containing `lost`, `drop`, `실패`, `드롭`, `드랍` or `실주`, ignoring
/// case, spaces and punctuation (`Lost`, `Closed Lost`, `closed_lost`, `Dropped`, `실패`).
pub fn is_lost_stage(name: &str) -> bool {
    let n = norm(name);
    ["lost", "drop", "실패", "드롭", "드랍", "실주"]
        .iter()
        .any(|w| n.contains(w))
}

/// Compare key for stage names: lower case, letters and digits only.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn stage_order(
    rows: &[PipelineRow],
    opts: &FunnelOptions,
    layout: PipelineLayout,
    is_lost: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    if !opts.stages.is_empty() {
        for s in &opts.stages {
            let t = s.trim();
            if !t.is_empty() && !is_lost(t) && seen.insert(norm(t)) {
                out.push(t.to_string());
            }
        }
        return out;
    }
    let mut order: Vec<&PipelineRow> = rows.iter().collect();
    match layout {
        PipelineLayout::History => {
            if order.iter().all(|r| r.date.is_some()) {
                order.sort_by_key(|r| r.date);
            }
            for r in order {
                let t = r.stage.trim();
                if !t.is_empty() && !is_lost(t) && seen.insert(norm(t)) {
                    out.push(t.to_string());
                }
            }
        }
        PipelineLayout::OneRowPerDeal => {
            // (first position, name, filled date columns, rows)
            let mut stats: BTreeMap<String, (usize, String, u64, u64)> = BTreeMap::new();
            for (i, r) in order.iter().enumerate() {
                let t = r.stage.trim();
                if t.is_empty() || is_lost(t) {
                    continue;
                }
                let filled = r.stage_dates.iter().filter(|(_, d)| d.is_some()).count() as u64;
                let e = stats.entry(norm(t)).or_insert((i, t.to_string(), 0, 0));
                e.2 += filled;
                e.3 += 1;
            }
            let mut v: Vec<(usize, String, u64, u64)> = stats.into_values().collect();
            // Mean filled a/b < c/d ⇔ a·d < c·b (exact, no floats).
            v.sort_by(|x, y| {
                (u128::from(x.2) * u128::from(y.3))
                    .cmp(&(u128::from(y.2) * u128::from(x.3)))
                    .then(x.0.cmp(&y.0))
            });
            out = v.into_iter().map(|x| x.1).collect();
        }
    }
    out
}

enum Target {
    Stage(usize),
    Close,
    First,
}

fn map_column(col: &str, stage_keys: &[String]) -> Option<Target> {
    let lower = col.trim().to_lowercase();
    let mut tokens: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if tokens.len() > 1
        && ["date", "dt", "at", "on", "day", "time", "timestamp"]
            .contains(&tokens[tokens.len() - 1].as_str())
    {
        tokens.pop();
    }
    let mut stem = tokens.concat();
    for suffix in ["date", "일자", "날짜", "일"] {
        if let Some(s) = stem.strip_suffix(suffix)
            && !s.is_empty()
        {
            stem = s.to_string();
            break;
        }
    }
    if [
        "close", "closed", "closing", "end", "ended", "종료", "마감", "완료",
    ]
    .contains(&stem.as_str())
    {
        return Some(Target::Close);
    }
    let mut best: Option<(usize, usize)> = None;
    let sc: Vec<char> = stem.chars().collect();
    for (i, k) in stage_keys.iter().enumerate() {
        let kc: Vec<char> = k.chars().collect();
        let common = sc.iter().zip(&kc).take_while(|(a, b)| a == b).count();
        let shorter = sc.len().min(kc.len());
        let exact = sc == kc;
        if (exact || (common >= 4 && common + 1 >= shorter)) && best.is_none_or(|(c, _)| common > c)
        {
            best = Some((common, i));
        }
    }
    if let Some((_, i)) = best {
        return Some(Target::Stage(i));
    }
    if [
        "create", "created", "creation", "open", "opened", "start", "started", "생성", "등록",
        "시작",
    ]
    .contains(&stem.as_str())
    {
        return Some(Target::First);
    }
    None
}

/// `map_column` for tests: `Ok(stage index)`, or `Err("close" | "first")`.
#[cfg(test)]
pub(super) fn map_column_for_test(
    col: &str,
    stage_keys: &[String],
) -> Option<Result<usize, &'static str>> {
    map_column(col, stage_keys).map(|t| match t {
        Target::Stage(i) => Ok(i),
        Target::Close => Err("close"),
        Target::First => Err("first"),
    })
}
