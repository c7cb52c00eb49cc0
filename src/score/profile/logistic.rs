//! L2-regularised logistic regression on sparse vectors, with weighted samples (class balance,
//! weaker evidence), solved by L-BFGS. Small and exact enough for a few thousand papers of a
//! few hundred terms each; linfa-logistic works on dense `ndarray` matrices, which for 20,000
//! terms would take gigabytes where the sparse vectors take a few megabytes.
//!
//! Minimises `C · Σ wᵢ · ln(1 + exp(−yᵢ (β·xᵢ + b))) + ½ ‖β‖²` (yᵢ = ±1, the intercept `b`
//! not penalised), as scikit-learn's `LogisticRegression(C=…)` does.

use serde::{Deserialize, Serialize};

use super::features::Sparse;

/// A trained model: one weight per term and an intercept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Model {
    pub weights: Vec<f64>,
    pub intercept: f64,
}

impl Model {
    /// The decision value β·x + b.
    pub(crate) fn margin(&self, x: &Sparse) -> f64 {
        self.intercept
            + x.iter()
                .map(|(i, v)| self.weights[*i as usize] * f64::from(*v))
                .sum::<f64>()
    }

    /// The probability of the positive class.
    pub(crate) fn probability(&self, x: &Sparse) -> f64 {
        sigmoid(self.margin(x))
    }
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// ln(1 + exp(−m)) without overflow.
fn log_loss(m: f64) -> f64 {
    if m > 0.0 {
        (-m).exp().ln_1p()
    } else {
        -m + m.exp().ln_1p()
    }
}

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Inverse regularisation strength.
    pub c: f64,
    pub max_iterations: usize,
    /// Stop when the gradient's largest component is below this.
    pub tolerance: f64,
}

impl Default for Settings {
    /// scikit-learn's defaults for L-BFGS (C = 1, tolerance 1e-4, 100 iterations): the ranking
    /// a profile gives settles long before the weights reach full precision.
    fn default() -> Self {
        Self {
            c: 1.0,
            max_iterations: 100,
            tolerance: 1e-4,
        }
    }
}

