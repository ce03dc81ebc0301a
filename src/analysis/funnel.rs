//! Funnel conversion tables (SPEC §4): the quote funnel (Sent → Opened → Responded → Ordered →
//! Reordered) and the CRM pipeline funnel, in `reach` or `strict` mode, with breakdowns by
//! period, channel and grade.
//!
//! # How counting works
//!
//! Every *unit* (a quote, a customer, or a deal) is first reduced to a **level**: the number of
//! stages it counts at, from the first. A stage's count is the number of units whose level is
//! above the stage's index, so counts can never increase along the stages, and any grouping of
//! units (a breakdown) sums back to the total for every stage.
//!
//! - **reach** (the default): a unit counts at the furthest stage it recorded and at every
//!   stage before it — reaching a later stage implies having passed the earlier ones.
//! - **strict**: a unit counts at a stage only when it recorded that stage *and* every earlier
//!   one, in order. A quote converted without an opened flag counts as Sent only; a deal whose
//!   history skips a stage stops before the gap. Strict counts are never above reach counts.
//!
//! Worked example, three deals over stages Lead → Demo → Proposal → Won:
//!
//! | deal | history | reach level | strict level |
//! |---|---|---|---|
//! | A | Lead, Demo, Proposal | 3 | 3 |
//! | B | Lead, Proposal | 3 | 1 (Demo never recorded) |
//! | C | Lead, Demo, Proposal, Demo, Won | 4 | 4, with one backward move |
//!
//! Reach counts 3, 3, 3, 1; strict counts 3, 2, 2, 1. Deal C's second move to Demo is a
//! *backward move*: counted per deal and in total, it does not undo the stages reached. In
//! strict mode the chain must run forward through the deal's history, so a history Lead,
//! Proposal, Demo (and nothing after) counts only Lead and Demo strictly.
//!
//! # Table columns
//!
//! Percentages are exact [`Decimal`] percents rounded half away from zero to one decimal place
//! (`63.2` means 63.2 %); a percentage with a zero denominator is `None`. The first row's step
//! conversion is `None` (it has no previous stage) and its drop-off is 0. *Median days from the
//! previous stage* is the median, over units counted at the stage whose dates for this stage
//! and the previous one are both known, of the calendar-day difference; the median of an even
//! number of values is the mean of the middle two (so it may end in `.5`); `None` when no unit
//! has both dates.

pub mod grades;
mod pipeline;
mod quote;
pub mod range;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::settings::{FunnelMode, FunnelUnit, Settings};

pub use pipeline::{PipelineFunnel, PipelineLayout, StageDays, is_lost_stage};
pub use quote::{QUOTE_STAGES, QuoteFunnel};

/// The group label for units with no channel or no grade.
pub const NONE_LABEL: &str = "(none)";
/// The group label for units whose first stage has no date (period breakdowns).
pub const NO_DATE_LABEL: &str = "(no date)";

/// The settings the funnels use, taken out of [`Settings`] so that tests and callers need not
/// build every setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelOptions {
    /// Pipeline stage order; empty = inferred (see [`PipelineFunnel`]).
    pub stages: Vec<String>,
    pub mode: FunnelMode,
    pub unit: FunnelUnit,
    /// First day of the week for weekly breakdowns.
    pub week_start: Weekday,
    /// Lower-cased cancel words: a pipeline stage named like one is a lost stage too.
    pub cancel_words: Vec<String>,
}

impl Default for FunnelOptions {
    fn default() -> Self {
        FunnelOptions {
            stages: Vec::new(),
            mode: FunnelMode::Reach,
            unit: FunnelUnit::Quote,
            week_start: Weekday::Mon,
            cancel_words: Vec::new(),
        }
    }
}

impl FunnelOptions {
    /// The funnel settings out of the effective settings.
    pub fn from_settings(s: &Settings) -> Self {
        FunnelOptions {
            stages: s.funnel_stages.clone(),
            mode: s.funnel_mode,
            unit: s.funnel_unit,
            week_start: s.week_start,
            cancel_words: s.cancel_words.clone(),
        }
    }

