//! Customer value (SPEC §11): from the sales history alone, who is still active (BG/NBD), how
//! many orders to expect, what they will spend per order (Gamma-Gamma), and the 12-month value
//! discounted monthly. Pure: a ledger, the as-of date and the options in, a table of facts out
//! (numbers and reasons, never display text).
//!
//! A *repeat purchase* is a later purchase *day* (several orders on one day are one purchase,
//! as in the literature's CDNOW data); time is counted in whole days from each customer's first
//! purchase; nothing dated after the as-of day is seen. The Gamma-Gamma model is fitted on the
//! average value of the repeat purchase days (the first day excluded, as the model assumes;
//! returns after the first day subtracted); customers whose average is not positive are left
//! out of that fit and counted. Too few repeat customers, or a fit that does not converge,
//! leaves the per-customer columns empty with the reason — never a number the model did not
//! support, never NaN or ∞.
//!
//! Determinism (SPEC promise 4): customers are taken in key order, every sum is sequential,
//! the optimiser starts from fixed points, and the special functions come from the pure-Rust
//! `libm`, so the same workbook gives the same bits everywhere.

pub mod bgnbd;
pub mod gamma_gamma;
pub mod optim;
pub mod special;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub use bgnbd::{BgNbd, Rft};
pub use gamma_gamma::{GammaGamma, Spend};

use crate::analysis::customers::ValueMetrics;
use crate::model::ledger::{CustomerLedger, SalesLedger};

/// Days in a month for the discounted value: a twelfth of a year, so 12 months are the same
/// 365 days as `expected_orders_365`.
pub const MONTH_DAYS: f64 = 365.0 / 12.0;

/// What the analysis needs from the settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueOptions {
    /// `clv.discount`: the monthly discount rate (0.01 = 1 % a month).
    pub discount: f64,
    /// `clv.min_repeaters`: fewer repeat customers than this and no model is fitted.
    pub min_repeaters: usize,
}

impl Default for ValueOptions {
    fn default() -> Self {
        ValueOptions {
            discount: 0.01,
            min_repeaters: 30,
        }
    }
}

/// Why a model's columns are empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blank {
    /// Fewer repeat customers than `clv.min_repeaters`.
    TooFewRepeaters { repeaters: usize, needed: usize },
    /// The maximum-likelihood search did not converge.
    NotConverged { iterations: u32 },
    /// The fitted spend model has an infinite mean (q ≤ 1): no average order can be given.
    InfiniteMeanSpend,
    /// The purchase model is blank, so the value that builds on it is too.
    NoPurchaseModel,
}

/// One customer's purchase history as the models see it.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub key: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// Repeat purchase days.
    pub x: u32,
    /// Days from the first purchase day to the last.
    pub t_x: u32,
    /// Days from the first purchase day to the as-of day.
    pub t: u32,
    /// Net spend up to the as-of day (every order minus every return).
    pub total: Decimal,
    /// Net value of the repeat purchase days (orders after the first day, minus returns after
    /// it); `None` without repeat purchases.
    pub repeat_value: Option<Decimal>,
}

impl History {
    /// Average value of a repeat purchase day; `None` without repeat purchases.
    pub fn avg_repeat(&self) -> Option<Decimal> {
        self.repeat_value.map(|v| v / Decimal::from(self.x))
    }

    /// The BG/NBD summary (days).
    pub fn rft(&self) -> Rft {
        Rft {
            x: f64::from(self.x),
            t_x: f64::from(self.t_x),
            t: f64::from(self.t),
        }
    }

    /// The Gamma-Gamma input, when the customer has repeat purchases worth more than nothing.
    pub fn spend(&self) -> Option<Spend> {
        let m = self.avg_repeat()?.to_f64()?;
        (m > 0.0 && m.is_finite()).then_some(Spend {
            x: f64::from(self.x),
            m,
        })
    }
}

/// Distinct purchase days of one customer up to and including `until`.
fn purchase_days(c: &CustomerLedger, until: NaiveDate) -> BTreeSet<NaiveDate> {
    c.orders
        .values()
        .map(|o| o.at.date())
        .filter(|d| *d <= until)
        .collect()
}

