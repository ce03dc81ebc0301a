//! RFM scoring (SPEC §3): recency, frequency and monetary scores 1–5 (5 best), by quintiles of
//! the shop's own customers or by fixed cut points, and the named segments they map to.
//!
//! **Method.** `rfm.method = auto` (the default) uses quintiles when at least
//! [`AUTO_MIN_CUSTOMERS`] customers ordered in the lookback window, else the fixed cut points
//! (SPEC §3 defaults: recency 30/60/90/180 days, orders 2/3/4/6, net total
//! 100,000/300,000/500,000/1,000,000 won or 100/300/500/1,000 in a two-decimal currency).
//! R is the days since the last order; F and M are the orders and net total *within the
//! window*. [`RfmCuts::describe`] says which method was used and why.
//!
//! **Quintiles with ties.** The `n` scored customers' values are sorted worst to best and
//! grouped into their `k` distinct values; equal values always share a score, and the result
//! does not depend on input order. Every score is reachable whenever the data allows it — the
//! best value always scores 5 and the worst 1 (ties never leave the best customers without a
//! 5):
//! - `k ≥ 5`: the boundary of score `j + 2` (j = 0..3) is the first distinct value with at
//!   least ⌈(j + 1) n / 5⌉ customers strictly worse, moved up or down just enough that each of
//!   the five scores keeps at least one distinct value;
//! - `2 ≤ k ≤ 4`: each value's natural score `1 + ⌊5 × rank_lo / n⌋` (`rank_lo` = customers
//!   strictly worse), with the worst set to 1, the best to 5, and the rest made strictly
//!   increasing between them;
//! - `k = 1` (everyone alike): score 3.
//!
//! **Cut points.** Scores are reported as the cut points that reproduce them, in the same shape
//! as the `rfm.*` settings, so a quintile result can be pasted into a fixed configuration:
//! - frequency and monetary (higher is better): four ascending values; score =
//!   1 + the number of cut points ≤ the value;
//! - recency in days (lower is better): four ascending values; score = 5 − the number of cut
//!   points < the days (score 5 = within the first cut).
//!
//! A quintile cut point is `None` when no customer reaches that score (a tie swallowed it).
//!
//! **Segments** from R and FM = round-half-up((F + M) / 2), the usual R × FM grid:
//!
//! | R \ FM | 1 | 2 | 3 | 4 | 5 |
//! |---|---|---|---|---|---|
//! | 5 | New | Potential Loyalist | Potential Loyalist | Champions | Champions |
//! | 4 | Promising | Potential Loyalist | Potential Loyalist | Loyal | Loyal |
//! | 3 | About to Sleep | About to Sleep | Need Attention | Loyal | Loyal |
//! | 2 | Hibernating | Hibernating | At Risk | At Risk | Can't Lose |
//! | 1 | Lost | Hibernating | At Risk | At Risk | Can't Lose |

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::Lang;
use crate::model::values::format_number;
use crate::settings::{RfmMethod, Settings};

/// A named RFM segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Champions,
    Loyal,
    PotentialLoyalist,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLose,
    Hibernating,
    Lost,
}

impl Segment {
    /// Every segment, best first.
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalist,
        Segment::New,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLose,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// English name (also used in JSON and CSV whatever the language).
    pub fn name_en(self) -> &'static str {
        match self {
            Segment::Champions => "Champions",
            Segment::Loyal => "Loyal",
            Segment::PotentialLoyalist => "Potential Loyalist",
            Segment::New => "New",
            Segment::Promising => "Promising",
            Segment::NeedAttention => "Need Attention",
            Segment::AboutToSleep => "About to Sleep",
            Segment::AtRisk => "At Risk",
            Segment::CantLose => "Can't Lose",
            Segment::Hibernating => "Hibernating",
            Segment::Lost => "Lost",
        }
    }

    /// Korean name.
    pub fn name_ko(self) -> &'static str {
        match self {
            Segment::Champions => "챔피언",
            Segment::Loyal => "충성고객",
            Segment::PotentialLoyalist => "잠재충성고객",
            Segment::New => "신규고객",
            Segment::Promising => "유망고객",
            Segment::NeedAttention => "관심필요",
            Segment::AboutToSleep => "이탈우려",
            Segment::AtRisk => "위험고객",
            Segment::CantLose => "놓치면안될고객",
            Segment::Hibernating => "휴면고객",
            Segment::Lost => "이탈고객",
        }
    }

    /// The segment of R, F, M scores (1–5 each; out-of-range scores are clamped).
    pub fn from_scores(r: u8, f: u8, m: u8) -> Segment {
        let r = r.clamp(1, 5);
        let fm = (f.clamp(1, 5) + m.clamp(1, 5)).div_ceil(2);
        match (r, fm) {
            (5, 4..) => Segment::Champions,
            (5, 1) => Segment::New,
            (4 | 5, 2 | 3) => Segment::PotentialLoyalist,
            (4, 1) => Segment::Promising,
            (3 | 4, 4..) => Segment::Loyal,
            (3, 3) => Segment::NeedAttention,
            (3, _) => Segment::AboutToSleep,
            (1, 1) => Segment::Lost,
            (_, 5) => Segment::CantLose,
            (_, 3 | 4) => Segment::AtRisk,
            _ => Segment::Hibernating,
        }
    }
}

