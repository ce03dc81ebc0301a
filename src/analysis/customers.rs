//! Per-customer statistics, RFM, VIP and responder grades with reasons, grade movement and
//! possible duplicates — as of a given day, from the sales ledger, quote log and customer list.
//!
//! Everything here is a pure function of the data, the settings and `as_of`; nothing after
//! `as_of` is seen, so "grades as of last week" is the same call with an earlier date.
//!
//! Definitions (SPEC §3 metrics):
//! - **The window** is the `lookback_days` days ending on `as_of`: a day `d` is inside when
//!   `as_of − lookback_days < d ≤ as_of`. With the default 365 and `as_of` 2025-04-15 the window
//!   starts on 2024-04-16; a sale exactly 365 days before `as_of` is *outside*, one on `as_of`
//!   itself is inside.
//! - An order's day is its earliest line's day; a return's day is its own.
//! - `orders`/`total` count orders and net amounts (returns subtracted) in the window;
//!   `orders_all`/`total_all` everything up to `as_of`; `avg_order` = `total / orders`, rounded
//!   to 2 decimal places (sums stay exact).
//! - `first_order`, `last_order`, `recency_days`, `tenure_days` and `days_since_last_quote`
//!   look at all history up to `as_of` (a window would turn a lapsed customer's recency into
//!   "no value").
//! - Quote metrics count quotes *sent* in the window. A flag dated after `as_of` (opened,
//!   responded, converted) does not count yet; an undated "yes" counts. `opens` is the open
//!   count of the quote log, `open_rate` the share of quotes opened at least once,
//!   `conversion_rate` = conversions / quotes; both rates are `None` without quotes.
//! - RFM uses R = `recency_days`, F = `orders`, M = `total` (the window, SPEC §3) over the
//!   customers with at least one order up to `as_of`.
//! - `total_rank_pct` ranks `total` among customers with an order in the window: the share
//!   of those customers with a strictly greater total plus oneself, as a percent rounded up
//!   (1 = top 1 %).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::rfm::{self, RfmCuts, RfmInput, Segment};
use crate::model::{Currency, CustomerRow, Lang, QuoteRow, SalesLedger};
use crate::rules::{Metric, Metrics, Rule};
use crate::settings::{GradeKind, GradeName, GradeRule, Origin, Settings};

/// The rule a grade was given by, shared by every customer with that grade in a table (one
/// allocation per rule, not a reason text per customer): the reason is rendered from it and the
/// customer's own metrics when it is shown.
#[derive(Debug, PartialEq)]
pub struct GradedBy {
    pub rule: Rule,
    /// The currency Korean reasons write money in.
    pub currency: Currency,
}

impl Eq for GradedBy {}

/// A customer's grade of one kind and the rule that gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    /// Position of the matched rule (0 = highest grade).
    pub rank: usize,
    /// Shared by every customer with this grade in a table (one allocation per grade, not two
    /// strings per customer).
    pub name: Arc<GradeName>,
    /// Whether it is a built-in grade (shown in English in JSON/CSV).
    pub builtin: bool,
    /// The matched rule; `None` when no rule held (a table built in code without `true`).
    pub by: Option<Arc<GradedBy>>,
}

impl Grade {
    /// Why `m` (the customer this grade belongs to) has it, in `lang`: the matched rule with the
    /// customer's numbers, English keywords or Korean ones (`그리고`, `또는`, `아님`, `항상`).
    pub fn reason_in(&self, m: &dyn Metrics, lang: Lang) -> String {
        match &self.by {
            Some(by) => match lang {
                Lang::En => by.rule.reason_in(m, Lang::En),
                Lang::Ko => by.rule.reason_with(m, Lang::Ko, by.currency),
            },
            None => lang.pick("해당 규칙 없음", "no rule matched").to_string(),
        }
    }
}

/// The values of the metrics (and the groups) a rule reads, taken from a customer when the
/// customer's record is not kept (a grade change's earlier side): enough to render the reason.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleValues {
    values: Vec<(Metric, Option<Decimal>)>,
    groups: Vec<String>,
}

impl RuleValues {
    /// The values `grade`'s rule reads from `m`.
    pub fn of(grade: &Grade, m: &dyn Metrics) -> RuleValues {
        let Some(by) = &grade.by else {
            return RuleValues::default();
        };
        RuleValues {
            values: by
                .rule
                .metrics()
                .into_iter()
                .map(|k| (k, m.metric(k)))
                .collect(),
            groups: if by.rule.uses_group() {
                m.groups()
            } else {
                Vec::new()
            },
        }
    }
}

impl Metrics for RuleValues {
    fn metric(&self, m: Metric) -> Option<Decimal> {
        self.values
            .iter()
            .find(|(k, _)| *k == m)
            .and_then(|(_, v)| *v)
    }
    fn groups(&self) -> Vec<String> {
        self.groups.clone()
    }
}

/// Everything computed about one customer as of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerStats {
    /// Identity key (email, normalised name or customer id).
    pub key: String,
    /// The name to show: the most frequent spelling in sales, else the Customers sheet's,
    /// else the quote log's.
    pub name: Option<String>,
    pub email: Option<String>,
    /// A phone to show (digits only): from sales first, then the Customers sheet, then quotes.
    pub phone: Option<String>,
    /// Every phone seen, sorted.
    pub phones: Vec<String>,
    pub group: Option<String>,
    pub opt_out: bool,
    /// Listed in the Customers sheet.
    pub listed: bool,
    pub orders: u32,
    pub total: Decimal,
    pub avg_order: Option<Decimal>,
    pub first_order: Option<NaiveDate>,
    pub last_order: Option<NaiveDate>,
    pub recency_days: Option<i64>,
    pub tenure_days: Option<i64>,
    pub orders_all: u32,
    pub total_all: Decimal,
    /// The quote log's numbers; `None` for a customer without a quote up to the day (every
    /// customer of a shop that only sells): read them through [`CustomerStats::quoting`]. Kept
    /// apart, so that a table of 80,000 customers is some ten megabytes smaller.
    pub quoting: Option<Box<Quoting>>,
    pub r: Option<u8>,
    pub f: Option<u8>,
    pub m: Option<u8>,
    pub segment: Option<Segment>,
    pub total_rank_pct: Option<u32>,
    pub vip: Grade,
    pub responder: Grade,
    /// Customer value (SPEC §11), filled only when a grade rule names it (the fit is not free):
    /// read it through [`CustomerStats::value`].
    pub value: Option<Box<ValueMetrics>>,
}