/// Every customer with a purchase on or before `until`, in key order.
pub fn histories(ledger: &SalesLedger, until: NaiveDate) -> Vec<History> {
    let mut out = Vec::new();
    for (key, c) in &ledger.customers {
        let days = purchase_days(c, until);
        let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
            continue;
        };
        let x = u32::try_from(days.len() - 1).unwrap_or(u32::MAX);
        let repeat_value = (x > 0).then(|| {
            let orders: Decimal = c
                .orders
                .values()
                .filter(|o| o.at.date() > first && o.at.date() <= until)
                .map(|o| o.amount)
                .sum();
            let returns: Decimal = c
                .returns
                .iter()
                .filter(|r| r.at.date() > first && r.at.date() <= until)
                .map(|r| r.amount)
                .sum();
            orders + returns
        });
        let total = c
            .orders
            .values()
            .filter(|o| o.at.date() <= until)
            .map(|o| o.amount)
            .chain(
                c.returns
                    .iter()
                    .filter(|r| r.at.date() <= until)
                    .map(|r| r.amount),
            )
            .sum();
        out.push(History {
            key: key.clone(),
            total,
            first,
            last,
            x,
            t_x: days_between(first, last),
            t: days_between(first, until),
            repeat_value,
        });
    }
    out
}

fn days_between(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).unwrap_or(0)
}

/// A fitted BG/NBD model.
#[derive(Debug, Clone, PartialEq)]
pub struct BgNbdFit {
    /// α in days.
    pub params: BgNbd,
    pub ln_likelihood: f64,
    pub iterations: u32,
}

/// A fitted Gamma-Gamma model.
#[derive(Debug, Clone, PartialEq)]
pub struct GammaGammaFit {
    pub params: GammaGamma,
    pub ln_likelihood: f64,
    pub iterations: u32,
    /// Repeat customers in the fit.
    pub customers: usize,
}

/// Log-parameters beyond ±this are treated as impossible (e^25 ≈ 7·10¹⁰), which keeps the
/// search away from overflow.
const LOG_LIMIT: f64 = 25.0;

fn within(z: &[f64]) -> bool {
    z.iter().all(|v| v.abs() <= LOG_LIMIT)
}

/// Fit BG/NBD by maximum likelihood (α in days).
pub fn fit_bgnbd(data: &[Rft], min_repeaters: usize) -> Result<BgNbdFit, Blank> {
    let repeaters = data.iter().filter(|c| c.x > 0.0).count();
    if repeaters < min_repeaters.max(1) {
        return Err(Blank::TooFewRepeaters {
            repeaters,
            needed: min_repeaters.max(1),
        });
    }
    let prepared = bgnbd::Prepared::new(data);
    let nll = |z: &[f64]| {
        if !within(z) {
            return f64::INFINITY;
        }
        let p = BgNbd {
            r: special::exp(z[0]),
            alpha: special::exp(z[1]),
            a: special::exp(z[2]),
            b: special::exp(z[3]),
        };
        -prepared.total_ln_likelihood(&p)
    };
    // Start at r = a = b = 1 and α = the mean age, a scale the data sets.
    let mean_t = data.iter().map(|c| c.t).sum::<f64>() / data.len() as f64;
    let start = [0.0, special::ln(mean_t.max(1.0)), 0.0, 0.0];
    let m = optim::minimise(&nll, &start);
    if !m.converged {
        return Err(Blank::NotConverged {
            iterations: m.iterations,
        });
    }
    Ok(BgNbdFit {
        params: BgNbd {
            r: special::exp(m.x[0]),
            alpha: special::exp(m.x[1]),
            a: special::exp(m.x[2]),
            b: special::exp(m.x[3]),
        },
        ln_likelihood: -m.f,
        iterations: m.iterations,
    })
}

/// Fit Gamma-Gamma by maximum likelihood on repeat customers' average spend.
pub fn fit_gamma_gamma(data: &[Spend], min_repeaters: usize) -> Result<GammaGammaFit, Blank> {
    if data.len() < min_repeaters.max(1) {
        return Err(Blank::TooFewRepeaters {
            repeaters: data.len(),
            needed: min_repeaters.max(1),
        });
    }
    let prepared = gamma_gamma::PreparedSpend::new(data);
    let nll = |z: &[f64]| {
        if !within(z) {
            return f64::INFINITY;
        }
        let g = GammaGamma {
            p: special::exp(z[0]),
            q: special::exp(z[1]),
            gamma: special::exp(z[2]),
        };
        -prepared.total_ln_likelihood(&g)
    };
    let mean_m = data.iter().map(|s| s.m).sum::<f64>() / data.len() as f64;
    let start = [0.0, 0.0, special::ln(mean_m)];
    let m = optim::minimise(&nll, &start);
    if !m.converged {
        return Err(Blank::NotConverged {
            iterations: m.iterations,
        });
    }
    Ok(GammaGammaFit {
        params: GammaGamma {
            p: special::exp(m.x[0]),
            q: special::exp(m.x[1]),
            gamma: special::exp(m.x[2]),
        },
        ln_likelihood: -m.f,
        iterations: m.iterations,
        customers: data.len(),
    })
}