impl Serialize for Segment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name_en())
    }
}

/// `rfm.method = auto` scores by quintiles when at least this many customers ordered in the
/// lookback window: below it a quintile is a handful of customers and one order moves a
/// customer two segments, so the fixed cut points of SPEC §3 say more.
pub const AUTO_MIN_CUSTOMERS: usize = 100;

/// The fixed net-total cut points for a two-decimal currency (GBP, USD, EUR), used when
/// `rfm.monetary` is not set (the built-in ones are won amounts).
pub const TWO_DECIMAL_MONETARY: [i64; 4] = [100, 300, 500, 1_000];

/// The cut points that produced the scores (see the module notes for their meaning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RfmCuts {
    /// The method used: quintile or fixed (never auto).
    #[serde(serialize_with = "ser_method")]
    pub method: RfmMethod,
    /// The `rfm.method` setting that chose it (auto, quintile or fixed).
    #[serde(serialize_with = "ser_method")]
    pub setting: RfmMethod,
    /// Customers scored (those with at least one order up to the as-of date).
    pub customers: usize,
    /// Customers with an order in the lookback window (what `auto` decides by).
    pub window_customers: usize,
    pub recency_days: Vec<Option<Decimal>>,
    pub frequency: Vec<Option<Decimal>>,
    pub monetary: Vec<Option<Decimal>>,
}

