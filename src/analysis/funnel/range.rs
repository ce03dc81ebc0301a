//! Which pipeline deals fall in a `--from`/`--to` date range: a deal is in or out as a whole,
//! by its first dated record.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::PipelineRow;

/// Keep the deals whose first dated record falls in the range (all of a deal's rows, so its
/// history stays whole); with no range, every row.
pub fn filter_deals(
    rows: &[PipelineRow],
    in_range: &dyn Fn(NaiveDate) -> bool,
) -> Vec<PipelineRow> {
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
pub fn in_range_undated(in_range: &dyn Fn(NaiveDate) -> bool) -> bool {
    in_range(NaiveDate::MIN) && in_range(NaiveDate::MAX)
}