/// The objective and its gradient at `theta` = (β, b): `grad` is overwritten.
fn objective(
    theta: &[f64],
    xs: &[Sparse],
    ys: &[bool],
    ws: &[f64],
    c: f64,
    grad: &mut [f64],
) -> f64 {
    let d = theta.len() - 1;
    let b = theta[d];
    grad.iter_mut().for_each(|g| *g = 0.0);
    let mut loss = 0.0;
    for ((x, &y), &w) in xs.iter().zip(ys).zip(ws) {
        let sign = if y { 1.0 } else { -1.0 };
        let z = b + x
            .iter()
            .map(|(i, v)| theta[*i as usize] * f64::from(*v))
            .sum::<f64>();
        let m = sign * z;
        loss += w * log_loss(m);
        // d/dz ln(1 + exp(−s z)) = −s σ(−s z)
        let g = -sign * sigmoid(-m) * w * c;
        for (i, v) in x {
            grad[*i as usize] += g * f64::from(*v);
        }
        grad[d] += g;
    }
    let mut penalty = 0.0;
    for (g, t) in grad[..d].iter_mut().zip(&theta[..d]) {
        *g += t;
        penalty += t * t;
    }
    c * loss + 0.5 * penalty
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Fits a model over `dimensions` terms to samples `xs` with labels `ys` and weights `ws`.
pub(crate) fn train(
    xs: &[Sparse],
    ys: &[bool],
    ws: &[f64],
    dimensions: usize,
    settings: Settings,
) -> Model {
    train_from(xs, ys, ws, &Model::default(), dimensions, settings)
}

/// [`train`] starting from `start` (a model of the same terms, or the default for zeros):
/// a second fit on slightly changed weights converges in fewer steps from the first.
pub(crate) fn train_from(
    xs: &[Sparse],
    ys: &[bool],
    ws: &[f64],
    start: &Model,
    dimensions: usize,
    settings: Settings,
) -> Model {
    const MEMORY: usize = 8;
    let n = dimensions + 1;
    let mut theta = vec![0.0; n];
    if start.weights.len() == dimensions {
        theta[..dimensions].copy_from_slice(&start.weights);
        theta[dimensions] = start.intercept;
    }
    let mut grad = vec![0.0; n];
    let mut value = objective(&theta, xs, ys, ws, settings.c, &mut grad);
    let mut history: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> =
        std::collections::VecDeque::new();
    let mut new_grad = vec![0.0; n];
    for _ in 0..settings.max_iterations {
        let largest = grad.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        if largest < settings.tolerance {
            break;
        }
        // Two-loop recursion: direction = −H·g.
        let mut q = grad.clone();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, y, rho) in history.iter().rev() {
            let alpha = rho * dot(s, &q);
            q.iter_mut().zip(y).for_each(|(qi, yi)| *qi -= alpha * yi);
            alphas.push(alpha);
        }
        let gamma = history
            .back()
            .map_or(1.0 / largest.max(1.0), |(s, y, _)| dot(s, y) / dot(y, y));
        q.iter_mut().for_each(|qi| *qi *= gamma);
        for ((s, y, rho), alpha) in history.iter().zip(alphas.iter().rev()) {
            let beta = rho * dot(y, &q);
            q.iter_mut()
                .zip(s)
                .for_each(|(qi, si)| *qi += (alpha - beta) * si);
        }
        let direction: Vec<f64> = q.iter().map(|v| -v).collect();
        let slope = dot(&direction, &grad);
        if slope >= 0.0 {
            // Not a descent direction (numerical trouble): start the memory again.
            history.clear();
            continue;
        }
        // Backtracking line search (Armijo).
        let mut step = 1.0;
        let mut candidate = vec![0.0; n];
        let mut accepted = false;
        for _ in 0..40 {
            candidate
                .iter_mut()
                .zip(&theta)
                .zip(&direction)
                .for_each(|((c, t), d)| *c = t + step * d);
            let new_value = objective(&candidate, xs, ys, ws, settings.c, &mut new_grad);
            if new_value <= value + 1e-4 * step * slope {
                let s: Vec<f64> = candidate.iter().zip(&theta).map(|(a, b)| a - b).collect();
                let y: Vec<f64> = new_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
                let sy = dot(&s, &y);
                if sy > 1e-12 {
                    if history.len() == MEMORY {
                        history.pop_front();
                    }
                    history.push_back((s, y, 1.0 / sy));
                }
                std::mem::swap(&mut theta, &mut candidate);
                std::mem::swap(&mut grad, &mut new_grad);
                value = new_value;
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            break;
        }
    }
    let intercept = theta.pop().unwrap_or(0.0);
    Model {
        weights: theta,
        intercept,
    }
}

/// Weights that give each class the same total (`n / 2`), times each sample's own weight.
pub(crate) fn balanced(ys: &[bool], own: &[f64]) -> Vec<f64> {
    let total: f64 = own.iter().sum();
    let positive: f64 = ys
        .iter()
        .zip(own)
        .filter(|(y, _)| **y)
        .map(|(_, w)| w)
        .sum();
    let negative = total - positive;
    ys.iter()
        .zip(own)
        .map(|(y, w)| {
            let class = if *y { positive } else { negative };
            if class > 0.0 {
                w * total / (2.0 * class)
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small dense problem solved by Newton's method to machine precision: the known solution
    /// the L-BFGS answer is checked against.
    #[allow(clippy::needless_range_loop)] // index arithmetic reads as the textbook does
    fn newton(xs: &[Vec<f64>], ys: &[bool], ws: &[f64], c: f64) -> Vec<f64> {
        let d = xs[0].len();
        let n = d + 1;
        let mut theta = vec![0.0; n];
        for _ in 0..50 {
            let mut grad = vec![0.0; n];
            let mut hess = vec![vec![0.0; n]; n];
            for ((x, &y), &w) in xs.iter().zip(ys).zip(ws) {
                let mut row = x.clone();
                row.push(1.0);
                let z: f64 = row.iter().zip(&theta).map(|(a, b)| a * b).sum();
                let p = sigmoid(z);
                let t = if y { 1.0 } else { 0.0 };
                for i in 0..n {
                    grad[i] += c * w * (p - t) * row[i];
                    for j in 0..n {
                        hess[i][j] += c * w * p * (1.0 - p) * row[i] * row[j];
                    }
                }
            }
            for i in 0..d {
                grad[i] += theta[i];
                hess[i][i] += 1.0;
            }
            // Solve hess · delta = grad by Gaussian elimination.
            let mut a = hess.clone();
            let mut bv = grad.clone();
            for col in 0..n {
                let pivot = (col..n)
                    .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
                    .unwrap();
                a.swap(col, pivot);
                bv.swap(col, pivot);
                for row in col + 1..n {
                    let f = a[row][col] / a[col][col];
                    for k in col..n {
                        a[row][k] -= f * a[col][k];
                    }
                    bv[row] -= f * bv[col];
                }
            }
            let mut delta = vec![0.0; n];
            for i in (0..n).rev() {
                let s: f64 = (i + 1..n).map(|k| a[i][k] * delta[k]).sum();
                delta[i] = (bv[i] - s) / a[i][i];
            }
            theta.iter_mut().zip(&delta).for_each(|(t, d)| *t -= d);
        }
        theta
    }

    #[test]
    fn lbfgs_finds_the_same_minimum_as_newtons_method() {
        // A deterministic, not separable problem of 60 samples over 5 features.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as f64) / f64::from(1u32 << 31) - 0.5
        };
        let dense: Vec<Vec<f64>> = (0..60).map(|_| (0..5).map(|_| next()).collect()).collect();
        let ys: Vec<bool> = dense
            .iter()
            .map(|x| x[0] * 2.0 - x[1] + 0.3 * x[4] + 0.4 * next() > 0.1)
            .collect();
        let own: Vec<f64> = (0..60)
            .map(|i| if i % 3 == 0 { 0.5 } else { 1.0 })
            .collect();
        let ws = balanced(&ys, &own);
        let sparse: Vec<Sparse> = dense
            .iter()
            .map(|x| {
                x.iter()
                    .enumerate()
                    .map(|(i, v)| (i as u32, *v as f32))
                    .collect()
            })
            .collect();
        // The dense problem of the same f32 values.
        let dense32: Vec<Vec<f64>> = sparse
            .iter()
            .map(|x| x.iter().map(|(_, v)| f64::from(*v)).collect())
            .collect();
        let expected = newton(&dense32, &ys, &ws, 3.0);
        let settings = Settings {
            c: 3.0,
            max_iterations: 1000,
            tolerance: 1e-10,
        };
        let model = train(&sparse, &ys, &ws, 5, settings);
        for (got, want) in model.weights.iter().zip(&expected) {
            assert!(
                (got - want).abs() < 1e-5,
                "{:?} against {expected:?}",
                model.weights
            );
        }
        assert!((model.intercept - expected[5]).abs() < 1e-5);
        assert!(
            model.weights[0] > 0.0 && model.weights[1] < 0.0,
            "the signs of the truth"
        );
    }

    #[test]
    fn balanced_weights_give_each_class_half() {
        let ws = balanced(&[true, false, false, false], &[1.0, 1.0, 1.0, 2.0]);
        assert!((ws[0] - 2.5).abs() < 1e-12);
        let negative: f64 = ws[1..].iter().sum();
        assert!((negative - 2.5).abs() < 1e-12);
        assert_eq!(balanced(&[false, false], &[1.0, 1.0]), [0.5, 0.5]);
    }
}