/// A customer's quote-log numbers (see [`CustomerStats::quoting`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Quoting {
    pub quotes: u32,
    pub opens: u32,
    /// Quotes opened at least once.
    pub quotes_opened: u32,
    pub responses: u32,
    pub conversions: u32,
    pub open_rate: Option<Decimal>,
    pub conversion_rate: Option<Decimal>,
    pub last_quote: Option<NaiveDate>,
    pub days_since_last_quote: Option<i64>,
    pub reminders: u32,
}

impl Quoting {
    /// A customer without quotes.
    pub const NONE: Quoting = Quoting {
        quotes: 0,
        opens: 0,
        quotes_opened: 0,
        responses: 0,
        conversions: 0,
        open_rate: None,
        conversion_rate: None,
        last_quote: None,
        days_since_last_quote: None,
        reminders: 0,
    };
}

/// A customer's value (SPEC §11; see [`CustomerStats::value`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueMetrics {
    pub p_alive: Option<Decimal>,
    pub expected_orders_365: Option<Decimal>,
    pub clv: Option<Decimal>,
}

impl ValueMetrics {
    /// Not worked out.
    pub const NONE: ValueMetrics = ValueMetrics {
        p_alive: None,
        expected_orders_365: None,
        clv: None,
    };
}

impl CustomerStats {
    /// The quote log's numbers (all zero and `None` for a customer without quotes).
    pub fn quoting(&self) -> &Quoting {
        self.quoting.as_deref().unwrap_or(&Quoting::NONE)
    }
    /// The customer's value (all `None` when not worked out).
    pub fn value(&self) -> &ValueMetrics {
        self.value.as_deref().unwrap_or(&ValueMetrics::NONE)
    }
    /// The name, or the key when no name is known.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
    /// The grade of `kind`.
    pub fn grade(&self, kind: GradeKind) -> &Grade {
        match kind {
            GradeKind::Vip => &self.vip,
            GradeKind::Responder => &self.responder,
        }
    }
}

impl Metrics for CustomerStats {
    fn metric(&self, m: Metric) -> Option<Decimal> {
        let n = |v: u32| Some(Decimal::from(v));
        let s = |v: Option<u8>| v.map(Decimal::from);
        let d = |v: Option<i64>| v.map(Decimal::from);
        match m {
            Metric::Orders => n(self.orders),
            Metric::Total => Some(self.total),
            Metric::AvgOrder => self.avg_order,
            Metric::RecencyDays => d(self.recency_days),
            Metric::TenureDays => d(self.tenure_days),
            Metric::OrdersAll => n(self.orders_all),
            Metric::TotalAll => Some(self.total_all),
            Metric::R => s(self.r),
            Metric::F => s(self.f),
            Metric::M => s(self.m),
            Metric::TotalRankPct => self.total_rank_pct.map(Decimal::from),
            Metric::Quotes => n(self.quoting().quotes),
            Metric::Opens => n(self.quoting().opens),
            Metric::Responses => n(self.quoting().responses),
            Metric::Conversions => n(self.quoting().conversions),
            Metric::OpenRate => self.quoting().open_rate,
            Metric::ConversionRate => self.quoting().conversion_rate,
            Metric::DaysSinceLastQuote => d(self.quoting().days_since_last_quote),
            Metric::Reminders => n(self.quoting().reminders),
            Metric::PAlive => self.value().p_alive,
            Metric::ExpectedOrders365 => self.value().expected_orders_365,
            Metric::Clv => self.value().clv,
        }
    }
    fn groups(&self) -> Vec<String> {
        self.group
            .as_deref()
            .map(|g| g.split(',').map(|x| x.trim().to_string()).collect())
            .unwrap_or_default()
    }
}

/// The customer table as of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerTable {
    pub as_of: NaiveDate,
    /// First day inside the lookback window.
    pub window_start: NaiveDate,
    pub lookback_days: u32,
    /// One row per customer, sorted by key.
    pub rows: Vec<CustomerStats>,
    pub rfm_cuts: RfmCuts,
    /// Net revenue up to `as_of` of rows with no customer (SPEC: still shop revenue).
    pub anonymous_total_all: Decimal,
    /// Orders up to `as_of` with no customer.
    pub anonymous_orders_all: u64,
}

impl CustomerTable {
    /// The row of a customer key.
    pub fn get(&self, key: &str) -> Option<&CustomerStats> {
        self.rows
            .binary_search_by(|r| r.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.rows[i])
    }
    /// Net revenue of the shop up to `as_of`: customers' `total_all` plus the anonymous part.
    pub fn shop_total_all(&self) -> Decimal {
        self.rows.iter().map(|r| r.total_all).sum::<Decimal>() + self.anonymous_total_all
    }
}

/// Quote metrics of one customer being accumulated.
#[derive(Default)]
struct QuoteAgg<'a> {
    name: Option<&'a str>,
    email: Option<&'a str>,
    phones: Vec<&'a str>,
    quotes: u32,
    opens: u32,
    opened: u32,
    responses: u32,
    conversions: u32,
    reminders: u32,
    last: Option<NaiveDate>,
}

/// Whether a flag counts as of `as_of`: yes, and not dated after it.
fn flag_by(flag: crate::model::Flag, as_of: NaiveDate) -> bool {
    flag.is_yes() && flag.date().is_none_or(|d| d.date() <= as_of)
}

/// The first day of the lookback window ending on `as_of`.
pub fn window_start(as_of: NaiveDate, lookback_days: u32) -> NaiveDate {
    as_of - Duration::days(i64::from(lookback_days)) + Duration::days(1)
}