/// Pearson correlation of x and m over the spend customers; `None` when either is constant.
/// Gamma-Gamma assumes spend does not depend on how often one buys: a value near 0 supports it.
pub fn spend_correlation(data: &[Spend]) -> Option<f64> {
    if data.len() < 2 {
        return None;
    }
    let n = data.len() as f64;
    let mx = data.iter().map(|s| s.x).sum::<f64>() / n;
    let mm = data.iter().map(|s| s.m).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for s in data {
        let (dx, dy) = (s.x - mx, s.m - mm);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    let r = sxy / (sxx * syy).sqrt();
    r.is_finite().then_some(r)
}

/// One customer's value.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerValue {
    pub history: History,
    pub p_alive: Option<f64>,
    pub expected_90: Option<f64>,
    pub expected_365: Option<f64>,
    /// Expected average order (Gamma-Gamma), in money.
    pub expected_avg_order: Option<f64>,
    /// 12-month value discounted monthly, in money.
    pub clv: Option<f64>,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueTable {
    pub as_of: NaiveDate,
    pub options: ValueOptions,
    /// Customers with a purchase on or before the as-of day.
    pub customers: usize,
    /// Of them, customers with a repeat purchase day.
    pub repeaters: usize,
    /// Repeat customers left out of the spend fit because their average is not positive.
    pub excluded_spend: usize,
    pub spend_correlation: Option<f64>,
    pub bgnbd: Result<BgNbdFit, Blank>,
    pub gamma_gamma: Result<GammaGammaFit, Blank>,
    /// Why the value column is empty, when it is.
    pub clv_blank: Option<Blank>,
    /// In key order.
    pub rows: Vec<CustomerValue>,
}

impl ValueTable {
    /// Σ x: every customer's repeat purchase days. The log-likelihood with time in weeks is
    /// the one in days plus Σ x · ln 7 (each purchase time's density is 7× larger in weeks).
    pub fn repeat_days(&self) -> f64 {
        self.rows.iter().map(|r| f64::from(r.history.x)).sum()
    }

    /// The row of one customer.
    pub fn get(&self, key: &str) -> Option<&CustomerValue> {
        self.rows
            .binary_search_by(|r| r.history.key.as_str().cmp(key))
            .ok()
            .map(|i| &self.rows[i])
    }
}

/// Fit both models on the ledger as of `as_of` and value every customer.
pub fn value_table(ledger: &SalesLedger, as_of: NaiveDate, options: ValueOptions) -> ValueTable {
    let hist = histories(ledger, as_of);
    let rft: Vec<Rft> = hist.iter().map(History::rft).collect();
    let spends: Vec<Spend> = hist.iter().filter_map(History::spend).collect();
    let repeaters = hist.iter().filter(|h| h.x > 0).count();
    crate::timings::phase("v:histories");
    // The two fits are independent (each one sequential: the same bits as one after the other).
    let (bgnbd, gamma_gamma) = std::thread::scope(|s| {
        let spend = s.spawn(|| fit_gamma_gamma(&spends, options.min_repeaters));
        let bgnbd = fit_bgnbd(&rft, options.min_repeaters);
        (bgnbd, joined(spend.join()))
    });
    crate::timings::phase("v:fits");
    let clv_blank = match (&bgnbd, &gamma_gamma) {
        (Err(_), _) => Some(Blank::NoPurchaseModel),
        (_, Err(b)) => Some(b.clone()),
        (Ok(_), Ok(g)) if g.params.q <= 1.0 => Some(Blank::InfiniteMeanSpend),
        _ => None,
    };
    let rows = value_rows(
        hist,
        bgnbd.as_ref().ok(),
        gamma_gamma.as_ref().ok(),
        options,
    );
    crate::timings::phase("v:rows");
    ValueTable {
        as_of,
        options,
        customers: rft.len(),
        repeaters,
        excluded_spend: repeaters - spends.len(),
        spend_correlation: spend_correlation(&spends),
        bgnbd,
        gamma_gamma,
        clv_blank,
        rows,
    }
}

/// A scoped thread's result; its panic (a bug, never bad input) goes on in the caller.
fn joined<T>(r: std::thread::Result<T>) -> T {
    r.unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Customers valued on one thread below this; above it the second half on another thread.
const ROWS_PER_THREAD: usize = 2_000;

/// Every customer's value, in the order of `hist`. Each customer's value depends on that
/// customer and the fits only, so the second half is valued on another thread and appended.
fn value_rows(
    mut hist: Vec<History>,
    bg: Option<&BgNbdFit>,
    gg: Option<&GammaGammaFit>,
    options: ValueOptions,
) -> Vec<CustomerValue> {
    let all = |h: Vec<History>| -> Vec<CustomerValue> {
        h.into_iter()
            .map(|h| value_one(h, bg, gg, options))
            .collect()
    };
    if hist.len() < 2 * ROWS_PER_THREAD {
        return all(hist);
    }
    let second = hist.split_off(hist.len() / 2);
    std::thread::scope(|s| {
        let later = s.spawn(|| all(second));
        let mut rows = all(hist);
        rows.extend(joined(later.join()));
        rows
    })
}

fn value_one(
    history: History,
    bg: Option<&BgNbdFit>,
    gg: Option<&GammaGammaFit>,
    options: ValueOptions,
) -> CustomerValue {
    let c = history.rft();
    let p = bg.map(|f| f.params);
    let expected_avg_order = gg.and_then(|g| {
        let m = history.spend().map_or(0.0, |s| s.m);
        let x = if history.spend().is_some() { c.x } else { 0.0 };
        g.params.expected_average(x, m)
    });
    let clv = match (p, expected_avg_order) {
        (Some(p), Some(avg)) => discounted_value(&p, &c, avg, options.discount),
        _ => None,
    };
    CustomerValue {
        p_alive: p.map(|p| p.p_alive(&c)),
        expected_90: p.and_then(|p| p.expected_purchases(&c, 90.0)),
        expected_365: p.and_then(|p| p.expected_purchases(&c, 365.0)),
        expected_avg_order,
        clv,
        history,
    }
}

/// Σ over the next 12 months of (orders expected in that month × expected average order) /
/// (1 + discount)^month.
pub fn discounted_value(p: &BgNbd, c: &Rft, avg: f64, discount: f64) -> Option<f64> {
    let mut total = 0.0;
    let mut before = 0.0;
    let mut factor = 1.0;
    for month in 1..=12 {
        let upto = p.expected_purchases(c, MONTH_DAYS * f64::from(month))?;
        factor /= 1.0 + discount;
        total += (upto - before) * avg * factor;
        before = upto;
    }
    total.is_finite().then_some(total)
}

/// The holdout check: fit on what was known at `until`, predict the orders (repeat purchase
/// days) of `until + 1 ..= as_of`, and compare with what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Holdout {
    pub until: NaiveDate,
    /// Days after `until` up to the as-of day.
    pub days: u32,
    pub fit: BgNbdFit,
    /// Customers known at `until`.
    pub customers: usize,
    pub predicted: f64,
    pub actual: u64,
    /// Tenths of the customers by predicted orders, highest first.
    pub deciles: Vec<Decile>,
}

/// One tenth of the customers in the holdout check.
#[derive(Debug, Clone, PartialEq)]
pub struct Decile {
    /// 1 = the customers with the most predicted orders.
    pub decile: u8,
    pub customers: usize,
    pub predicted: f64,
    pub actual: u64,
}

/// Run the holdout check (`as_of` must be after `until`).
pub fn holdout(
    ledger: &SalesLedger,
    until: NaiveDate,
    as_of: NaiveDate,
    options: ValueOptions,
) -> Result<Holdout, Blank> {
    let hist = histories(ledger, until);
    let rft: Vec<Rft> = hist.iter().map(History::rft).collect();
    let fit = fit_bgnbd(&rft, options.min_repeaters)?;
    let days = days_between(until, as_of);
    let mut per: Vec<(f64, u64, &str)> = Vec::with_capacity(hist.len());
    for (h, c) in hist.iter().zip(&rft) {
        let predicted = fit
            .params
            .expected_purchases(c, f64::from(days))
            .unwrap_or(0.0);
        let actual = ledger.customers.get(&h.key).map_or(0, |l| {
            let d = purchase_days(l, as_of);
            d.range(until.succ_opt().unwrap_or(until)..).count() as u64
        });
        per.push((predicted, actual, &h.key));
    }
    per.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(b.2)));
    let n = per.len();
    let mut deciles: Vec<Decile> = (1..=10)
        .map(|d| Decile {
            decile: d,
            customers: 0,
            predicted: 0.0,
            actual: 0,
        })
        .collect();
    for (i, (p, a, _)) in per.iter().enumerate() {
        let d = &mut deciles[i * 10 / n.max(1)];
        d.customers += 1;
        d.predicted += p;
        d.actual += a;
    }
    deciles.retain(|d| d.customers > 0);
    Ok(Holdout {
        until,
        days,
        customers: n,
        predicted: per.iter().map(|p| p.0).sum(),
        actual: per.iter().map(|p| p.1).sum(),
        fit,
        deciles,
    })
}

