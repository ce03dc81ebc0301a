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