/// Compute the customer table as of `as_of` (see the module notes for every definition):
/// each customer's own facts, then the scores that compare customers (RFM, rank), then the
/// grades.
pub fn customer_table(
    ledger: &SalesLedger,
    quotes: &[QuoteRow],
    customers: &[CustomerRow],
    settings: &Settings,
    as_of: NaiveDate,
) -> CustomerTable {
    let start = window_start(as_of, settings.lookback_days);
    let window = Window { start, as_of };
    let qagg = quote_aggs(quotes, window);

    // The master list by key: first row wins, opt-out if any row says so.
    let mut master: BTreeMap<&str, (&CustomerRow, bool)> = BTreeMap::new();
    for c in customers {
        master
            .entry(c.customer.as_str())
            .and_modify(|e| e.1 |= c.opt_out)
            .or_insert((c, c.opt_out));
    }

    // Every key once, in key order: the ledger's come in that order, so with no master list
    // or quote log the sort only checks it.
    let mut keys: Vec<&str> = Vec::with_capacity(ledger.customers.len());
    for (k, c) in &ledger.customers {
        let seen = c.orders.any_by(window.as_of) || c.returns.iter().any(|r| window.upto(r.at));
        if seen {
            keys.push(k.as_str());
        }
    }
    keys.extend(master.keys());
    keys.extend(qagg.keys());
    keys.sort_unstable();
    keys.dedup();

    // Every row's grades before grading: one shared name.
    let placeholder = ungraded(0);
    let mut rows: Vec<CustomerStats> = keys
        .into_iter()
        .map(|key| empty_stats_with(key, &placeholder))
        .collect();
    // Each customer's orders are added up from their own ledger alone: the two halves of the
    // rows on two cores, in place (the orders of 80,000 customers are 40 MB, read from memory
    // rather than the cache). Nothing is allocated there: the texts are copied after, on this
    // thread, whose freed memory they reuse.
    super::each_on_two_cores(&mut rows, |s| {
        if let Some(c) = ledger.customers.get(&s.key) {
            add_sums(s, c, window);
        }
    });
    for s in &mut rows {
        let key = s.key.as_str();
        let (sales, listed, quoted) = (ledger.customers.get(key), master.get(key), qagg.get(key));
        if let Some(c) = sales {
            add_texts(s, c);
        }
        if let Some(&(m, opt_out)) = listed {
            add_listed(s, m, opt_out);
        }
        if let Some(q) = quoted {
            add_quotes(s, q, as_of);
        }
        finish_stats(s, as_of);
    }

    let rfm_cuts = score_rfm(&mut rows, settings);
    rank_totals(&mut rows);
    crate::analysis::value::fill_rule_metrics(&mut rows, ledger, settings, as_of);
    let currency = settings.currency.unwrap_or(Currency::Krw);
    let vip_rules = shared_rules(&settings.vip_rules, currency);
    let responder_rules = shared_rules(&settings.responder_rules, currency);
    super::each_on_two_cores(&mut rows, |row| {
        row.vip = grade_named(&settings.vip_rules, &vip_rules, row);
        row.responder = grade_named(&settings.responder_rules, &responder_rules, row);
    });

    let (mut anonymous_total_all, mut anonymous_orders_all) = (Decimal::ZERO, 0u64);
    for o in ledger
        .anonymous_orders
        .values()
        .filter(|o| window.upto(o.at))
    {
        anonymous_total_all += o.amount;
        anonymous_orders_all += 1;
    }
    for r in ledger
        .anonymous_returns
        .iter()
        .filter(|r| window.upto(r.at))
    {
        anonymous_total_all += r.amount;
    }

    CustomerTable {
        as_of,
        window_start: start,
        lookback_days: settings.lookback_days,
        rows,
        rfm_cuts,
        anonymous_total_all,
        anonymous_orders_all,
    }
}

/// The lookback window ending on `as_of` (see the module notes).
#[derive(Clone, Copy)]
struct Window {
    start: NaiveDate,
    as_of: NaiveDate,
}

impl Window {
    fn contains(self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.as_of
    }
    /// Not after `as_of`.
    fn upto(self, t: NaiveDateTime) -> bool {
        t.date() <= self.as_of
    }
}

/// The quote log's metrics by customer key, as of the window's end.
fn quote_aggs(quotes: &[QuoteRow], window: Window) -> BTreeMap<&str, QuoteAgg<'_>> {
    let as_of = window.as_of;
    let mut qagg: BTreeMap<&str, QuoteAgg<'_>> = BTreeMap::new();
    for q in quotes {
        let (Some(key), sent) = (q.customer.as_deref(), q.sent.date()) else {
            continue;
        };
        if sent > as_of {
            continue;
        }
        let a = qagg.entry(key).or_default();
        a.name = a.name.or(q.name.as_deref());
        a.email = a.email.or(q.email.as_deref());
        if let Some(p) = q.phone.as_deref()
            && !a.phones.contains(&p)
        {
            a.phones.push(p);
        }
        a.last = a.last.max(Some(sent));
        if window.contains(sent) {
            a.quotes += 1;
            let opened = flag_by(q.opened, as_of) || (q.opens > 0 && q.opened.date().is_none());
            if opened {
                a.opened += 1;
                a.opens += q.opens.max(1);
            }
            a.responses += u32::from(flag_by(q.responded, as_of));
            a.conversions += u32::from(flag_by(q.converted, as_of));
            a.reminders += q.reminders;
        }
    }
    qagg
}

