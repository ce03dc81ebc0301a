//! The quote funnel: Sent → Opened → Responded → Ordered → Reordered, from the quote log
//! joined to the sales ledger.
//!
//! Per quote:
//! - **Sent**: every quote (date: sent).
//! - **Opened**: the opened flag says yes (a date counts as yes) or the open count is above 0
//!   (date: the opened flag's date, when it is one).
//! - **Responded**: the responded flag says yes (date: its date).
//! - **Ordered**: the converted flag says yes, or the quote's order id is an order in sales —
//!   looked up in the quote customer's orders first, then in every customer's and the
//!   anonymous orders. Date: the linked order's date, else the converted flag's date.
//! - **Reordered**: the quote is ordered and its customer has *another* order (a different
//!   order key) placed at or after the conversion order's date and time. Dates without a time
//!   of day are midnight, so a second order on the same day as the converted one **is** a
//!   reorder; an earlier time on the same day is not. The conversion order is the linked one;
//!   when the quote has no order id in sales, it is the customer's earliest order on or after
//!   the conversion day (the converted flag's date, else the sent date). Date: the earliest
//!   such other order.
//!
//! Order keys beginning with `#` are synthetic per-row keys: they never match a quote's order
//! id, but they are orders and do count as reorders.
//!
//! In strict mode a quote counts at a stage when that stage and every earlier one is recorded
//! on the row (a converted quote with no opened flag is Sent only). Flag dates are not
//! required to be in order (the opened column often holds the *last* view).
//!
//! Unit `customer`: a customer counts at the furthest stage any of their quotes reached in the
//! mode, with that quote's dates (ties: the earliest sent, then the first row); the cohort
//! (period) and channel are those of the customer's first quote, the same in both modes.
//! Quotes with no customer count each as their own customer.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::{
    Breakdown, CountUnit, FunnelKind, FunnelOptions, FunnelTable, GroupBy, Unit, build_breakdown,
    build_table,
};
use crate::model::ledger::{fingerprint, is_row_key};
use crate::model::{CustomerLedger, OrderAgg, QuoteRow, SalesLedger};
use crate::settings::{FunnelMode, FunnelUnit};

/// The quote funnel's stages: (English key, Korean label).
pub const QUOTE_STAGES: [(&str, &str); 5] = [
    ("Sent", "발송"),
    ("Opened", "열람"),
    ("Responded", "응답"),
    ("Ordered", "주문"),
    ("Reordered", "재주문"),
];

const ORDERED: usize = 3;
const REORDERED: usize = 4;

/// The quote funnel in one mode and unit, ready for breakdowns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteFunnel {
    pub table: FunnelTable,
    stages: Vec<String>,
    units: Vec<Unit>,
    week_start: chrono::Weekday,
}

impl QuoteFunnel {
    /// Build the funnel (mode and unit from `opts`).
    pub fn build(quotes: &[QuoteRow], sales: &SalesLedger, opts: &FunnelOptions) -> Self {
        let stages: Vec<String> = QUOTE_STAGES
            .iter()
            .map(|(en, _)| (*en).to_string())
            .collect();
        let index = OrderIndex::new(sales);
        let facts: Vec<Facts> = quotes.iter().map(|q| facts(q, sales, &index)).collect();
        let per_quote: Vec<Unit> = quotes
            .iter()
            .zip(&facts)
            .map(|(q, f)| unit_of(q, f, opts.mode))
            .collect();
        let (units, unit) = match opts.unit {
            FunnelUnit::Quote => (per_quote, CountUnit::Quote),
            FunnelUnit::Customer => (by_customer(quotes, per_quote), CountUnit::Customer),
        };
        let refs: Vec<&Unit> = units.iter().collect();
        let table = build_table(FunnelKind::Quote, opts.mode, unit, &stages, &refs);
        QuoteFunnel {
            table,
            stages,
            units,
            week_start: opts.week_start,
        }
    }

    /// Split the funnel by period, channel or grade; the groups sum to [`Self::table`].
    pub fn breakdown(&self, by: GroupBy<'_>) -> Breakdown {
        build_breakdown(
            FunnelKind::Quote,
            self.table.mode,
            self.table.unit,
            &self.stages,
            &self.units,
            by,
            self.week_start,
        )
    }
}

/// What a quote recorded, stage by stage.
struct Facts {
    recorded: [bool; 5],
    dates: [Option<NaiveDateTime>; 5],
}

/// Every real (not per-row) order, by the fingerprint of its id → where it is, for order ids
/// that are not the quote customer's own.
struct OrderIndex<'a> {
    all: BTreeMap<u64, (Option<&'a str>, OrderAgg)>,
}