impl RfmCuts {
    /// One line saying which method scored RFM, why, and the cut points used (`-` = no
    /// customer reaches that score), e.g. `RFM: fixed cut points (auto: 9 customers ordered in
    /// the last 365 days; quintiles need 100): R 30 / 60 / 90 / 180 · F 2 / 3 / 4 / 6 · M …`.
    pub fn describe(&self, lang: Lang, lookback_days: u32) -> String {
        let method = match self.method {
            RfmMethod::Fixed => lang.pick("고정 기준", "fixed cut points"),
            RfmMethod::Quintile | RfmMethod::Auto => lang.pick("5분위", "quintiles"),
        };
        let n = self.window_customers;
        let why = match (self.setting, self.method, lang) {
            (RfmMethod::Auto, RfmMethod::Fixed, Lang::Ko) => format!(
                "자동: 최근 {lookback_days}일 주문 고객 {n}명, 5분위는 {AUTO_MIN_CUSTOMERS}명 이상일 때"
            ),
            (RfmMethod::Auto, RfmMethod::Fixed, Lang::En) => format!(
                "auto: {n} customers ordered in the last {lookback_days} days; quintiles need {AUTO_MIN_CUSTOMERS}"
            ),
            (RfmMethod::Auto, _, Lang::Ko) => format!(
                "자동: 최근 {lookback_days}일 주문 고객 {n}명 ({AUTO_MIN_CUSTOMERS}명 이상)"
            ),
            (RfmMethod::Auto, _, Lang::En) => format!(
                "auto: {n} customers ordered in the last {lookback_days} days, at least {AUTO_MIN_CUSTOMERS}"
            ),
            (_, _, Lang::Ko) => format!("rfm.method 설정, 최근 {lookback_days}일 주문 고객 {n}명"),
            (_, _, Lang::En) => format!(
                "rfm.method setting; {n} customers ordered in the last {lookback_days} days"
            ),
        };
        let cuts = |v: &[Option<Decimal>]| {
            v.iter()
                .map(|c| c.map_or("-".to_string(), |d| format_number(d.normalize())))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        format!(
            "RFM: {method} ({why}): R {} · F {} · M {}",
            cuts(&self.recency_days),
            cuts(&self.frequency),
            cuts(&self.monetary)
        )
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` signature
fn ser_method<S: serde::Serializer>(m: &RfmMethod, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match m {
        RfmMethod::Auto => "auto",
        RfmMethod::Quintile => "quintile",
        RfmMethod::Fixed => "fixed",
    })
}

/// One customer's RFM inputs: days since the last order (all history), and orders and net
/// total within the lookback window (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfmInput {
    pub recency_days: i64,
    pub orders: u32,
    pub total: Decimal,
}

/// R, F, M scores (1–5 each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfmScore {
    pub r: u8,
    pub f: u8,
    pub m: u8,
}

impl RfmScore {
    pub fn segment(self) -> Segment {
        Segment::from_scores(self.r, self.f, self.m)
    }
}

/// The fixed net-total cut points: `rfm.monetary` when the owner set it, else the built-in
/// won amounts, or [`TWO_DECIMAL_MONETARY`] when the `currency` setting is a two-decimal one.
pub fn monetary_cuts(settings: &Settings) -> Vec<Decimal> {
    let set = settings.origins.contains_key("rfm.monetary");
    match settings.currency {
        Some(c) if !set && c.decimals() == 2 => TWO_DECIMAL_MONETARY
            .iter()
            .copied()
            .map(Decimal::from)
            .collect(),
        _ => settings.rfm_monetary.clone(),
    }
}

/// Score every input by the method of `settings`; the scores come in input order.
pub fn score_all(inputs: &[RfmInput], settings: &Settings) -> (Vec<RfmScore>, RfmCuts) {
    let window_customers = inputs.iter().filter(|i| i.orders > 0).count();
    let method = match settings.rfm_method {
        RfmMethod::Auto if window_customers >= AUTO_MIN_CUSTOMERS => RfmMethod::Quintile,
        RfmMethod::Auto => RfmMethod::Fixed,
        m => m,
    };
    // Recency is scored on the negated days so that every measure is "higher is better".
    let r: Vec<Decimal> = inputs
        .iter()
        .map(|i| -Decimal::from(i.recency_days))
        .collect();
    let f: Vec<Decimal> = inputs.iter().map(|i| Decimal::from(i.orders)).collect();
    let m: Vec<Decimal> = inputs.iter().map(|i| i.total).collect();
    let mut cuts = RfmCuts {
        method,
        setting: settings.rfm_method,
        customers: inputs.len(),
        window_customers,
        recency_days: Vec::new(),
        frequency: Vec::new(),
        monetary: Vec::new(),
    };
    if method == RfmMethod::Fixed {
        let monetary = monetary_cuts(settings);
        let scores = inputs
            .iter()
            .map(|i| RfmScore {
                r: fixed_recency_score(Decimal::from(i.recency_days), &settings.rfm_recency_days),
                f: fixed_score(Decimal::from(i.orders), &settings.rfm_frequency),
                m: fixed_score(i.total, &monetary),
            })
            .collect();
        let some = |v: &[Decimal]| v.iter().copied().map(Some).collect();
        cuts.recency_days = some(&settings.rfm_recency_days);
        cuts.frequency = some(&settings.rfm_frequency);
        cuts.monetary = some(&monetary);
        return (scores, cuts);
    }
    let (rs, rc) = quintile_scores(&r);
    let (fs, fc) = quintile_scores(&f);
    let (ms, mc) = quintile_scores(&m);
    cuts.recency_days = rc.iter().rev().map(|c| c.map(|v| -v)).collect();
    cuts.frequency = fc.to_vec();
    cuts.monetary = mc.to_vec();
    (zip3(&rs, &fs, &ms), cuts)
}

fn zip3(r: &[u8], f: &[u8], m: &[u8]) -> Vec<RfmScore> {
    r.iter()
        .zip(f)
        .zip(m)
        .map(|((&r, &f), &m)| RfmScore { r, f, m })
        .collect()
}

/// Quintile scores of `values` (higher is better), in input order, and the four cut points:
/// `cuts[k]` is the lowest value scoring at least `k + 2` (`None` when no value does).
pub fn quintile_scores(values: &[Decimal]) -> (Vec<u8>, [Option<Decimal>; 4]) {
    // One scale, and every zero of one sign (recency is scored on negated days: a customer
    // who bought on the day is -0): each value has one way of being written, so the scores
    // and cuts of its whole number are those of the decimal, found comparing integers
    // (80,000 customers' decimals took 30 ms to sort and look up).
    let scale = values.first().map_or(0, Decimal::scale);
    let negative_zero = values
        .iter()
        .find(|d| d.is_zero())
        .is_some_and(Decimal::is_sign_negative);
    let one_way = values
        .iter()
        .all(|d| d.scale() == scale && (!d.is_zero() || d.is_sign_negative() == negative_zero));
    if one_way && let Some(ints) = super::as_integers(values) {
        let (scores, cuts) = quintiles(&ints);
        let back = |c: Option<i128>| {
            let mut d = Decimal::try_from_i128_with_scale(c?, scale).ok()?;
            if d.is_zero() {
                d.set_sign_negative(negative_zero);
            }
            Some(d)
        };
        return (scores, cuts.map(back));
    }
    quintiles(values)
}

/// [`quintile_scores`] of any ordered values.
fn quintiles<T: Ord + Copy>(values: &[T]) -> (Vec<u8>, [Option<T>; 4]) {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut distinct = sorted.clone();
    distinct.dedup();
    let dscore = distinct_scores(&sorted, &distinct);
    let scores = values
        .iter()
        .map(|v| distinct.binary_search(v).map_or(1, |i| dscore[i]))
        .collect();
    let mut cuts = [None; 4];
    for (k, cut) in cuts.iter_mut().enumerate() {
        *cut = distinct
            .iter()
            .zip(&dscore)
            .find(|&(_, &s)| usize::from(s) >= k + 2)
            .map(|(v, _)| *v);
    }
    (scores, cuts)
}

/// The score of each distinct value (ascending) — see the module notes.
fn distinct_scores<T: Ord>(sorted: &[T], distinct: &[T]) -> Vec<u8> {
    let (n, k) = (sorted.len(), distinct.len());
    // rank_lo: customers with a strictly worse value.
    let rank_lo: Vec<usize> = distinct
        .iter()
        .map(|v| sorted.partition_point(|x| x < v))
        .collect();
    match k {
        0 => Vec::new(),
        // Everyone is alike: the middle score says nothing either way.
        1 => vec![3],
        2..=4 => {
            let mut s: Vec<u8> = rank_lo.iter().map(|&r| 1 + (5 * r / n) as u8).collect();
            s[0] = 1;
            s[k - 1] = 5;
            for i in 1..k - 1 {
                s[i] = s[i].max(s[i - 1] + 1);
            }
            for i in (1..k - 1).rev() {
                s[i] = s[i].min(s[i + 1] - 1);
            }
            s
        }
        _ => {
            // p[j]: index of the first distinct value scoring j + 2 — where the quintile
            // boundary falls, moved just enough that each score keeps at least one value.
            let mut p = [0usize; 4];
            let mut prev = 0;
            for (j, slot) in p.iter_mut().enumerate() {
                let need = ((j + 1) * n).div_ceil(5);
                let natural = rank_lo.iter().position(|&r| r >= need).unwrap_or(k);
                *slot = natural.clamp(prev + 1, k - (4 - j));
                prev = *slot;
            }
            (0..k)
                .map(|i| 1 + p.iter().filter(|&&c| c <= i).count() as u8)
                .collect()
        }
    }
}
/// Fixed-cut score for a higher-is-better value: 1 + the number of cuts ≤ the value (max 5).
pub fn fixed_score(v: Decimal, cuts: &[Decimal]) -> u8 {
    (1 + cuts.iter().filter(|&&c| c <= v).count()).min(5) as u8
}

/// Fixed-cut recency score: 5 − the number of cuts below the days (min 1).
pub fn fixed_recency_score(days: Decimal, cuts: &[Decimal]) -> u8 {
    5u8.saturating_sub(cuts.iter().filter(|&&c| c < days).count() as u8)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: &[i64]) -> Vec<Decimal> {
        v.iter().copied().map(Decimal::from).collect()
    }

    #[test]
    fn quintiles_of_distinct_values() {
        let (s, cuts) = quintile_scores(&d(&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5]));
        assert_eq!(s, [5, 1, 5, 1, 4, 2, 4, 2, 3, 3]);
        assert_eq!(
            cuts,
            [
                Some(3.into()),
                Some(5.into()),
                Some(7.into()),
                Some(9.into())
            ]
        );
    }

    #[test]
    fn ties_share_a_score_and_cuts_reproduce_it() {
        let values = d(&[1, 3, 1, 2, 1]);
        let (s, cuts) = quintile_scores(&values);
        // sorted 1 1 1 2 3: rank_lo of 1 = 0, of 2 = 3, of 3 = 4.
        assert_eq!(s, [1, 5, 1, 4, 1]);
        assert_eq!(
            cuts,
            [
                Some(2.into()),
                Some(2.into()),
                Some(2.into()),
                Some(3.into())
            ]
        );
        let cuts: Vec<Decimal> = cuts.iter().flatten().copied().collect();
        for (v, want) in values.iter().zip(&s) {
            assert_eq!(fixed_score(*v, &cuts), *want);
        }
        // All equal: everyone gets the middle score.
        let (s, cuts) = quintile_scores(&d(&[4, 4, 4]));
        assert_eq!(s, [3, 3, 3]);
        assert_eq!(cuts, [Some(4.into()), Some(4.into()), None, None]);
        // Order does not matter.
        let (a, _) = quintile_scores(&d(&[5, 1, 5, 2]));
        let (b, _) = quintile_scores(&d(&[2, 5, 1, 5]));
        assert_eq!((a[0], a[1], a[3]), (b[1], b[2], b[0]));
        // The two best customers tie: they still score 5 (not 3, as a plain quintile would).
        assert_eq!(a, [5, 1, 5, 2]);
    }

    #[test]
    fn single_customer_scores_the_middle() {
        assert_eq!(
            quintile_scores(&d(&[7])),
            (vec![3], [Some(7.into()), Some(7.into()), None, None])
        );
        assert_eq!(quintile_scores(&[]), (vec![], [None; 4]));
    }

    #[test]
    fn fixed_cut_points() {
        let f = d(&[2, 3, 5, 10]);
        let got: Vec<u8> = [0, 1, 2, 3, 4, 5, 9, 10, 50]
            .iter()
            .map(|&v| fixed_score(v.into(), &f))
            .collect();
        assert_eq!(got, [1, 1, 2, 3, 3, 4, 4, 5, 5]);
        let r = d(&[30, 60, 90, 180]);
        let got: Vec<u8> = [0, 30, 31, 60, 61, 90, 91, 180, 181, 999]
            .iter()
            .map(|&v| fixed_recency_score(v.into(), &r))
            .collect();
        assert_eq!(got, [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    }

    #[test]
    fn recency_quintiles_favour_recent_and_cuts_are_days() {
        let inputs: Vec<RfmInput> = [1, 10, 20, 40, 100]
            .iter()
            .map(|&r| RfmInput {
                recency_days: r,
                orders: 1,
                total: Decimal::ONE,
            })
            .collect();
        let mut s = Settings::defaults();
        s.rfm_method = RfmMethod::Quintile;
        let (scores, cuts) = score_all(&inputs, &s);
        let r: Vec<u8> = scores.iter().map(|s| s.r).collect();
        assert_eq!(r, [5, 4, 3, 2, 1]);
        assert_eq!(
            cuts.recency_days,
            [
                Some(1.into()),
                Some(10.into()),
                Some(20.into()),
                Some(40.into())
            ]
        );
        let cut_days: Vec<Decimal> = cuts.recency_days.iter().flatten().copied().collect();
        for (i, s) in inputs.iter().zip(&scores) {
            assert_eq!(fixed_recency_score(i.recency_days.into(), &cut_days), s.r);
        }
        assert_eq!(cuts.frequency, [Some(1.into()), Some(1.into()), None, None]);
        assert_eq!(cuts.customers, 5);
    }

    #[test]
    fn fixed_method_reports_the_settings() {
        let mut s = Settings::defaults();
        s.rfm_method = RfmMethod::Fixed;
        let inputs = [RfmInput {
            recency_days: 45,
            orders: 6,
            total: Decimal::from(2_000_000),
        }];
        let (scores, cuts) = score_all(&inputs, &s);
        assert_eq!(scores, [RfmScore { r: 4, f: 5, m: 5 }]);
        assert_eq!(scores[0].segment(), Segment::Loyal);
        assert_eq!(
            cuts.monetary,
            d(&[100_000, 300_000, 500_000, 1_000_000])
                .into_iter()
                .map(Some)
                .collect::<Vec<_>>()
        );
    }

    fn input(recency_days: i64, orders: u32, total: i64) -> RfmInput {
        RfmInput {
            recency_days,
            orders,
            total: Decimal::from(total),
        }
    }

    #[test]
    fn auto_uses_fixed_cut_points_below_100_window_customers() {
        let s = Settings::defaults();
        assert_eq!(s.rfm_method, RfmMethod::Auto);
        // The 9-customer shop: one bought 16 days ago, one once 5 days ago.
        let mut inputs: Vec<RfmInput> = (0..7).map(|i| input(40 + i * 30, 1, 50_000)).collect();
        inputs.push(input(16, 3, 433_000));
        inputs.push(input(5, 1, 80_000));
        let (scores, cuts) = score_all(&inputs, &s);
        assert_eq!(cuts.method, RfmMethod::Fixed);
        assert_eq!(cuts.window_customers, 9);
        assert_eq!(scores[7], RfmScore { r: 5, f: 3, m: 3 });
        assert_eq!(scores[7].segment(), Segment::PotentialLoyalist);
        assert_eq!(scores[8], RfmScore { r: 5, f: 1, m: 1 });
        assert_eq!(scores[8].segment(), Segment::New);
        assert_eq!(
            cuts.describe(Lang::En, 365),
            "RFM: fixed cut points (auto: 9 customers ordered in the last 365 days; quintiles need 100): R 30 / 60 / 90 / 180 · F 2 / 3 / 4 / 6 · M 100,000 / 300,000 / 500,000 / 1,000,000"
        );
        assert_eq!(
            cuts.describe(Lang::Ko, 365),
            "RFM: 고정 기준 (자동: 최근 365일 주문 고객 9명, 5분위는 100명 이상일 때): R 30 / 60 / 90 / 180 · F 2 / 3 / 4 / 6 · M 100,000 / 300,000 / 500,000 / 1,000,000"
        );
        // Customers without a window order do not count towards the 100.
        let mut many: Vec<RfmInput> = (0..99).map(|i| input(i, 1, 1000 + i)).collect();
        many.push(input(400, 0, 0));
        assert_eq!(score_all(&many, &s).1.method, RfmMethod::Fixed);
        many.push(input(3, 2, 5));
        let (_, cuts) = score_all(&many, &s);
        assert_eq!(cuts.method, RfmMethod::Quintile);
        assert_eq!(
            cuts.describe(Lang::En, 365)
                .split(':')
                .take(2)
                .collect::<Vec<_>>(),
            ["RFM", " quintiles (auto"]
        );
    }

    #[test]
    fn two_decimal_currency_gets_its_own_monetary_cut_points() {
        let mut s = Settings::defaults();
        s.currency = Some(crate::model::Currency::Gbp);
        let (scores, cuts) = score_all(&[input(10, 1, 650)], &s);
        assert_eq!(scores[0].m, 4);
        assert_eq!(
            cuts.monetary,
            d(&[100, 300, 500, 1000])
                .into_iter()
                .map(Some)
                .collect::<Vec<_>>()
        );
        // The owner's own cut points win.
        s.origins
            .insert("rfm.monetary".into(), crate::settings::Origin::Default);
        assert_eq!(
            monetary_cuts(&s),
            d(&[100_000, 300_000, 500_000, 1_000_000])
        );
    }

    proptest::proptest! {
        /// Scored as whole numbers (one scale, zeros of one sign), the scores and cuts are
        /// those of the decimals themselves, each cut written as the value it is.
        #[test]
        fn whole_number_quintiles_are_the_decimals(
            values in proptest::collection::vec(-40i64..40, 0..300),
            scale in 0u32..3,
            negate in proptest::bool::ANY,
        ) {
            let ds: Vec<Decimal> = values
                .iter()
                .map(|&v| {
                    let d = Decimal::new(v, scale);
                    if negate { -d } else { d }
                })
                .collect();
            let (fast, slow) = (quintile_scores(&ds), quintiles(&ds));
            proptest::prop_assert_eq!(&fast.0, &slow.0);
            let written = |c: &[Option<Decimal>; 4]| {
                c.map(|d| d.map(|d| (d.to_string(), d.is_sign_negative())))
            };
            proptest::prop_assert_eq!(written(&fast.1), written(&slow.1));
        }
    }

    #[test]
    fn every_score_is_reachable_despite_big_ties() {
        // 60 % ordered once, then 20/10/5/5 %: a plain quintile gives the whole bottom score 1
        // and leaves 2 unused; here each of 1..5 keeps one value.
        let mut v = Vec::new();
        for (value, count) in [(1, 60), (2, 20), (3, 10), (4, 5), (5, 5)] {
            v.extend(std::iter::repeat_n(Decimal::from(value), count));
        }
        let (s, cuts) = quintile_scores(&v);
        let used: std::collections::BTreeSet<u8> = s.iter().copied().collect();
        assert_eq!(used.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(cuts, [2, 3, 4, 5].map(|c| Some(Decimal::from(c))));
        // The recency `- / 2 / 10 / 31`: two customers tied on the most recent day
        // still score 5.
        let days = [2, 2, 10, 31, 45, 60, 90, 120, 200];
        let (r, _) = quintile_scores(&days.iter().map(|&x| -Decimal::from(x)).collect::<Vec<_>>());
        assert_eq!(r, [5, 5, 4, 3, 3, 2, 2, 1, 1]);
    }

    #[test]
    fn quintile_invariants_over_many_shapes() {
        // Deterministic pseudo-random shapes: ties share a score, scores rise with the value,
        // the best scores 5 and the worst 1, and with 5+ distinct values all five are used.
        let mut x: u64 = 7;
        for _ in 0..300 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let n = 1 + (x >> 33) as usize % 40;
            let spread = 1 + (x >> 20) as i64 % 12;
            let vals: Vec<Decimal> = (0..n)
                .map(|i| {
                    let h = (x >> (i % 50)) as i64 ^ (i as i64 * 2_654_435_761);
                    Decimal::from(h.rem_euclid(spread))
                })
                .collect();
            let (s, cuts) = quintile_scores(&vals);
            let mut distinct = vals.clone();
            distinct.sort();
            distinct.dedup();
            for (a, sa) in vals.iter().zip(&s) {
                for (b, sb) in vals.iter().zip(&s) {
                    assert!(a != b || sa == sb);
                    assert!(a >= b || sa <= sb, "{vals:?} {s:?}");
                }
            }
            let max = distinct.last().unwrap();
            let min = distinct.first().unwrap();
            let score_of = |v: &Decimal| s[vals.iter().position(|x| x == v).unwrap()];
            if distinct.len() >= 2 {
                assert_eq!((score_of(min), score_of(max)), (1, 5), "{vals:?}");
            }
            if distinct.len() >= 5 {
                assert!(cuts.iter().all(Option::is_some), "{vals:?} {cuts:?}");
            }
            let flat: Vec<Decimal> = cuts.iter().flatten().copied().collect();
            if distinct.len() >= 2 {
                for (v, want) in vals.iter().zip(&s) {
                    assert_eq!(fixed_score(*v, &flat), *want);
                }
            }
        }
    }

    #[test]
    fn segment_grid() {
        use Segment as S;
        let grid: Vec<Vec<Segment>> = (1..=5)
            .rev()
            .map(|r| (1..=5).map(|fm| Segment::from_scores(r, fm, fm)).collect())
            .collect();
        assert_eq!(
            grid,
            [
                [
                    S::New,
                    S::PotentialLoyalist,
                    S::PotentialLoyalist,
                    S::Champions,
                    S::Champions
                ],
                [
                    S::Promising,
                    S::PotentialLoyalist,
                    S::PotentialLoyalist,
                    S::Loyal,
                    S::Loyal
                ],
                [
                    S::AboutToSleep,
                    S::AboutToSleep,
                    S::NeedAttention,
                    S::Loyal,
                    S::Loyal
                ],
                [
                    S::Hibernating,
                    S::Hibernating,
                    S::AtRisk,
                    S::AtRisk,
                    S::CantLose
                ],
                [S::Lost, S::Hibernating, S::AtRisk, S::AtRisk, S::CantLose],
            ]
        );
        // FM rounds half up: F 1, M 2 → FM 2.
        assert_eq!(Segment::from_scores(1, 1, 2), S::Hibernating);
        assert_eq!(Segment::from_scores(5, 3, 4), S::Champions);
        let all: std::collections::BTreeSet<Segment> = grid.iter().flatten().copied().collect();
        assert_eq!(all.len(), 11);
        assert_eq!(S::CantLose.name_ko(), "놓치면안될고객");
        assert_eq!(
            serde_json::to_string(&S::CantLose).unwrap(),
            "\"Can't Lose\""
        );
    }
}