/// A customer's orders and returns up to `as_of` added to their row (the identity the sales
/// give: [`add_texts`]).
fn add_sums(s: &mut CustomerStats, c: &crate::model::CustomerLedger, window: Window) {
    if let Some(sums) = c.orders.window_sums(window.start, window.as_of) {
        s.orders_all += sums.count_all;
        s.total_all += sums.total_all;
        s.first_order = match (s.first_order, sums.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        s.last_order = s.last_order.max(sums.last);
        s.orders += sums.count_within;
        s.total += sums.total_within;
    } else {
        add_orders(s, c, window);
    }
    for r in c.returns.iter().filter(|r| window.upto(r.at)) {
        s.total_all += r.amount;
        if window.contains(r.at.date()) {
            s.total += r.amount;
        }
    }
}

/// The name, e-mail and phones of a customer's ledger copied to their row.
fn add_texts(s: &mut CustomerStats, c: &crate::model::CustomerLedger) {
    s.name = c.display_name().map(str::to_string);
    s.email.clone_from(&c.email);
    s.phones = c.phones.iter().map(ToString::to_string).collect();
}

/// [`add_sales`]'s orders one by one (what `Orders::window_sums` reads from the compact
/// slots when it can).
fn add_orders(s: &mut CustomerStats, c: &crate::model::CustomerLedger, window: Window) {
    for o in c.orders.values().filter(|o| window.upto(o.at)) {
        let day = o.at.date();
        s.orders_all += 1;
        s.total_all += o.amount;
        s.first_order = Some(s.first_order.map_or(day, |f| f.min(day)));
        s.last_order = s.last_order.max(Some(day));
        if window.contains(day) {
            s.orders += 1;
            s.total += o.amount;
        }
    }
}

/// What the Customers sheet says of a customer (its name and e-mail only when the sales
/// gave none).
fn add_listed(s: &mut CustomerStats, m: &CustomerRow, opt_out: bool) {
    s.listed = true;
    s.opt_out = opt_out;
    s.group.clone_from(&m.group);
    if s.name.is_none() {
        s.name.clone_from(&m.name);
    }
    if s.email.is_none() {
        s.email.clone_from(&m.email);
    }
    s.phones.extend(m.phone.iter().cloned());
}

/// A customer's quote metrics (and the identity the quote log gives, when still unknown).
fn add_quotes(s: &mut CustomerStats, q: &QuoteAgg<'_>, as_of: NaiveDate) {
    if s.name.is_none() {
        s.name = q.name.map(str::to_string);
    }
    if s.email.is_none() {
        s.email = q.email.map(str::to_string);
    }
    s.phones.extend(q.phones.iter().map(|p| (*p).to_string()));
    let quoting = Quoting {
        quotes: q.quotes,
        opens: q.opens,
        quotes_opened: q.opened,
        responses: q.responses,
        conversions: q.conversions,
        open_rate: (q.quotes > 0).then(|| Decimal::from(q.opened) / Decimal::from(q.quotes)),
        conversion_rate: (q.quotes > 0)
            .then(|| Decimal::from(q.conversions) / Decimal::from(q.quotes)),
        last_quote: q.last,
        days_since_last_quote: q.last.map(|d| (as_of - d).num_days()),
        reminders: q.reminders,
    };
    // Nothing to keep for a customer the quote log only names.
    s.quoting = (quoting != Quoting::NONE).then(|| Box::new(quoting));
}

/// The metrics derived from the others: the phone to show, the average order, recency and
/// tenure.
fn finish_stats(s: &mut CustomerStats, as_of: NaiveDate) {
    s.phone = s.phones.first().cloned();
    s.phones.sort();
    s.phones.dedup();
    if s.orders > 0 {
        s.avg_order = Some(
            (s.total / Decimal::from(s.orders))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        );
    }
    s.recency_days = s.last_order.map(|d| (as_of - d).num_days());
    s.tenure_days = s.first_order.map(|d| (as_of - d).num_days());
}

/// RFM scores over the customers with an order up to `as_of`.
fn score_rfm(rows: &mut [CustomerStats], settings: &Settings) -> RfmCuts {
    let scored: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].orders_all > 0)
        .collect();
    let inputs: Vec<RfmInput> = scored
        .iter()
        .map(|&i| RfmInput {
            recency_days: rows[i].recency_days.unwrap_or_default(),
            orders: rows[i].orders,
            total: rows[i].total,
        })
        .collect();
    let (scores, rfm_cuts) = rfm::score_all(&inputs, settings);
    for (&i, sc) in scored.iter().zip(&scores) {
        let row = &mut rows[i];
        row.r = Some(sc.r);
        row.f = Some(sc.f);
        row.m = Some(sc.m);
        row.segment = Some(sc.segment());
    }
    rfm_cuts
}

/// Rank by window total among customers with a window order.
fn rank_totals(rows: &mut [CustomerStats]) {
    let totals: Vec<Decimal> = rows
        .iter()
        .filter(|r| r.orders > 0)
        .map(|r| r.total)
        .collect();
    // The ranks depend on the values alone: compared as whole numbers when they fit.
    match super::as_integers(&totals) {
        Some(ints) => rank_by(rows.iter_mut().filter(|r| r.orders > 0), ints),
        None => rank_by(rows.iter_mut().filter(|r| r.orders > 0), totals),
    }
}

/// Each row's rank among `totals` (its rows' totals, in row order, as comparable values):
/// the share of totals above it, plus itself, in whole percent rounded up.
fn rank_by<'a, T: Ord + Copy>(rows: impl Iterator<Item = &'a mut CustomerStats>, totals: Vec<T>) {
    let mut sorted = totals.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let n = sorted.len();
    for (row, total) in rows.zip(totals) {
        let above = sorted.partition_point(|t| *t > total);
        row.total_rank_pct = Some(((above + 1) * 100).div_ceil(n) as u32);
    }
}

fn empty_stats(key: &str) -> CustomerStats {
    empty_stats_with(key, &ungraded(0))
}

/// An empty record whose grades are (cheap clones of) `grade`.
fn empty_stats_with(key: &str, grade: &Grade) -> CustomerStats {
    CustomerStats {
        key: key.to_string(),
        name: None,
        email: None,
        phone: None,
        phones: Vec::new(),
        group: None,
        opt_out: false,
        listed: false,
        orders: 0,
        total: Decimal::ZERO,
        avg_order: None,
        first_order: None,
        last_order: None,
        recency_days: None,
        tenure_days: None,
        orders_all: 0,
        total_all: Decimal::ZERO,
        quoting: None,
        r: None,
        f: None,
        m: None,
        segment: None,
        total_rank_pct: None,
        vip: grade.clone(),
        responder: grade.clone(),
        value: None,
    }
}

/// What a customer gets when no rule holds. Settings validation requires every table to end
/// in `true`, so this only appears for a table built in code without one.
fn ungraded(rank: usize) -> Grade {
    Grade {
        rank,
        name: Arc::new(GradeName {
            en: "Ungraded".into(),
            ko: "미분류".into(),
        }),
        builtin: true,
        by: None,
    }
}

/// The first rule of `rules` that holds for `m` (Korean reasons in won).
pub fn grade(rules: &[GradeRule], m: &dyn Metrics) -> Grade {
    grade_named(rules, &shared_rules(rules, Currency::Krw), m)
}

/// Each rule's grade name and the rule, once, to be shared by every customer's [`Grade`].
fn shared_rules(rules: &[GradeRule], currency: Currency) -> Vec<(Arc<GradeName>, Arc<GradedBy>)> {
    rules
        .iter()
        .map(|r| {
            let by = GradedBy {
                rule: r.rule.clone(),
                currency,
            };
            (Arc::new(r.grade.clone()), Arc::new(by))
        })
        .collect()
}