impl<'a> OrderIndex<'a> {
    fn new(sales: &'a SalesLedger) -> Self {
        let mut all = BTreeMap::new();
        for (ck, c) in &sales.customers {
            for (k, o) in c.orders.iter() {
                if !is_row_key(k) {
                    all.entry(k).or_insert((Some(ck.as_str()), o));
                }
            }
        }
        for (k, o) in sales.anonymous_orders.iter() {
            if !is_row_key(k) {
                all.entry(k).or_insert((None, o));
            }
        }
        OrderIndex { all }
    }
}

fn facts(q: &QuoteRow, sales: &SalesLedger, index: &OrderIndex<'_>) -> Facts {
    let mut recorded = [false; 5];
    let mut dates = [None; 5];
    recorded[0] = true;
    dates[0] = Some(q.sent);
    recorded[1] = q.opened.is_yes() || q.opens > 0;
    dates[1] = q.opened.date();
    recorded[2] = q.responded.is_yes();
    dates[2] = q.responded.date();

    let own: Option<&CustomerLedger> = q.customer.as_ref().and_then(|c| sales.customers.get(c));
    let id = q
        .order_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.starts_with('#'));
    // The linked order: the customer's own first, then anyone's (by the id's fingerprint).
    let linked: Option<(u64, Option<&str>, OrderAgg)> = id.map(fingerprint).and_then(|id| {
        if let Some(o) = own.and_then(|c| c.orders.get_fingerprint(id)) {
            return Some((id, q.customer.as_deref(), o));
        }
        index.all.get(&id).map(|(c, o)| (id, *c, *o))
    });
    if !(q.converted.is_yes() || linked.is_some()) {
        return Facts { recorded, dates };
    }
    recorded[ORDERED] = true;
    dates[ORDERED] = linked.map(|(_, _, o)| o.at).or(q.converted.date());

    // Whose later orders count as reorders: the quote's customer, else the linked order's.
    let ledger = own.or_else(|| {
        linked
            .and_then(|(_, c, _)| c)
            .and_then(|c| sales.customers.get(c))
    });
    let Some(ledger) = ledger else {
        return Facts { recorded, dates };
    };
    let anchor: Option<(u64, NaiveDateTime)> = if let Some((k, _, o)) = linked {
        Some((k, o.at))
    } else {
        let day = q.converted.date().unwrap_or(q.sent).date();
        let conversion = ledger
            .orders
            .iter()
            .filter(|(_, o)| o.at.date() >= day)
            // Orders at the same time: whichever is taken, the other is the reorder at that time.
            .min_by_key(|(k, o)| (o.at, *k));
        if let Some((_, o)) = conversion
            && dates[ORDERED].is_none()
        {
            dates[ORDERED] = Some(o.at);
        }
        conversion.map(|(k, o)| (k, o.at))
    };
    if let Some((key, at)) = anchor
        && let Some(re) = ledger
            .orders
            .iter()
            .filter(|(k, o)| *k != key && o.at >= at)
            .map(|(_, o)| o.at)
            .min()
    {
        recorded[REORDERED] = true;
        dates[REORDERED] = Some(re);
    }
    Facts { recorded, dates }
}

fn unit_of(q: &QuoteRow, f: &Facts, mode: FunnelMode) -> Unit {
    let level = match mode {
        FunnelMode::Reach => f.recorded.iter().rposition(|r| *r).map_or(0, |i| i + 1),
        FunnelMode::Strict => f
            .recorded
            .iter()
            .position(|r| !*r)
            .unwrap_or(f.recorded.len()),
    };
    Unit {
        level,
        dates: f.dates.iter().map(|d| d.map(|t| t.date())).collect(),
        channel: q.channel.clone(),
        customer: q.customer.clone(),
        cohort: Some(q.sent.date()),
        lost: None,
    }
}

/// One unit per customer: level and dates from the quote that reached furthest (ties: earliest
/// sent, first row); cohort and channel from the customer's first quote, so that a customer
/// falls in the same breakdown group in both modes.
fn by_customer(quotes: &[QuoteRow], per_quote: Vec<Unit>) -> Vec<Unit> {
    // key → (best quote, its unit, first quote)
    let mut best: BTreeMap<(u8, String), (usize, Unit, usize)> = BTreeMap::new();
    for (i, (q, u)) in quotes.iter().zip(per_quote).enumerate() {
        // Quotes with no customer stand alone, keyed by their position.
        let key = q
            .customer
            .clone()
            .map_or_else(|| (1, format!("{i:020}")), |c| (0, c));
        match best.get_mut(&key) {
            None => {
                best.insert(key, (i, u, i));
            }
            Some((j, b, first)) => {
                if (u.level, Reverse(q.sent)) > (b.level, Reverse(quotes[*j].sent)) {
                    *j = i;
                    *b = u;
                }
                if q.sent < quotes[*first].sent {
                    *first = i;
                }
            }
        }
    }
    best.into_values()
        .map(|(_, mut u, first)| {
            let f = &quotes[first];
            u.cohort = Some(f.sent.date());
            u.channel.clone_from(&f.channel);
            u
        })
        .collect()
}