    /// The same options in another mode.
    #[must_use]
    pub fn with_mode(&self, mode: FunnelMode) -> Self {
        FunnelOptions {
            mode,
            ..self.clone()
        }
    }
}

/// Which funnel a table belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelKind {
    Quote,
    Pipeline,
}

/// What one count in a table counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountUnit {
    Quote,
    Customer,
    Deal,
}

/// One stage of a funnel table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRow {
    /// Stage name: an English key of [`QUOTE_STAGES`] for quotes, the pipeline's own name.
    pub stage: String,
    pub count: u64,
    /// count / previous count, percent, 1 place; `None` on the first row or when the previous
    /// count is 0.
    pub step_pct: Option<Decimal>,
    /// count / first count, percent, 1 place; `None` when the first count is 0.
    pub cumulative_pct: Option<Decimal>,
    /// previous count − count (0 on the first row).
    pub drop_off: u64,
    /// Median calendar days from the previous stage; `None` when unknown.
    pub median_days: Option<Decimal>,
}

/// Units that ended in a lost stage, by the furthest stage they counted at (pipeline only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostRow {
    /// The furthest real stage the deal counted at in this table's mode; `None` when it counted
    /// at none (strict mode, a deal whose first record is not the first stage).
    pub at_stage: Option<String>,
    /// The lost stage's name as written (`Lost`, `Closed Lost`, `드롭` …): the drop-off reason.
    pub reason: String,
    pub count: u64,
}

/// One funnel table: the mode is carried with it so that every rendering can say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunnelTable {
    pub kind: FunnelKind,
    pub mode: FunnelMode,
    pub unit: CountUnit,
    pub rows: Vec<StageRow>,
    /// Lost units by stage and reason, in stage order then reason (empty for quotes).
    pub lost: Vec<LostRow>,
}

impl FunnelTable {
    /// Units counted at the first stage (in reach mode: all units).
    pub fn total(&self) -> u64 {
        self.rows.first().map_or(0, |r| r.count)
    }
    /// Units that ended lost.
    pub fn lost_total(&self) -> u64 {
        self.lost.iter().map(|l| l.count).sum()
    }
    /// Counts per stage, in order.
    pub fn counts(&self) -> Vec<u64> {
        self.rows.iter().map(|r| r.count).collect()
    }
}

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy<'a> {
    /// The week of the first stage's date, ISO style `2025-W16` (weeks starting on
    /// `week_start`, labelled by the ISO week of the Monday falling in them).
    Week,
    /// The month of the first stage's date, `2025-04`.
    Month,
    /// The quote's (or deal's) channel; blank → `(none)`.
    Channel,
    /// A grade per customer key, from the customer analytics; no grade → `(none)`.
    Grade(&'a BTreeMap<String, String>),
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownGroup {
    pub key: String,
    pub table: FunnelTable,
}

/// A funnel split into groups whose counts sum to the whole funnel's, stage by stage.
/// Period groups are in time order (newest last, `(no date)` first); other groups are in name
/// order with `(none)` last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakdown {
    pub groups: Vec<BreakdownGroup>,
}

/// A unit reduced to what the tables need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Number of stages counted, from the first.
    pub level: usize,
    /// The date the unit entered each stage, where known (indexed like the stages).
    pub dates: Vec<Option<NaiveDate>>,
    pub channel: Option<String>,
    pub customer: Option<String>,
    /// The first stage's date (cohort for period breakdowns).
    pub cohort: Option<NaiveDate>,
    /// The lost stage the unit ended in, if it did.
    pub lost: Option<String>,
}

