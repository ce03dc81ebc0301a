//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while
//! active, a customer buys at a Gamma(r, α)-distributed rate; after each purchase they drop out
//! with a Beta(a, b)-distributed probability. From a customer's repeat purchases x, the time of
//! the last one `t_x` and their age T (all from the first purchase), it gives the likelihood, the
//! probability the customer is still active and the purchases to expect.

use super::special::{exp, expm1, ln, ln_beta, ln_gamma, ln1p, log_sum_exp, series_tail};

/// The four BG/NBD parameters; α is in the unit of `t_x` and T (days in dangol).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// One customer's summary: repeat purchases, time of the last one, and age.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rft {
    pub x: f64,
    pub t_x: f64,
    pub t: f64,
}

impl BgNbd {
    /// ln L of one customer, in log-sum-exp form (FHL 2005 eq. 6): the two terms — still
    /// active at T, or dropped out right after the last purchase — are added in logs, so a
    /// customer with many purchases does not overflow and one with a long silence does not
    /// underflow.
    pub fn ln_likelihood(&self, c: &Rft) -> f64 {
        let BgNbd { r, alpha, a, b } = *self;
        let x = c.x;
        let ln_a1 = ln_gamma(r + x) - ln_gamma(r) + r * ln(alpha);
        let ln_a2 = ln_beta(a, b + x) - ln_beta(a, b);
        let ln_a3 = -(r + x) * ln(alpha + c.t);
        let ln_a4 = if x > 0.0 {
            ln(a) - ln(b + x - 1.0) - (r + x) * ln(alpha + c.t_x)
        } else {
            f64::NEG_INFINITY
        };
        ln_a1 + ln_a2 + log_sum_exp(ln_a3, ln_a4)
    }

    /// Σ ln L over customers, summed in their order (one sequential sum: the same bits on
    /// every machine).
    pub fn total_ln_likelihood(&self, customers: &[Rft]) -> f64 {
        customers.iter().map(|c| self.ln_likelihood(c)).sum()
    }

    /// ln of the odds that the customer dropped out right after the last purchase rather than
    /// being active: ln(a / (b + x − 1)) + (r + x) ln((α + T)/(α + `t_x`)); −∞ for x = 0, who
    /// cannot have dropped out (the model only lets a customer leave after a purchase).
    fn ln_dropout_odds(&self, c: &Rft) -> f64 {
        if c.x <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let BgNbd { r, alpha, a, b } = *self;
        ln(a) - ln(b + c.x - 1.0) + (r + c.x) * (ln(alpha + c.t) - ln(alpha + c.t_x))
    }

    /// P(alive | x, `t_x`, T) (FHL 2005 eq. 11), in [0, 1]; 1 when x = 0.
    pub fn p_alive(&self, c: &Rft) -> f64 {
        let odds = self.ln_dropout_odds(c);
        // 1 / (1 + e^odds): e^odds overflows to +∞ for a very long silence, giving 0, never NaN.
        1.0 / (1.0 + exp(odds))
    }

    /// Purchases expected in the next `horizon` time units (FHL 2005 eq. 10). `None` when the
    /// hypergeometric series cannot be evaluated (never NaN or ∞).
    ///
    /// The formula divides by a − 1 and its bracket vanishes at a = 1 (0/0, with a finite
    /// limit). Near a = 1 the value is interpolated between a = 1 ± 10⁻⁴, where the
    /// cancellation still leaves about twelve good digits.
    pub fn expected_purchases(&self, c: &Rft, horizon: f64) -> Option<f64> {
        const H: f64 = 1e-4;
        if horizon <= 0.0 {
            return Some(0.0);
        }
        if (self.a - 1.0).abs() < H {
            let lo = BgNbd {
                a: 1.0 - H,
                ..*self
            }
            .expected_unsafe(c, horizon)?;
            let hi = BgNbd {
                a: 1.0 + H,
                ..*self
            }
            .expected_unsafe(c, horizon)?;
            let v = lo + (hi - lo) * (self.a - (1.0 - H)) / (2.0 * H);
            return v.is_finite().then_some(v.max(0.0));
        }
        self.expected_unsafe(c, horizon)
    }

