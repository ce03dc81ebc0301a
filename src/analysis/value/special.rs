//! The special functions the value models need — ln Γ, log-sum-exp and the Gauss
//! hypergeometric function ₂F₁ — built on the pure-Rust `libm` port of musl, so that every
//! machine computes the same bits (SPEC promise 4: the platform's C library may round its
//! `log`/`exp` differently in the last place; `libm` is the same code everywhere).

/// Natural logarithm (deterministic across machines).
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// e^x (deterministic across machines).
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// e^x − 1, accurate for small x.
pub fn expm1(x: f64) -> f64 {
    libm::expm1(x)
}

/// ln(1 + x), accurate for small x.
pub fn ln1p(x: f64) -> f64 {
    libm::log1p(x)
}

/// ln Γ(x) for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma_r(x).0
}

/// ln B(a, b), the log of the Beta function.
pub fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ln(e^a + e^b) without overflow or underflow.
pub fn log_sum_exp(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + ln1p(exp(a.min(b) - m))
}

/// Most terms the ₂F₁ series may take: enough for z up to about 0.9998 with the slowest
/// parameters the models produce; beyond that the value is reported as not computable rather
/// than guessed.
const MAX_TERMS: u32 = 200_000;

/// ln ₂F₁(a, b; c; z) for 0 ≤ z < 1 and c > 0, when the function is positive (it always is for
/// the expected-purchases formula, whose a, b, c are positive). `None` when the series does not
/// converge within [`MAX_TERMS`] or the arguments are out of range.
///
/// The power series Σ (a)ₙ(b)ₙ/(c)ₙ zⁿ/n! converges for |z| < 1, but when c − a − b < 0 the
/// function grows like (1 − z)^(c−a−b) towards z = 1 and the terms first grow for many steps
/// before they fall. Euler's transformation ₂F₁(a, b; c; z) = (1 − z)^(c−a−b) ₂F₁(c − a, c − b;
/// c; z) moves that growth into a closed-form factor (taken in logs, so it cannot overflow) and
/// leaves a series whose terms fall from the start and which converges even at z = 1.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&z) || c <= 0.0 || !a.is_finite() || !b.is_finite() || !c.is_finite() {
        return None;
    }
    let s = c - a - b;
    let (ln_factor, a2, b2) = if s < 0.0 {
        (s * ln1p(-z), c - a, c - b)
    } else {
        (0.0, a, b)
    };
    let sum = series(a2, b2, c, z)?;
    if sum <= 0.0 || !sum.is_finite() {
        return None;
    }
    let v = ln_factor + ln(sum);
    v.is_finite().then_some(v)
}

/// ₂F₁(a, b; c; z) for 0 ≤ z < 1, c > 0, where it is positive (see [`ln_hyp2f1`]).
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    let v = exp(ln_hyp2f1(a, b, c, z)?);
    v.is_finite().then_some(v)
}

/// The plain power series Σ (a)ₙ(b)ₙ/(c)ₙ zⁿ/n!, summed in order until a term no longer
/// changes the sum; `None` when it does not converge within [`MAX_TERMS`].
fn series(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    series_tail(a, b, c, z).map(|t| 1.0 + t)
}

/// The series without its leading 1 (Σ over n ≥ 1), so that a caller needing ₂F₁ − 1 does
/// not lose the digits of a small tail.
pub fn series_tail(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    let mut tail = 0.0_f64;
    let mut term = 1.0_f64;
    for n in 0..MAX_TERMS {
        let k = f64::from(n);
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        if term == 0.0 {
            // A terminating series (a or b a non-positive integer) or z = 0.
            return Some(tail);
        }
        tail += term;
        if !tail.is_finite() {
            return None;
        }
        // Once the ratio of successive terms is below one the rest is smaller than the last
        // term over (1 − ratio).
        let ratio = ((a + k + 1.0) * (b + k + 1.0) / ((c + k + 1.0) * (k + 2.0)) * z).abs();
        if ratio < 1.0 && term.abs() / (1.0 - ratio) <= 1e-17 * (1.0 + tail).abs().max(tail.abs()) {
            return Some(tail);
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the edge cases are exact values
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        // Γ(n) = (n − 1)!
        let mut f = 1.0_f64;
        for n in 1..20 {
            assert!(close(ln_gamma(f64::from(n)), f.ln(), 1e-13), "n = {n}");
            f *= f64::from(n);
        }
        // Γ(1/2) = √π
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-14
        ));
    }

    #[test]
    fn log_sum_exp_neither_overflows_nor_underflows() {
        assert!(close(
            log_sum_exp(1000.0, 1000.0),
            1000.0 + 2f64.ln(),
            1e-15
        ));
        assert!(close(
            log_sum_exp(-1000.0, -1001.0),
            -1000.0 + (1.0 + (-1f64).exp()).ln(),
            1e-15
        ));
        assert_eq!(log_sum_exp(f64::NEG_INFINITY, -3.0), -3.0);
        assert_eq!(
            log_sum_exp(f64::NEG_INFINITY, f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn hyp2f1_matches_closed_forms() {
        for z in [0.0_f64, 0.1, 0.5, 0.9, 0.99, 0.999] {
            // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z
            let want = if z == 0.0 { 1.0 } else { -(1.0 - z).ln() / z };
            assert!(
                close(hyp2f1(1.0, 1.0, 2.0, z).unwrap(), want, 1e-12),
                "z = {z}"
            );
            // ₂F₁(a, b; b; z) = (1 − z)^(−a)
            let want = (1.0 - z).powf(-2.5);
            assert!(
                close(hyp2f1(2.5, 0.7, 0.7, z).unwrap(), want, 1e-12),
                "z = {z}"
            );
            // ₂F₁(½, ½; 3/2; s²) = arcsin(s)/s
            let s = z.sqrt();
            let want = if z == 0.0 { 1.0 } else { s.asin() / s };
            assert!(
                close(hyp2f1(0.5, 0.5, 1.5, z).unwrap(), want, 1e-12),
                "z = {z}"
            );
            // ₂F₁(−3, b; c; z) is a cubic: 1 − 3bz/c + 3b(b+1)z²/(c(c+1)) − b(b+1)(b+2)z³/(c(c+1)(c+2))
            let (b, c) = (1.5, 2.5);
            let want = 1.0 - 3.0 * b * z / c + 3.0 * b * (b + 1.0) * z * z / (c * (c + 1.0))
                - b * (b + 1.0) * (b + 2.0) * z * z * z / (c * (c + 1.0) * (c + 2.0));
            assert!(
                close(hyp2f1(-3.0, b, c, z).unwrap(), want, 1e-12),
                "z = {z}"
            );
        }
    }

    #[test]
    fn hyp2f1_out_of_range_is_none_not_nan() {
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, 1.0), None);
        assert_eq!(hyp2f1(1.0, 1.0, 2.0, -0.5), None);
        assert_eq!(hyp2f1(1.0, 1.0, 0.0, 0.5), None);
        assert_eq!(hyp2f1(f64::NAN, 1.0, 2.0, 0.5), None);
    }
}