/// The weekly PDF's customer-value section: the most valuable customers and the valuable
/// customers most at risk of having left.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValueSummary {
    /// By 12-month value, highest first.
    pub top: Vec<ValueLine>,
    /// Repeat customers whose chance of still being active is below one half, biggest spenders
    /// first: the ones worth a call before they drift away.
    pub at_risk: Vec<ValueLine>,
    /// Why there are no lines, when the model is blank.
    pub blank: Option<Blank>,
}

/// One customer in the [`ValueSummary`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValueLine {
    pub customer: String,
    pub name: String,
    pub p_alive: f64,
    pub clv: Option<f64>,
    /// Net spend so far.
    pub spent: Decimal,
}

/// The PDF section from the table: `n` customers each.
pub fn value_summary(t: &ValueTable, n: usize, name: &dyn Fn(&str) -> String) -> ValueSummary {
    let line = |r: &CustomerValue| {
        r.p_alive.map(|p| ValueLine {
            customer: r.history.key.clone(),
            name: name(&r.history.key),
            p_alive: p,
            clv: r.clv,
            spent: r.history.total,
        })
    };
    let mut top: Vec<&CustomerValue> = t.rows.iter().filter(|r| r.clv.is_some()).collect();
    top.sort_by(|a, b| {
        b.clv
            .unwrap_or(0.0)
            .total_cmp(&a.clv.unwrap_or(0.0))
            .then_with(|| a.history.key.cmp(&b.history.key))
    });
    let mut risk: Vec<&CustomerValue> = t
        .rows
        .iter()
        .filter(|r| r.history.x > 0 && r.p_alive.is_some_and(|p| p < 0.5))
        .collect();
    risk.sort_by(|a, b| {
        b.history
            .total
            .cmp(&a.history.total)
            .then_with(|| a.history.key.cmp(&b.history.key))
    });
    ValueSummary {
        top: top.into_iter().take(n).filter_map(line).collect(),
        at_risk: risk.into_iter().take(n).filter_map(line).collect(),
        blank: t.bgnbd.as_ref().err().cloned().or(t.clv_blank.clone()),
    }
}