    /// Eq. 10 as written (unstable for a within about 10⁻⁶ of 1).
    fn expected_unsafe(&self, c: &Rft, horizon: f64) -> Option<f64> {
        let BgNbd { r, alpha, a, b } = *self;
        let x = c.x;
        let big = alpha + c.t;
        let z = horizon / (big + horizon);
        // ln of ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z). When c − a − b = a − 1 − r − x
        // is negative, Euler's transformation (see `special::ln_hyp2f1`) is applied here with
        // its parameters written out, because c − a − b computed from the (possibly huge) b + x
        // and a + b + x − 1 loses digits that the 1/(a − 1) factor would magnify.
        let c3 = a + b + x - 1.0;
        let (ln_factor, tail) = if (a - 1.0) - (r + x) < 0.0 {
            (
                (a - 1.0) * ln1p(-z),
                series_tail(a + b - 1.0 - r, a - 1.0, c3, z)?,
            )
        } else {
            ((r + x) * ln1p(-z), series_tail(r + x, b + x, c3, z)?)
        };
        // 1 − factor · (1 + tail), without losing the digits of a term close to 1.
        let bracket = -(expm1(ln_factor) * (1.0 + tail) + tail);
        let v = (a + b + x - 1.0) / (a - 1.0) * bracket * self.p_alive(c);
        v.is_finite().then_some(v.max(0.0))
    }
}

