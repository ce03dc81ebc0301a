//! The sample shop's Sent Log history (issue 17): the flow messages `dangol today --apply`
//! would have recorded had the owner run it each morning of the week before the data's end,
//! so that `today --as-of latest` shows every flow with due, stopped and already-sent cases.
//!
//! The history is the real decision (SPEC §8) over the sample itself: the workbook is written
//! once without it, read back, `today` is decided on each history day (each day's messages
//! recorded before the next day is decided, as `--apply` would), and the workbook is written
//! again with the Sent Log sheet, recorded as a sheet of dangol's the way `run` records it.

use std::path::Path;

use anyhow::Context as _;
use chrono::{NaiveDate, NaiveTime};

use super::world::{Plan, World};
use super::xlsx::{self, Layout, Written};
use crate::ingest::flows::FlowSent;
use crate::model::Currency;

/// The owner ran `today --apply` on the days from this many days before the `--as-of latest`
/// day …
pub(crate) const FIRST_DAY_BACK: u64 = 7;
/// … to this many days before it (the last two days are left for `today` to find due).
pub(crate) const LAST_DAY_BACK: u64 = 3;
/// The morning hour of those runs.
const RUN_HOUR: u32 = 10;
/// Samples with more sales rows than this get no history (it needs the sample written twice).
pub(crate) const MAX_ROWS: u64 = 200_000;

/// The flow messages of the history and what the Sent Log sheet is written with.
pub(crate) struct History {
    pub rows: Vec<FlowSent>,
    /// The last history day (the as-of of the sheet's notice).
    pub as_of: NaiveDate,
    pub currency: Currency,
}

/// Write the sample workbook with its Sent Log history (see the module notes).
pub(crate) fn write_with_history(
    plan: &Plan,
    shop_name: &str,
    layout: Layout,
    out: &Path,
) -> anyhow::Result<Written> {
    if plan.rows > MAX_ROWS {
        return xlsx::write_workbook(plan, &mut World::build(plan), shop_name, layout, out);
    }
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A folder of its own: no `dangol.toml` beside the first pass changes the history.
    let scratch = tempfile::Builder::new()
        .prefix(".dangol-")
        .tempdir_in(dir)
        .with_context(|| format!("cannot create a temporary folder in {}", dir.display()))?;
    let first = scratch.path().join("sample.xlsx");
    let pass = Layout {
        overwrite: true,
        ..layout
    };
    xlsx::write_workbook(plan, &mut World::build(plan), shop_name, pass, &first)?;
    let history = history_of(&first, plan.end)?;
    drop(scratch);
    xlsx::write_workbook_logged(
        plan,
        &mut World::build(plan),
        shop_name,
        layout,
        out,
        history.as_ref().filter(|h| !h.rows.is_empty()),
    )
}

/// The messages `today --apply` records on each history day of the workbook at `path`.
fn history_of(path: &Path, end: NaiveDate) -> anyhow::Result<Option<History>> {
    let mut loaded = crate::ingest::load(path, &crate::ingest::ReadOptions::default())?;
    if loaded.data.flows.is_empty() {
        return Ok(None);
    }
    // `--as-of latest`: the day after the newest sale.
    let latest = crate::cmd::newest_sale(&loaded, end)
        .and_then(|d| d.succ_opt())
        .unwrap_or(end);
    let at = NaiveTime::from_hms_opt(RUN_HOUR, 0, 0).unwrap_or(NaiveTime::MIN);
    let mut last = latest;
    for back in (LAST_DAY_BACK..=FIRST_DAY_BACK).rev() {
        let Some(day) = latest.checked_sub_days(chrono::Days::new(back)) else {
            continue;
        };
        let decided = crate::analysis::flows::decide(&loaded.data, &loaded.settings, day, at);
        let rows: Vec<FlowSent> = decided
            .due()
            .map(|m| FlowSent {
                sent: day,
                flow: m.flow.clone(),
                customer: m.customer.clone(),
                trigger: m.trigger_ref.clone(),
                channel: m.channel.code().to_string(),
                name: m.name.clone(),
            })
            .collect();
        loaded.data.flow_log.extend(rows);
        last = day;
    }
    Ok(Some(History {
        rows: loaded.data.flow_log,
        as_of: last,
        currency: loaded.currency,
    }))
}
