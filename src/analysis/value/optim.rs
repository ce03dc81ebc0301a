//! A deterministic Nelder–Mead minimiser with restarts, for the value models' maximum-likelihood
//! fits.
//!
//! Why Nelder–Mead, hand-written: the models have three or four parameters and cheap
//! likelihoods, so a derivative-free simplex search costs a fraction of a second and needs no
//! gradients (which, for the BG/NBD likelihood, would mean digamma functions and more code to
//! get wrong). The fits run on log-parameters, so every trial point is a valid positive
//! parameter set and no bounds are needed. Nelder–Mead can stall on a degenerate simplex, so
//! a converged search is restarted from its best point with a fresh simplex until a restart no
//! longer improves the optimum — the classic remedy. The well-kept Rust optimisation crate
//! (argmin) would bring a dependency tree larger than this file for the same algorithm.
//! Everything here is sequential with fixed starting points and step sizes, so the same data
//! gives the same bits on every machine (SPEC promise 4).

/// The outcome of a minimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// The best point found.
    pub x: Vec<f64>,
    /// The objective there.
    pub f: f64,
    /// Nelder–Mead iterations over all restarts.
    pub iterations: u32,
    /// Whether the last search met the tolerance and a restart no longer improved it.
    pub converged: bool,
}

/// Iterations one search may take before it is abandoned as not converging.
const MAX_ITERATIONS: u32 = 5_000;
/// Restarts after the first search.
const MAX_RESTARTS: u32 = 8;
/// The simplex has converged when its objective values agree to this (relative) and its
/// vertices to [`X_TOL`] (in log-parameter units: 10⁻⁶ is a relative change of a millionth
/// in a parameter, far finer than any number dangol shows).
const F_TOL: f64 = 1e-11;
const X_TOL: f64 = 1e-6;
/// The first simplex's step along each axis (log-parameters: a factor of e^0.5 ≈ 1.65).
const STEP: f64 = 0.5;

/// Minimise `f` from `start`. A non-finite objective counts as +∞ (the point is avoided).
pub fn minimise(f: &dyn Fn(&[f64]) -> f64, start: &[f64]) -> Minimum {
    let safe = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() { v } else { f64::INFINITY }
    };
    let mut best = search(&safe, start);
    let mut iterations = best.iterations;
    let mut converged = best.converged;
    for _ in 0..MAX_RESTARTS {
        if !converged {
            break;
        }
        let again = search(&safe, &best.x);
        iterations += again.iterations;
        let improvement = best.f - again.f;
        let better = again.f < best.f;
        converged = again.converged;
        if better {
            best.x = again.x;
            best.f = again.f;
        }
        if improvement <= F_TOL * (1.0 + best.f.abs()) {
            break;
        }
    }
    Minimum {
        x: best.x,
        f: best.f,
        iterations,
        converged: converged && best.f.is_finite(),
    }
}

/// One Nelder–Mead search with the standard coefficients (reflect 1, expand 2, contract ½,
/// shrink ½).
fn search(f: &dyn Fn(&[f64]) -> f64, start: &[f64]) -> Minimum {
    let n = start.len();
    let mut simplex: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
    simplex.push(start.to_vec());
    for i in 0..n {
        let mut v = start.to_vec();
        v[i] += STEP;
        simplex.push(v);
    }
    let mut values: Vec<f64> = simplex.iter().map(|v| f(v)).collect();
    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITERATIONS {
        order(&mut simplex, &mut values);
        if has_converged(&simplex, &values) {
            converged = true;
            break;
        }
        iterations += 1;
        let worst = n;
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|v| v[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (simplex[worst][j] - centroid[j]))
                .collect()
        };
        let reflected = along(-1.0);
        let fr = f(&reflected);
        if fr < values[0] {
            let expanded = along(-2.0);
            let fe = f(&expanded);
            if fe < fr {
                simplex[worst] = expanded;
                values[worst] = fe;
            } else {
                simplex[worst] = reflected;
                values[worst] = fr;
            }
        } else if fr < values[n - 1] {
            simplex[worst] = reflected;
            values[worst] = fr;
        } else {
            let (contracted, fc) = if fr < values[worst] {
                let c = along(-0.5);
                let fc = f(&c);
                (c, fc)
            } else {
                let c = along(0.5);
                let fc = f(&c);
                (c, fc)
            };
            if fc < values[worst].min(fr) {
                simplex[worst] = contracted;
                values[worst] = fc;
            } else {
                let best = simplex[0].clone();
                for i in 1..=n {
                    for j in 0..n {
                        simplex[i][j] = best[j] + 0.5 * (simplex[i][j] - best[j]);
                    }
                    values[i] = f(&simplex[i]);
                }
            }
        }
    }
    order(&mut simplex, &mut values);
    Minimum {
        x: simplex[0].clone(),
        f: values[0],
        iterations,
        converged,
    }
}

/// Sort the vertices best first; ties keep their order (a stable sort), so the result does
/// not depend on anything but the values.
fn order(simplex: &mut Vec<Vec<f64>>, values: &mut Vec<f64>) {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    *simplex = idx.iter().map(|&i| simplex[i].clone()).collect();
    *values = idx.iter().map(|&i| values[i]).collect();
}

fn has_converged(simplex: &[Vec<f64>], values: &[f64]) -> bool {
    let best = values[0];
    if !best.is_finite() {
        return false;
    }
    let f_spread = values.iter().map(|v| (v - best).abs()).fold(0.0, f64::max);
    let x_spread = simplex[1..]
        .iter()
        .flat_map(|v| v.iter().zip(&simplex[0]).map(|(a, b)| (a - b).abs()))
        .fold(0.0, f64::max);
    f_spread <= F_TOL * (1.0 + best.abs()) && x_spread <= X_TOL
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the edge cases are exact values
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_the_rosenbrock_valley() {
        let rosen = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = minimise(&rosen, &[-1.2, 1.0]);
        assert!(m.converged);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6,
            "{m:?}"
        );
        assert!(m.iterations > 10);
    }

    #[test]
    fn the_same_start_gives_the_same_bits() {
        let f = |x: &[f64]| (x[0] - 0.3).powi(2) + (x[1] + 2.0).powi(4) + x[2].cosh();
        assert_eq!(
            minimise(&f, &[1.0, 1.0, 1.0]),
            minimise(&f, &[1.0, 1.0, 1.0])
        );
    }

    #[test]
    fn an_objective_that_is_nowhere_finite_does_not_converge() {
        let m = minimise(&|_: &[f64]| f64::NAN, &[0.0, 0.0]);
        assert!(!m.converged);
        assert_eq!(m.f, f64::INFINITY);
    }

    #[test]
    fn an_unbounded_objective_stops_without_converging() {
        // Falls forever towards x → −∞: the search runs out of iterations.
        let m = minimise(&|x: &[f64]| x[0], &[0.0]);
        assert!(!m.converged);
    }
}