/// Build one table over units.
pub(crate) fn build_table(
    kind: FunnelKind,
    mode: FunnelMode,
    unit: CountUnit,
    stages: &[String],
    units: &[&Unit],
) -> FunnelTable {
    let mut rows = Vec::with_capacity(stages.len());
    let first = units.iter().filter(|u| u.level > 0).count() as u64;
    let mut prev: Option<u64> = None;
    for (k, name) in stages.iter().enumerate() {
        let count = units.iter().filter(|u| u.level > k).count() as u64;
        let median_days = if k == 0 {
            None
        } else {
            let mut days: Vec<i64> = units
                .iter()
                .filter(|u| u.level > k)
                .filter_map(|u| {
                    match (
                        u.dates.get(k - 1).copied().flatten(),
                        u.dates.get(k).copied().flatten(),
                    ) {
                        (Some(a), Some(b)) => Some((b - a).num_days()),
                        _ => None,
                    }
                })
                .collect();
            median(&mut days)
        };
        rows.push(StageRow {
            stage: name.clone(),
            count,
            step_pct: prev.and_then(|p| pct(count, p)),
            cumulative_pct: pct(count, first),
            drop_off: prev.map_or(0, |p| p.saturating_sub(count)),
            median_days,
        });
        prev = Some(count);
    }
    let mut lost: BTreeMap<(usize, String), u64> = BTreeMap::new();
    for u in units {
        if let Some(reason) = &u.lost {
            *lost.entry((u.level, reason.clone())).or_default() += 1;
        }
    }
    let lost = lost
        .into_iter()
        .map(|((level, reason), count)| LostRow {
            at_stage: level.checked_sub(1).and_then(|i| stages.get(i)).cloned(),
            reason,
            count,
        })
        .collect();
    FunnelTable {
        kind,
        mode,
        unit,
        rows,
        lost,
    }
}

/// Split units into groups and build a table per group.
pub(crate) fn build_breakdown(
    kind: FunnelKind,
    mode: FunnelMode,
    unit: CountUnit,
    stages: &[String],
    units: &[Unit],
    by: GroupBy<'_>,
    week_start: Weekday,
) -> Breakdown {
    // Sort key: (rank, label). Period groups put `(no date)` first; name groups put `(none)` last.
    let mut groups: BTreeMap<(u8, String), Vec<&Unit>> = BTreeMap::new();
    for u in units {
        let key = match by {
            GroupBy::Week => u.cohort.map_or((0, NO_DATE_LABEL.to_string()), |d| {
                (1, week_label(d, week_start))
            }),
            GroupBy::Month => u
                .cohort
                .map_or((0, NO_DATE_LABEL.to_string()), |d| (1, month_label(d))),
            GroupBy::Channel => label_or_none(u.channel.as_deref()),
            GroupBy::Grade(grades) => label_or_none(
                u.customer
                    .as_ref()
                    .and_then(|c| grades.get(c))
                    .map(String::as_str),
            ),
        };
        groups.entry(key).or_default().push(u);
    }
    Breakdown {
        groups: groups
            .into_iter()
            .map(|((_, key), us)| BreakdownGroup {
                key,
                table: build_table(kind, mode, unit, stages, &us),
            })
            .collect(),
    }
}

fn label_or_none(s: Option<&str>) -> (u8, String) {
    match s.map(str::trim) {
        Some(t) if !t.is_empty() => (0, t.to_string()),
        _ => (1, NONE_LABEL.to_string()),
    }
}

/// `part / whole` as a percent rounded half away from zero to one place; `None` when `whole`
/// is 0.
pub fn pct(part: u64, whole: u64) -> Option<Decimal> {
    if whole == 0 {
        return None;
    }
    let p = Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole);
    Some(p.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
}

/// Median of whole days: exact, the mean of the middle two for an even count.
pub(crate) fn median(days: &mut [i64]) -> Option<Decimal> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    if n % 2 == 1 {
        Some(Decimal::from(days[n / 2]))
    } else {
        Some((Decimal::from(days[n / 2 - 1]) + Decimal::from(days[n / 2])) / Decimal::TWO)
    }
}

/// The week label of a day: weeks start on `week_start`; a week is named by the ISO week of
/// the Monday inside it (for Monday-start weeks this is plain ISO 8601: `2025-W16`).
pub fn week_label(d: NaiveDate, week_start: Weekday) -> String {
    let ws = week_start.num_days_from_monday();
    let back = (d.weekday().num_days_from_monday() + 7 - ws) % 7;
    let start = d - Duration::days(i64::from(back));
    let monday = start + Duration::days(i64::from((7 - ws) % 7));
    let iso = monday.iso_week();
    format!("{}-W{:02}", iso.year(), iso.week())
}

/// The month label of a day: `2025-04`.
pub fn month_label(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}