/// The distinct values of `values` (compared by their bits) and each value's index among them.
pub(crate) fn distinct(values: impl Iterator<Item = f64>) -> (Vec<f64>, Vec<u32>) {
    let mut seen: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    let mut list = Vec::new();
    let idx = values
        .map(|v| {
            *seen.entry(v.to_bits()).or_insert_with(|| {
                list.push(v);
                u32::try_from(list.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    (list, idx)
}

/// The customers of a fit, prepared so that one evaluation of Σ ln L computes each term that
/// depends on the parameters and one of x, `t_x` or T only once per distinct value (a shop's
/// thousands of customers have a few dozen distinct x and a few hundred distinct ages), and
/// then adds the customers up in their order exactly as [`BgNbd::total_ln_likelihood`] does:
/// every term is the same expression of the same numbers, so the sum has the same bits.
#[derive(Debug, Clone)]
pub struct Prepared {
    xs: Vec<f64>,
    ts: Vec<f64>,
    t_xs: Vec<f64>,
    /// Per customer: the indices of its x, T and `t_x`.
    at: Vec<(u32, u32, u32)>,
}

/// The per-x terms of one evaluation.
struct XTerms {
    /// ln A₁ + ln A₂.
    head: f64,
    /// r + x.
    rx: f64,
    /// ln a − ln(b + x − 1), for x > 0.
    dropout: f64,
}

impl Prepared {
    pub fn new(data: &[Rft]) -> Prepared {
        let (xs, xi) = distinct(data.iter().map(|c| c.x));
        let (ts, ti) = distinct(data.iter().map(|c| c.t));
        let (t_xs, txi) = distinct(data.iter().map(|c| c.t_x));
        let at = xi
            .into_iter()
            .zip(ti)
            .zip(txi)
            .map(|((x, t), tx)| (x, t, tx))
            .collect();
        Prepared { xs, ts, t_xs, at }
    }

    /// Σ ln L over the customers, bit for bit [`BgNbd::total_ln_likelihood`] of the data
    /// this was prepared from.
    pub fn total_ln_likelihood(&self, p: &BgNbd) -> f64 {
        let BgNbd { r, alpha, a, b } = *p;
        let (ln_gamma_r, r_ln_alpha) = (ln_gamma(r), r * ln(alpha));
        let (ln_gamma_a, ln_beta_ab, ln_a) = (ln_gamma(a), ln_beta(a, b), ln(a));
        let per_x: Vec<XTerms> = self
            .xs
            .iter()
            .map(|&x| {
                let ln_a1 = ln_gamma(r + x) - ln_gamma_r + r_ln_alpha;
                // ln_beta(a, b + x), written out as `special::ln_beta` computes it.
                let bx = b + x;
                let ln_a2 = ln_gamma_a + ln_gamma(bx) - ln_gamma(a + bx) - ln_beta_ab;
                XTerms {
                    head: ln_a1 + ln_a2,
                    rx: r + x,
                    dropout: if x > 0.0 {
                        ln_a - ln(b + x - 1.0)
                    } else {
                        f64::NEG_INFINITY
                    },
                }
            })
            .collect();
        let ln_t: Vec<f64> = self.ts.iter().map(|&t| ln(alpha + t)).collect();
        let ln_t_x: Vec<f64> = self.t_xs.iter().map(|&t| ln(alpha + t)).collect();
        self.at
            .iter()
            .map(|&(xi, ti, txi)| {
                let x = &per_x[xi as usize];
                let ln_a3 = -x.rx * ln_t[ti as usize];
                let ln_a4 = if self.xs[xi as usize] > 0.0 {
                    x.dropout - x.rx * ln_t_x[txi as usize]
                } else {
                    f64::NEG_INFINITY
                };
                x.head + log_sum_exp(ln_a3, ln_a4)
            })
            .sum()
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the edge cases are exact values
mod tests {
    use super::*;

    /// Γ for the small arguments the tests use.
    fn gamma(x: f64) -> f64 {
        libm::tgamma(x)
    }

    fn beta(a: f64, b: f64) -> f64 {
        gamma(a) * gamma(b) / gamma(a + b)
    }

    const P: BgNbd = BgNbd {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    #[test]
    fn the_likelihood_is_the_papers_formula() {
        // FHL 2005 eq. 6 written out directly (no logs), for small x where nothing overflows.
        for (x, t_x, t) in [
            (0.0, 0.0, 38.86),
            (1.0, 1.71, 38.86),
            (2.0, 30.43, 38.86),
            (5.0, 20.0, 30.0),
        ] {
            let BgNbd { r, alpha, a, b } = P;
            let common = beta(a, b + x) / beta(a, b) * gamma(r + x) * alpha.powf(r) / gamma(r);
            let mut l = common / (alpha + t).powf(r + x);
            if x > 0.0 {
                l += beta(a + 1.0, b + x - 1.0) / beta(a, b) * gamma(r + x) * alpha.powf(r)
                    / (gamma(r) * (alpha + t_x).powf(r + x));
            }
            let got = P.ln_likelihood(&Rft { x, t_x, t });
            assert!((got - l.ln()).abs() < 1e-12, "x = {x}: {got} vs {}", l.ln());
        }
    }

    #[test]
    fn the_prepared_sum_has_the_same_bits() {
        // Repeated and fractional values, x = 0, a long silence; parameters across the range
        // the search visits.
        let mut data = Vec::new();
        for i in 0..400_u32 {
            let x = f64::from(i % 7) + if i % 50 == 0 { 0.5 } else { 0.0 };
            let t = f64::from(30 + (i * 37) % 700);
            let t_x = if x > 0.0 {
                t * f64::from(i % 5) / 5.0
            } else {
                0.0
            };
            data.push(Rft { x, t_x, t });
        }
        data.push(Rft {
            x: 2_000.0,
            t_x: 3_000.0,
            t: 1e9,
        });
        let prepared = Prepared::new(&data);
        for (i, p) in [
            P,
            BgNbd {
                r: 1.0,
                alpha: 300.0,
                a: 1.0,
                b: 1.0,
            },
            BgNbd {
                r: 1e-8,
                alpha: 7e10,
                a: 40.0,
                b: 1e-9,
            },
            BgNbd {
                r: 3.7,
                alpha: 0.01,
                a: 1e-3,
                b: 250.0,
            },
        ]
        .iter()
        .enumerate()
        {
            let (want, got) = (
                p.total_ln_likelihood(&data),
                prepared.total_ln_likelihood(p),
            );
            assert_eq!(got.to_bits(), want.to_bits(), "set {i}: {got} vs {want}");
        }
        assert_eq!(
            Prepared::new(&[]).total_ln_likelihood(&P).to_bits(),
            P.total_ln_likelihood(&[]).to_bits()
        );
    }

    #[test]
    fn many_purchases_do_not_overflow_the_likelihood() {
        let v = P.ln_likelihood(&Rft {
            x: 2_000.0,
            t_x: 3_000.0,
            t: 3_650.0,
        });
        assert!(v.is_finite() && v < 0.0, "{v}");
    }

    #[test]
    fn a_customer_without_repeat_purchases_is_alive() {
        assert_eq!(
            P.p_alive(&Rft {
                x: 0.0,
                t_x: 0.0,
                t: 1e9
            }),
            1.0
        );
    }

    #[test]
    fn p_alive_is_the_papers_formula_and_falls_with_silence() {
        let c = Rft {
            x: 2.0,
            t_x: 30.43,
            t: 38.86,
        };
        let BgNbd { r, alpha, a, b } = P;
        let want = 1.0 / (1.0 + a / (b + 1.0) * ((alpha + 38.86) / (alpha + 30.43)).powf(r + 2.0));
        assert!((P.p_alive(&c) - want).abs() < 1e-14);
        let later = P.p_alive(&Rft { t: 80.0, ..c });
        assert!(later < P.p_alive(&c));
    }

    #[test]
    fn a_very_long_silence_gives_zero_not_nan() {
        let c = Rft {
            x: 50.0,
            t_x: 10.0,
            t: 1e12,
        };
        assert_eq!(P.p_alive(&c), 0.0);
        assert_eq!(P.expected_purchases(&c, 365.0), Some(0.0));
        // x = 0 and a very long T: alive by the model, and expected purchases small but finite.
        let e = P
            .expected_purchases(
                &Rft {
                    x: 0.0,
                    t_x: 0.0,
                    t: 1e12,
                },
                365.0,
            )
            .unwrap();
        assert!(e.is_finite() && (0.0..1e-6).contains(&e), "{e}");
    }

    #[test]
    fn without_dropout_expected_purchases_are_the_nbd_posterior_mean() {
        // b huge: p ≈ 0, nobody leaves, and E[Y(t)] = (r + x) t / (α + T) (a Gamma–Poisson
        // result, independent of eq. 10).
        let p = BgNbd {
            r: 0.8,
            alpha: 20.0,
            a: 2.0,
            b: 1e9,
        };
        for (x, t_x, t) in [(0.0, 0.0, 50.0), (3.0, 40.0, 100.0), (10.0, 300.0, 365.0)] {
            let c = Rft { x, t_x, t };
            let want = (0.8 + x) * 90.0 / (20.0 + t);
            let got = p.expected_purchases(&c, 90.0).unwrap();
            assert!((got - want).abs() < 1e-5 * want, "x = {x}: {got} vs {want}");
        }
    }

    #[test]
    fn expected_purchases_are_continuous_through_a_equal_to_one() {
        let c = Rft {
            x: 2.0,
            t_x: 30.0,
            t: 40.0,
        };
        let at = |a: f64| BgNbd { a, ..P }.expected_purchases(&c, 52.0).unwrap();
        let (lo, mid, hi) = (at(0.999), at(1.0), at(1.001));
        assert!(mid.is_finite() && mid > 0.0);
        assert!(lo.min(hi) <= mid && mid <= lo.max(hi), "{lo} {mid} {hi}");
        assert!((at(1.0 + 1e-9) - mid).abs() < 1e-6 * mid);
        let x0 = BgNbd { a: 1.0, ..P }
            .expected_purchases(
                &Rft {
                    x: 0.0,
                    t_x: 0.0,
                    t: 40.0,
                },
                52.0,
            )
            .unwrap();
        assert!(x0.is_finite() && x0 > 0.0);
    }

    #[test]
    fn expected_purchases_grow_with_the_horizon() {
        let c = Rft {
            x: 2.0,
            t_x: 30.43,
            t: 38.86,
        };
        let a = P.expected_purchases(&c, 13.0).unwrap();
        let b = P.expected_purchases(&c, 52.0).unwrap();
        assert!(0.0 < a && a < b, "{a} {b}");
        assert_eq!(P.expected_purchases(&c, 0.0), Some(0.0));
    }
}
