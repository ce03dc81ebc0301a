//! RFM scoring (SPEC §3): recency, frequency and monetary scores 1–5 (5 best), by quintiles of
//! the shop's own customers or by fixed cut points, and the named segments they map to.
//!
//! **Quintiles with ties.** The values of the `n` scored customers are sorted worst to best; a
//! value's score is `1 + floor(5 × rank_lo / n)`, where `rank_lo` is the number of customers with
//! a strictly worse value (the 0-based position of the value's first occurrence). Equal values
//! therefore always share a score, the result does not depend on input order, and a large tie
//! at the bottom (most customers ordered once) keeps the whole tie at the lower score rather
//! than splitting it arbitrarily — some scores may then be unused.
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

/// The cut points that produced the scores (see the module notes for their meaning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RfmCuts {
    #[serde(serialize_with = "ser_method")]
    pub method: RfmMethod,
    /// Customers scored (those with at least one order up to the as-of date).
    pub customers: usize,
    pub recency_days: Vec<Option<Decimal>>,
    pub frequency: Vec<Option<Decimal>>,
    pub monetary: Vec<Option<Decimal>>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` signature
fn ser_method<S: serde::Serializer>(m: &RfmMethod, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(match m {
        RfmMethod::Quintile => "quintile",
        RfmMethod::Fixed => "fixed",
    })
}

/// One customer's RFM inputs: days since the last order, orders, net total.
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

/// Score every input by the method of `settings`; the scores come in input order.
pub fn score_all(inputs: &[RfmInput], settings: &Settings) -> (Vec<RfmScore>, RfmCuts) {
    // Recency is scored on the negated days so that every measure is "higher is better".
    let r: Vec<Decimal> = inputs
        .iter()
        .map(|i| -Decimal::from(i.recency_days))
        .collect();
    let f: Vec<Decimal> = inputs.iter().map(|i| Decimal::from(i.orders)).collect();
    let m: Vec<Decimal> = inputs.iter().map(|i| i.total).collect();
    match settings.rfm_method {
        RfmMethod::Quintile => {
            let (rs, rc) = quintile_scores(&r);
            let (fs, fc) = quintile_scores(&f);
            let (ms, mc) = quintile_scores(&m);
            let scores = zip3(&rs, &fs, &ms);
            let cuts = RfmCuts {
                method: RfmMethod::Quintile,
                customers: inputs.len(),
                recency_days: rc.iter().rev().map(|c| c.map(|v| -v)).collect(),
                frequency: fc.to_vec(),
                monetary: mc.to_vec(),
            };
            (scores, cuts)
        }
        RfmMethod::Fixed => {
            let scores = inputs
                .iter()
                .map(|i| RfmScore {
                    r: fixed_recency_score(
                        Decimal::from(i.recency_days),
                        &settings.rfm_recency_days,
                    ),
                    f: fixed_score(Decimal::from(i.orders), &settings.rfm_frequency),
                    m: fixed_score(i.total, &settings.rfm_monetary),
                })
                .collect();
            let some = |v: &[Decimal]| v.iter().copied().map(Some).collect();
            let cuts = RfmCuts {
                method: RfmMethod::Fixed,
                customers: inputs.len(),
                recency_days: some(&settings.rfm_recency_days),
                frequency: some(&settings.rfm_frequency),
                monetary: some(&settings.rfm_monetary),
            };
            (scores, cuts)
        }
    }
}

fn zip3(r: &[u8], f: &[u8], m: &[u8]) -> Vec<RfmScore> {
    r.iter()
        .zip(f)
        .zip(m)
        .map(|((&r, &f), &m)| RfmScore { r, f, m })
        .collect()
}

/// Quintile scores of `values` (higher is better), in input order, and the four cut points:
/// `cuts[k]` is the lowest value scoring at least `k + 2`.
pub fn quintile_scores(values: &[Decimal]) -> (Vec<u8>, [Option<Decimal>; 4]) {
    let n = values.len();
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let scores = values
        .iter()
        .map(|v| {
            let rank_lo = sorted.partition_point(|x| x < v);
            1 + (5 * rank_lo / n) as u8
        })
        .collect();
    let mut cuts = [None; 4];
    for (k, cut) in cuts.iter_mut().enumerate() {
        // Score ≥ k + 2 ⟺ 5 × rank_lo ≥ (k + 1) × n ⟺ rank_lo ≥ ⌈(k + 1) n / 5⌉.
        let first = ((k + 1) * n).div_ceil(5);
        *cut = (first..n)
            .find(|&i| i == 0 || sorted[i] != sorted[i - 1])
            .map(|i| sorted[i]);
    }
    (scores, cuts)
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
        // All equal: everyone scores 1, no value reaches 2.
        let (s, cuts) = quintile_scores(&d(&[4, 4, 4]));
        assert_eq!(s, [1, 1, 1]);
        assert_eq!(cuts, [None; 4]);
        // Order does not matter.
        let (a, _) = quintile_scores(&d(&[5, 1, 5, 2]));
        let (b, _) = quintile_scores(&d(&[2, 5, 1, 5]));
        assert_eq!((a[0], a[1], a[3]), (b[1], b[2], b[0]));
        assert_eq!(a, [3, 1, 3, 2]);
    }

    #[test]
    fn single_customer_scores_one() {
        assert_eq!(quintile_scores(&d(&[7])), (vec![1], [None; 4]));
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
        let (scores, cuts) = score_all(&inputs, &Settings::defaults());
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
        assert_eq!(cuts.frequency, [None; 4]);
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
        assert_eq!(scores, [RfmScore { r: 4, f: 4, m: 4 }]);
        assert_eq!(scores[0].segment(), Segment::Loyal);
        assert_eq!(
            cuts.monetary,
            d(&[100_000, 300_000, 1_000_000, 3_000_000])
                .into_iter()
                .map(Some)
                .collect::<Vec<_>>()
        );
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