/// [`grade`] with the shared names and rules of [`shared_rules`].
fn grade_named(
    rules: &[GradeRule],
    shared: &[(Arc<GradeName>, Arc<GradedBy>)],
    m: &dyn Metrics,
) -> Grade {
    rules
        .iter()
        .zip(shared)
        .enumerate()
        .find(|(_, (g, _))| g.rule.eval(m))
        .map_or_else(
            || ungraded(rules.len()),
            |(rank, (g, (name, by)))| Grade {
                rank,
                name: Arc::clone(name),
                builtin: g.origin == Origin::Default,
                by: Some(Arc::clone(by)),
            },
        )
}

/// Up or down the grade table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Upgrade,
    Downgrade,
}

/// A customer whose grade of one kind changed since the end of the previous week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeChange {
    pub key: String,
    pub name: String,
    pub kind: GradeKind,
    pub from: Grade,
    pub to: Grade,
    /// What `to`'s rule read from the customer, for its reason.
    pub to_values: RuleValues,
    pub direction: Direction,
}

impl GradeChange {
    /// Why the customer has the new grade, in `lang`.
    pub fn reason_in(&self, lang: Lang) -> String {
        self.to.reason_in(&self.to_values, lang)
    }
}

/// The last day of the week before the one containing `as_of` (weeks start on `week_start`).
pub fn previous_week_end(as_of: NaiveDate, week_start: chrono::Weekday) -> NaiveDate {
    let back = (7 + as_of.weekday().num_days_from_monday() - week_start.num_days_from_monday()) % 7;
    as_of - Duration::days(i64::from(back) + 1)
}

/// Grade changes between the end of the previous week and `as_of`, VIP first, then by key.
/// A customer with no data by the end of the previous week is compared with the grade an
/// empty record gets (usually the lowest), so a first purchase shows as an upgrade.
pub fn grade_changes(
    ledger: &SalesLedger,
    quotes: &[QuoteRow],
    customers: &[CustomerRow],
    settings: &Settings,
    as_of: NaiveDate,
) -> Vec<GradeChange> {
    let now = customer_table(ledger, quotes, customers, settings, as_of);
    let before = customer_table(
        ledger,
        quotes,
        customers,
        settings,
        previous_week_end(as_of, settings.week_start),
    );
    changes_between(&before, &now, settings)
}

/// Grade changes between two tables (`before` earlier than `now`).
pub fn changes_between(
    before: &CustomerTable,
    now: &CustomerTable,
    settings: &Settings,
) -> Vec<GradeChange> {
    let mut out = Vec::new();
    for kind in [GradeKind::Vip, GradeKind::Responder] {
        let rules = match kind {
            GradeKind::Vip => &settings.vip_rules,
            GradeKind::Responder => &settings.responder_rules,
        };
        for row in &now.rows {
            let to = row.grade(kind);
            let from = match before.get(&row.key) {
                Some(b) => b.grade(kind).clone(),
                None => grade(rules, &empty_stats(&row.key)),
            };
            let direction = match to.rank.cmp(&from.rank) {
                std::cmp::Ordering::Less => Direction::Upgrade,
                std::cmp::Ordering::Greater => Direction::Downgrade,
                std::cmp::Ordering::Equal => continue,
            };
            out.push(GradeChange {
                key: row.key.clone(),
                name: row.display_name().to_string(),
                kind,
                from,
                to: to.clone(),
                to_values: RuleValues::of(to, row),
                direction,
            });
        }
    }
    out
}

/// Why customers may be the same person.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "value")]
pub enum DuplicateReason {
    /// The same phone digits.
    Phone(String),
    /// The same name, ignoring case, white space and full-width forms.
    Name(String),
}

/// Customer keys that may belong to one person, for the owner to review (never merged).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DuplicateGroup {
    pub reason: DuplicateReason,
    /// Two or more keys, sorted.
    pub keys: Vec<String>,
}

