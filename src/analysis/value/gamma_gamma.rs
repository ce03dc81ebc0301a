//! The Gamma-Gamma model of spend (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie's
//! note on the same CDNOW data): each purchase's value is Gamma(p, ν) with the customer's own
//! ν ~ Gamma(q, γ). It is fitted on repeat customers' average repeat-purchase value `m_x` and
//! gives each customer's expected average order.

use super::special::{ln, ln_gamma};

/// The three Gamma-Gamma parameters (γ in money).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaGamma {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
}

/// One repeat customer: repeat purchases x ≥ 1 and their average value `m_x` > 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spend {
    pub x: f64,
    pub m: f64,
}

impl GammaGamma {
    /// ln f(`m_x` | x): Γ(px+q)/(Γ(px)Γ(q)) · γ^q m^(px−1) x^(px) / (γ + x m)^(px+q).
    pub fn ln_likelihood(&self, s: &Spend) -> f64 {
        let GammaGamma { p, q, gamma } = *self;
        let px = p * s.x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q)
            + q * ln(gamma)
            + (px - 1.0) * ln(s.m)
            + px * ln(s.x)
            - (px + q) * ln(gamma + s.x * s.m)
    }

    /// Σ ln f over the customers, in their order.
    pub fn total_ln_likelihood(&self, spends: &[Spend]) -> f64 {
        spends.iter().map(|s| self.ln_likelihood(s)).sum()
    }

    /// E[M | x, `m_x`] = p(γ + x `m_x`) / (p x + q − 1): the customer's expected average order, a
    /// weighted mean of their own average and the shop's. For x = 0 it is the shop's mean
    /// p γ / (q − 1). `None` when q ≤ 1 (the model's mean is infinite).
    pub fn expected_average(&self, x: f64, m: f64) -> Option<f64> {
        let GammaGamma { p, q, gamma } = *self;
        if q <= 1.0 {
            return None;
        }
        let m = if x > 0.0 { m } else { 0.0 };
        let v = p * (gamma + x * m) / (p * x + q - 1.0);
        v.is_finite().then_some(v)
    }
}

/// The repeat customers of a fit, prepared as [`super::bgnbd::Prepared`] is: ln m and ln x
/// once, the terms of p x and q once per distinct x, then the same sum in the same order, so
/// the same bits as [`GammaGamma::total_ln_likelihood`].
#[derive(Debug, Clone)]
pub struct PreparedSpend {
    xs: Vec<f64>,
    /// Per customer: its x's index, x · m, ln m and ln x.
    rows: Vec<(u32, f64, f64, f64)>,
}

impl PreparedSpend {
    pub fn new(spends: &[Spend]) -> PreparedSpend {
        let (xs, xi) = super::bgnbd::distinct(spends.iter().map(|s| s.x));
        let rows = spends
            .iter()
            .zip(xi)
            .map(|(s, i)| (i, s.x * s.m, ln(s.m), ln(s.x)))
            .collect();
        PreparedSpend { xs, rows }
    }

    /// Σ ln f over the customers, bit for bit [`GammaGamma::total_ln_likelihood`].
    pub fn total_ln_likelihood(&self, g: &GammaGamma) -> f64 {
        let GammaGamma { p, q, gamma } = *g;
        let (ln_gamma_q, q_ln_gamma) = (ln_gamma(q), q * ln(gamma));
        // Per x: p x, and the first four terms of the sum.
        let per_x: Vec<(f64, f64)> = self
            .xs
            .iter()
            .map(|&x| {
                let px = p * x;
                (
                    px,
                    ln_gamma(px + q) - ln_gamma(px) - ln_gamma_q + q_ln_gamma,
                )
            })
            .collect();
        self.rows
            .iter()
            .map(|&(i, xm, ln_m, ln_x)| {
                let (px, head) = per_x[i as usize];
                head + (px - 1.0) * ln_m + px * ln_x - (px + q) * ln(gamma + xm)
            })
            .sum()
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the edge cases are exact values
mod tests {
    use super::*;

    #[test]
    fn the_likelihood_is_the_density_written_out() {
        let g = GammaGamma {
            p: 6.25,
            q: 3.74,
            gamma: 15.44,
        };
        for (x, m) in [(1.0_f64, 20.0_f64), (2.0, 35.5), (4.0, 9.99)] {
            let px = g.p * x;
            let f = libm::tgamma(px + g.q) / (libm::tgamma(px) * libm::tgamma(g.q))
                * g.gamma.powf(g.q)
                * m.powf(px - 1.0)
                * x.powf(px)
                / (g.gamma + x * m).powf(px + g.q);
            let got = g.ln_likelihood(&Spend { x, m });
            assert!((got - f.ln()).abs() < 1e-11, "{got} vs {}", f.ln());
        }
    }

    #[test]
    fn the_prepared_sum_has_the_same_bits() {
        let mut data: Vec<Spend> = (1..=300_u32)
            .map(|i| Spend {
                x: f64::from(1 + i % 9),
                m: f64::from(i * 37 % 1000) / 7.0 + 0.01,
            })
            .collect();
        data.push(Spend { x: 2_000.0, m: 1e7 });
        let prepared = PreparedSpend::new(&data);
        for g in [
            GammaGamma {
                p: 6.25,
                q: 3.74,
                gamma: 15.44,
            },
            GammaGamma {
                p: 1.0,
                q: 1.0,
                gamma: 300.0,
            },
            GammaGamma {
                p: 1e-6,
                q: 4e9,
                gamma: 1e-9,
            },
        ] {
            let (want, got) = (
                g.total_ln_likelihood(&data),
                prepared.total_ln_likelihood(&g),
            );
            assert_eq!(got.to_bits(), want.to_bits(), "{g:?}: {got} vs {want}");
        }
    }

    #[test]
    fn the_expected_average_shrinks_towards_the_shop_mean() {
        let g = GammaGamma {
            p: 6.25,
            q: 3.74,
            gamma: 15.44,
        };
        let shop = g.expected_average(0.0, 0.0).unwrap();
        assert!((shop - 6.25 * 15.44 / 2.74).abs() < 1e-12);
        let one = g.expected_average(1.0, 100.0).unwrap();
        let many = g.expected_average(20.0, 100.0).unwrap();
        assert!(
            shop < one && one < many && many < 100.0,
            "{shop} {one} {many}"
        );
        assert_eq!(GammaGamma { q: 0.9, ..g }.expected_average(1.0, 10.0), None);
    }
}