/// The options from the effective settings.
pub fn options_from(settings: &crate::settings::Settings) -> ValueOptions {
    ValueOptions {
        discount: settings.clv_discount.to_f64().unwrap_or(0.01),
        min_repeaters: settings.clv_min_repeaters as usize,
    }
}

/// Whether any grade rule names a customer-value metric.
pub fn rules_use_value(settings: &crate::settings::Settings) -> bool {
    use crate::rules::Metric;
    settings
        .vip_rules
        .iter()
        .chain(&settings.responder_rules)
        .flat_map(|g| g.rule.metrics())
        .any(|m| matches!(m, Metric::PAlive | Metric::ExpectedOrders365 | Metric::Clv))
}

/// Give the customer rows their `p_alive`, `expected_orders_365` and `clv` rule metrics — only
/// when a grade rule names one, as the fit costs more than the rest of the table. A customer
/// the model has no number for keeps `None`, so every comparison with it is false.
pub fn fill_rule_metrics(
    rows: &mut [crate::analysis::customers::CustomerStats],
    ledger: &SalesLedger,
    settings: &crate::settings::Settings,
    as_of: NaiveDate,
) {
    if !rules_use_value(settings) {
        return;
    }
    let table = value_table(ledger, as_of, options_from(settings));
    let dec = |v: Option<f64>, dp: u32| {
        v.and_then(|v| Decimal::try_from(v).ok())
            .map(|d| d.round_dp(dp))
    };
    for row in rows {
        if let Some(v) = table.get(&row.key) {
            let value = ValueMetrics {
                p_alive: dec(v.p_alive, 4),
                expected_orders_365: dec(v.expected_365, 4),
                clv: dec(v.clv, 2),
            };
            row.value = (value != ValueMetrics::NONE).then(|| Box::new(value));
        }
    }
}

#[cfg(test)]
mod tests;