/// A name compared for duplicates: white space removed, full-width folded, lower-cased.
pub fn normalised_name(name: &str) -> String {
    crate::model::values::fold_fullwidth(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Possible duplicates in a customer table: keys sharing a phone, or sharing a normalised name
/// (a key made from a name counts as that name). Sorted by reason, then keys.
pub fn possible_duplicates(table: &CustomerTable) -> Vec<DuplicateGroup> {
    let mut by_phone: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut by_name: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for row in &table.rows {
        for p in &row.phones {
            by_phone.entry(p).or_default().insert(&row.key);
        }
        let name = row
            .name
            .as_deref()
            .or_else(|| (!row.key.contains('@')).then_some(row.key.as_str()));
        if let Some(n) = name {
            let n = normalised_name(n);
            if !n.is_empty() {
                by_name.entry(n).or_default().insert(&row.key);
            }
        }
    }
    let group = |keys: BTreeSet<&str>| keys.into_iter().map(str::to_string).collect::<Vec<_>>();
    let mut out: Vec<DuplicateGroup> = by_phone
        .into_iter()
        .filter(|(_, k)| k.len() > 1)
        .map(|(p, k)| DuplicateGroup {
            reason: DuplicateReason::Phone(p.to_string()),
            keys: group(k),
        })
        .chain(
            by_name
                .into_iter()
                .filter(|(_, k)| k.len() > 1)
                .map(|(n, k)| DuplicateGroup {
                    reason: DuplicateReason::Name(n),
                    keys: group(k),
                }),
        )
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CellRef, Flag, SaleKind, SaleRow};
    use crate::rules::Rule;

    pub(super) fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(super) fn at(s: &str) -> NaiveDateTime {
        day(s).and_hms_opt(10, 0, 0).unwrap()
    }

    pub(super) fn sale(customer: Option<&str>, date: &str, amount: i64, order: &str) -> SaleRow {
        SaleRow {
            cell: CellRef::new("Sales", 1, 0),
            at: at(date),
            customer: customer.map(str::to_string),
            name: customer.map(str::to_uppercase),
            email: None,
            phone: None,
            order_id: Some(order.to_string()),
            product: None,
            amount: Decimal::from(amount),
            kind: if amount < 0 {
                SaleKind::Return
            } else {
                SaleKind::Order
            },
            channel: None,
        }
    }

    fn ledger(rows: &[SaleRow]) -> SalesLedger {
        let mut l = SalesLedger::default();
        for r in rows {
            l.add(r, r.order_id.as_deref().unwrap_or_default());
        }
        l
    }

    fn quote(customer: &str, sent: &str) -> QuoteRow {
        QuoteRow {
            cell: CellRef::new("Quotes", 1, 0),
            quote_id: None,
            customer: Some(customer.to_string()),
            name: Some(format!("Q {customer}")),
            email: None,
            phone: None,
            sent: at(sent),
            opened: Flag::No,
            opens: 0,
            responded: Flag::No,
            converted: Flag::No,
            order_id: None,
            amount: None,
            channel: None,
            status: None,
            reminded_at: None,
            reminders: 0,
        }
    }

    fn master(customer: &str, name: &str) -> CustomerRow {
        CustomerRow {
            cell: CellRef::new("Customers", 1, 0),
            customer: customer.to_string(),
            name: Some(name.to_string()),
            email: None,
            phone: None,
            group: Some("wholesale".into()),
            joined: None,
            opt_out: false,
            note: None,
            birthday: None,
            consent: false,
        }
    }

    fn table(rows: &[SaleRow], as_of: &str) -> CustomerTable {
        customer_table(&ledger(rows), &[], &[], &Settings::defaults(), day(as_of))
    }

    #[test]
    fn window_bounds_returns_and_future_rows() {
        let rows = [
            sale(Some("a"), "2024-04-15", 1000, "o1"), // exactly 365 days before: outside
            sale(Some("a"), "2024-04-16", 2000, "o2"), // 364 days before: first day inside
            sale(Some("a"), "2025-04-15", 4000, "o3"), // the as-of day: inside
            sale(Some("a"), "2025-04-15", 500, "o3"),  // second line of the same order
            sale(Some("a"), "2025-04-01", -700, "C9"), // a return inside
            sale(Some("a"), "2023-01-01", -100, "C8"), // a return outside
            sale(Some("a"), "2025-04-16", 9000, "o4"), // after as-of: ignored everywhere
            sale(Some("a"), "2025-04-16", -9000, "C7"),
        ];
        let t = table(&rows, "2025-04-15");
        assert_eq!(t.window_start, day("2024-04-16"));
        let a = t.get("a").unwrap();
        assert_eq!((a.orders, a.total), (2, Decimal::from(2000 + 4500 - 700)));
        assert_eq!(
            (a.orders_all, a.total_all),
            (3, Decimal::from(1000 + 2000 + 4500 - 700 - 100))
        );
        assert_eq!(a.avg_order, Some(Decimal::from(2900)));
        assert_eq!(a.first_order, Some(day("2024-04-15")));
        assert_eq!(a.last_order, Some(day("2025-04-15")));
        assert_eq!(a.recency_days, Some(0));
        assert_eq!(a.tenure_days, Some(365));
        assert_eq!(a.name.as_deref(), Some("A"));
        // RFM with one customer: `auto` takes the fixed cut points — ordered today (R 5), two
        // orders in the window (F 2: the third is outside it), ₩5,800 net (M 1).
        assert_eq!(
            (a.r, a.f, a.m, a.segment),
            (Some(5), Some(2), Some(1), Some(Segment::PotentialLoyalist))
        );
        assert_eq!(t.rfm_cuts.method, crate::settings::RfmMethod::Fixed);
        assert_eq!(a.total_rank_pct, Some(100));
    }

    #[test]
    fn customer_with_only_future_rows_is_absent() {
        let t = table(&[sale(Some("b"), "2025-05-01", 10, "o1")], "2025-04-15");
        assert!(t.rows.is_empty());
        assert_eq!(t.rfm_cuts.customers, 0);
    }

    #[test]
    fn avg_order_rounds_to_two_places() {
        let rows = [
            sale(Some("a"), "2025-04-01", 10, "o1"),
            sale(Some("a"), "2025-04-02", 10, "o2"),
            sale(Some("a"), "2025-04-03", 0, "o3"),
        ];
        assert_eq!(
            table(&rows, "2025-04-15").rows[0].avg_order,
            Some(Decimal::new(667, 2))
        );
    }

    #[test]
    fn master_list_and_quote_only_customers_appear() {
        let mut q = quote("q@x.kr", "2025-04-10");
        q.opened = Flag::On(at("2025-04-11"));
        q.opens = 3;
        q.responded = Flag::On(at("2025-04-20")); // after as-of: not yet
        q.converted = Flag::Yes;
        q.reminders = 1;
        let mut q2 = quote("q@x.kr", "2025-03-01");
        q2.opened = Flag::No;
        let future = quote("q@x.kr", "2025-04-16");
        let old = quote("q@x.kr", "2023-04-16"); // outside the window, but the last quote date is all-time
        let quotes = [q, q2, future, old];
        let mut m = master("m", "김 철수");
        m.opt_out = true;
        let customers = [m];
        let t = customer_table(
            &SalesLedger::default(),
            &quotes,
            &customers,
            &Settings::defaults(),
            day("2025-04-15"),
        );
        assert_eq!(t.rows.len(), 2);
        let c = t.get("m").unwrap();
        assert_eq!(c.name.as_deref(), Some("김 철수"));
        assert!(c.opt_out && c.listed);
        assert_eq!(c.group.as_deref(), Some("wholesale"));
        assert_eq!(
            (c.orders, c.total, c.avg_order, c.r),
            (0, Decimal::ZERO, None, None)
        );
        assert_eq!(c.vip.name.en, "Prospect");
        assert_eq!(c.vip.reason_in(c, Lang::En), "always");
        assert_eq!(c.responder.name.en, "No quotes");
        // A customer without quotes keeps no quote numbers (they read as zero and none).
        assert!(c.quoting.is_none());
        assert_eq!(c.quoting(), &Quoting::NONE);
        let q = t.get("q@x.kr").unwrap();
        assert!(q.quoting.is_some());
        assert_eq!(q.name.as_deref(), Some("Q q@x.kr"));
        assert_eq!(
            (
                q.quoting().quotes,
                q.quoting().opens,
                q.quoting().quotes_opened,
                q.quoting().responses,
                q.quoting().conversions,
                q.quoting().reminders
            ),
            (2, 3, 1, 0, 1, 1)
        );
        assert_eq!(q.quoting().open_rate, Some(Decimal::new(5, 1)));
        assert_eq!(q.quoting().conversion_rate, Some(Decimal::new(5, 1)));
        assert_eq!(q.quoting().days_since_last_quote, Some(5));
        assert_eq!(q.responder.name.en, "Interested");
        // Only the clauses that held: `responses 0 ≥ 1` did not (SPEC §3 reasons).
        assert_eq!(
            q.responder.reason_in(q, Lang::En),
            "opens 3 ≥ 1 or conversions 1 ≥ 1"
        );
        // Korean reasons name the metrics in Korean with their units (SPEC promise 6).
        assert_eq!(
            q.responder.reason_in(q, Lang::Ko),
            "열람 3회 ≥ 1회 또는 전환 1회 ≥ 1회"
        );
    }

    #[test]
    fn default_vip_grades_with_reasons() {
        let mut rows = Vec::new();
        for i in 0..5 {
            rows.push(sale(
                Some("vip"),
                &format!("2025-04-0{}", i + 1),
                250_000,
                &format!("v{i}"),
            ));
        }
        rows.push(sale(Some("gold"), "2025-04-01", 600_000, "g1"));
        rows.push(sale(Some("reg"), "2025-04-01", 1, "r1"));
        rows.push(sale(Some("reg"), "2025-04-02", 1, "r2"));
        rows.push(sale(Some("new"), "2025-04-02", 1, "n1"));
        rows.push(sale(Some("old"), "2023-04-02", 1, "x1"));
        let t = table(&rows, "2025-04-15");
        let g = |k: &str| {
            let r = t.get(k).unwrap();
            (
                r.vip.name.en.as_str(),
                r.vip.rank,
                r.vip.reason_in(r, Lang::En),
            )
        };
        assert_eq!(
            g("vip"),
            (
                "VIP",
                0,
                "total 1,250,000 ≥ 1,000,000 and orders 5 ≥ 5".to_string()
            )
        );
        assert_eq!(
            g("gold"),
            ("Gold", 1, "total 600,000 ≥ 500,000".to_string())
        );
        assert_eq!(g("reg"), ("Standard", 2, "orders 2 ≥ 2".to_string()));
        assert_eq!(g("new"), ("New", 3, "orders 1 ≥ 1".to_string()));
        assert_eq!(g("old"), ("Prospect", 4, "always".to_string()));
        assert!(t.rows.iter().all(|r| r.vip.builtin));
        // Rank among the 4 customers with a window order.
        let pct: Vec<_> = ["vip", "gold", "reg", "new", "old"]
            .iter()
            .map(|k| t.get(k).unwrap().total_rank_pct)
            .collect();
        assert_eq!(pct, [Some(25), Some(50), Some(75), Some(100), None]);
    }

    #[test]
    fn custom_rules_and_ungraded_fallback() {
        let mut s = Settings::defaults();
        s.vip_rules = vec![GradeRule {
            grade: GradeName {
                en: "Top".into(),
                ko: "Top".into(),
            },
            rule: Rule::parse("total_rank_pct <= 50% and recency_days < 30").unwrap(),
            origin: Origin::Toml("dangol.toml:3".into()),
        }];
        let rows = [
            sale(Some("a"), "2025-04-01", 10, "1"),
            sale(Some("b"), "2025-04-01", 5, "2"),
        ];
        let t = customer_table(&ledger(&rows), &[], &[], &s, day("2025-04-15"));
        let a = t.get("a").unwrap();
        assert_eq!((a.vip.name.en.as_str(), a.vip.builtin), ("Top", false));
        assert_eq!(
            a.vip.reason_in(a, Lang::En),
            "total_rank_pct 50 ≤ 50 and recency_days 14 < 30"
        );
        let b = t.get("b").unwrap();
        assert_eq!(
            (
                b.vip.name.en.as_str(),
                b.vip.rank,
                b.vip.reason_in(b, Lang::En)
            ),
            ("Ungraded", 1, "no rule matched".to_string())
        );
    }

    #[test]
    fn previous_week_end_follows_week_start() {
        use chrono::Weekday;
        // 2025-04-16 is a Wednesday.
        assert_eq!(
            previous_week_end(day("2025-04-16"), Weekday::Mon),
            day("2025-04-13")
        );
        assert_eq!(
            previous_week_end(day("2025-04-14"), Weekday::Mon),
            day("2025-04-13")
        );
        assert_eq!(
            previous_week_end(day("2025-04-20"), Weekday::Mon),
            day("2025-04-13")
        );
        assert_eq!(
            previous_week_end(day("2025-04-16"), Weekday::Sun),
            day("2025-04-12")
        );
        assert_eq!(
            previous_week_end(day("2025-04-13"), Weekday::Sun),
            day("2025-04-12")
        );
    }

    #[test]
    fn grade_changes_since_last_week() {
        let rows = [
            // up: Standard → Gold by a third order this week
            sale(Some("up"), "2025-04-01", 1, "u1"),
            sale(Some("up"), "2025-04-02", 1, "u2"),
            sale(Some("up"), "2025-04-15", 1, "u3"),
            // down: New → Prospect, the only order leaves the window this week
            sale(Some("down"), "2024-04-15", 1, "d1"),
            // first order this week: Prospect → New
            sale(Some("fresh"), "2025-04-14", 1, "f1"),
            // unchanged
            sale(Some("same"), "2025-01-01", 1, "s1"),
        ];
        let s = Settings::defaults();
        let ch = grade_changes(&ledger(&rows), &[], &[], &s, day("2025-04-16"));
        let got: Vec<_> = ch
            .iter()
            .map(|c| {
                (
                    c.key.as_str(),
                    c.kind,
                    c.from.name.en.as_str(),
                    c.to.name.en.as_str(),
                    c.direction,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "down",
                    GradeKind::Vip,
                    "New",
                    "Prospect",
                    Direction::Downgrade
                ),
                (
                    "fresh",
                    GradeKind::Vip,
                    "Prospect",
                    "New",
                    Direction::Upgrade
                ),
                ("up", GradeKind::Vip, "Standard", "Gold", Direction::Upgrade),
            ]
        );
        assert_eq!(ch[2].name, "UP");
        // The new grade's reason is rendered from the values its rule read, in either language.
        assert_eq!(
            [ch[2].reason_in(Lang::En), ch[2].reason_in(Lang::Ko)],
            ["orders 3 ≥ 3", "주문 3회 ≥ 3회"]
        );
        assert_eq!(ch[0].reason_in(Lang::En), "always");
    }

    #[test]
    fn duplicates_by_phone_and_name() {
        let mut rows = vec![
            sale(Some("kim@a.kr"), "2025-04-01", 1, "1"),
            sale(Some("kim@b.kr"), "2025-04-01", 1, "2"),
            sale(Some("lee@a.kr"), "2025-04-01", 1, "3"),
            sale(Some("park"), "2025-04-01", 1, "4"),
        ];
        rows[0].name = Some("김 철수".into());
        rows[1].name = Some("김철수".into());
        rows[2].phone = Some("01012345678".into());
        rows[2].name = Some("Lee".into());
        let mut m = master("박", "Park");
        m.phone = Some("01012345678".into());
        let l = ledger(&rows);
        let t = customer_table(&l, &[], &[m], &Settings::defaults(), day("2025-04-15"));
        let d = possible_duplicates(&t);
        assert_eq!(
            d,
            [
                DuplicateGroup {
                    reason: DuplicateReason::Phone("01012345678".into()),
                    keys: vec!["lee@a.kr".into(), "박".into()]
                },
                DuplicateGroup {
                    reason: DuplicateReason::Name("park".into()),
                    keys: vec!["park".into(), "박".into()]
                },
                DuplicateGroup {
                    reason: DuplicateReason::Name("김철수".into()),
                    keys: vec!["kim@a.kr".into(), "kim@b.kr".into()]
                },
            ]
        );
    }

    #[test]
    fn json_row_shape() {
        let mut rows = vec![sale(Some("a@x.kr"), "2025-04-01", 1_250_000, "o1")];
        rows[0].name = Some("Ann".into());
        let t = table(&rows, "2025-04-15");
        let json = serde_json::to_string(&crate::render::customers::json_row(&t.rows[0])).unwrap();
        assert_eq!(
            json,
            r#"{"customer":"Ann","key":"a@x.kr","email":null,"phone":null,"group":null,"opt_out":false,"orders":1,"total":"1250000","avg_order":"1250000","first_order":"2025-04-01","last_order":"2025-04-01","recency_days":14,"tenure_days":14,"orders_all":1,"total_all":"1250000","quotes":0,"opens":0,"responses":0,"conversions":0,"open_rate":null,"conversion_rate":null,"days_since_last_quote":null,"reminders":0,"r":5,"f":1,"m":5,"segment":"Potential Loyalist","total_rank_pct":100,"vip_grade":"Gold","vip_reason":"total 1,250,000 ≥ 500,000","responder_grade":"No quotes","responder_reason":"always"}"#
        );
        let cuts = serde_json::to_string(&t.rfm_cuts).unwrap();
        assert_eq!(
            cuts,
            r#"{"method":"fixed","setting":"auto","customers":1,"window_customers":1,"recency_days":["30","60","90","180"],"frequency":["2","3","4","6"],"monetary":["100000","300000","500000","1000000"]}"#
        );
    }
}

#[cfg(test)]
mod proptests {
    use super::tests::sale;
    use super::*;
    use crate::model::SaleRow;
    use proptest::prelude::*;

    fn rows_strategy() -> impl Strategy<Value = Vec<SaleRow>> {
        let row = (0..6usize, 0..400i64, -50_000..200_000i64, 0..40u32).prop_map(
            |(c, d, amount, order)| {
                let customer = ["a", "b", "c", "d", "e"].get(c).copied();
                let date = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap() + Duration::days(d);
                let key = if amount < 0 {
                    format!("C{order}")
                } else {
                    format!("{order}")
                };
                sale(customer, &date.format("%Y-%m-%d").to_string(), amount, &key)
            },
        );
        prop::collection::vec(row, 0..60)
    }

    fn build(rows: &[SaleRow]) -> SalesLedger {
        let mut l = SalesLedger::default();
        for r in rows {
            l.add(r, r.order_id.as_deref().unwrap_or_default());
        }
        l
    }

    proptest! {
        #[test]
        fn customer_totals_plus_anonymous_equal_shop_total(rows in rows_strategy()) {
            let l = build(&rows);
            let t = customer_table(&l, &[], &[], &Settings::defaults(), NaiveDate::from_ymd_opt(2030, 1, 1).unwrap());
            prop_assert_eq!(t.shop_total_all(), l.shop_total());
            let anon: Decimal = rows.iter().filter(|r| r.customer.is_none()).map(|r| r.amount).sum();
            prop_assert_eq!(t.anonymous_total_all, anon);
        }

        #[test]
        fn every_customer_has_one_grade_of_each_kind(rows in rows_strategy(), as_of in 0..500i64) {
            let s = Settings::defaults();
            let as_of = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap() + Duration::days(as_of);
            let t = customer_table(&build(&rows), &[], &[], &s, as_of);
            for r in &t.rows {
                prop_assert!(r.vip.rank < s.vip_rules.len());
                prop_assert!(r.responder.rank < s.responder_rules.len());
                let first = s.vip_rules.iter().position(|g| g.rule.eval(r));
                prop_assert_eq!(first, Some(r.vip.rank));
                prop_assert_eq!(&*r.vip.name, &s.vip_rules[r.vip.rank].grade);
            }
        }

        #[test]
        fn split_and_reordered_rows_give_the_same_table(
            rows in rows_strategy(),
            cut in 0..60usize,
            seed in any::<u64>(),
        ) {
            let s = Settings::defaults();
            let as_of = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
            let whole = build(&rows);
            let cut = cut.min(rows.len());
            // A deterministic shuffle of each part.
            let mut first: Vec<SaleRow> = rows[..cut].to_vec();
            let mut second: Vec<SaleRow> = rows[cut..].to_vec();
            let n = first.len().max(1) as u64;
            first.rotate_left((seed % n) as usize);
            second.reverse();
            let mut merged = build(&first);
            merged.merge(&build(&second));
            let mut whole_n = whole.clone();
            whole_n.normalise();
            merged.normalise();
            prop_assert_eq!(merged.shop_total(), whole.shop_total());
            let a = customer_table(&whole, &[], &[], &s, as_of);
            let b = customer_table(&merged, &[], &[], &s, as_of);
            prop_assert_eq!(a, b);
        }
    }
}
