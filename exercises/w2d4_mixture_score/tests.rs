use super::*;

/// log p(x) in f64, with the log-sum-exp shift (the constant −(d/2)·ln 2π included).
fn log_density(x: &[f64], means: &[Vec<f32>], stds: &[f32], weights: &[f32]) -> f64 {
    let d = x.len() as f64;
    let logs: Vec<f64> = means
        .iter()
        .zip(stds)
        .zip(weights)
        .map(|((mu, &s), &w)| {
            let s = s as f64;
            let sq: f64 = x.iter().zip(mu).map(|(a, &b)| (a - b as f64).powi(2)).sum();
            (w as f64).ln() - d * s.ln() - 0.5 * d * (2.0 * std::f64::consts::PI).ln() - sq / (2.0 * s * s)
        })
        .collect();
    let m = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    m + logs.iter().map(|l| (l - m).exp()).sum::<f64>().ln()
}

/// Central finite differences of `log_density`, coordinate by coordinate.
fn numeric_score(x: &[f32], means: &[Vec<f32>], stds: &[f32], weights: &[f32]) -> Vec<f64> {
    let h = 1e-5;
    (0..x.len())
        .map(|j| {
            let mut up: Vec<f64> = x.iter().map(|&v| v as f64).collect();
            let mut down = up.clone();
            up[j] += h;
            down[j] -= h;
            (log_density(&up, means, stds, weights) - log_density(&down, means, stds, weights)) / (2.0 * h)
        })
        .collect()
}

fn check(x: &[f32], means: &[Vec<f32>], stds: &[f32], weights: &[f32]) {
    let got = gmm_score(x, means, stds, weights);
    let want = numeric_score(x, means, stds, weights);
    assert_eq!(got.len(), x.len(), "the score has one entry per coordinate of x");
    for j in 0..x.len() {
        let tol = 1e-3 * want[j].abs().max(1.0);
        assert!(
            got[j].is_finite() && (got[j] as f64 - want[j]).abs() < tol,
            "at x = {x:?}: coordinate {j} of the score should be {:.5}, you give {}",
            want[j],
            got[j]
        );
    }
}

#[test]
fn one_gaussian_points_back_to_its_mean() {
    // ∇ log N(x; μ, s²I) = (μ − x)/s²: at x = (1, 3) with μ = (0, 1), s = 2 that is (−0.25, −0.5).
    let got = gmm_score(&[1.0, 3.0], &[vec![0.0, 1.0]], &[2.0], &[1.0]);
    assert_eq!(got.len(), 2, "the score has one entry per coordinate of x");
    assert!((got[0] + 0.25).abs() < 1e-6 && (got[1] + 0.5).abs() < 1e-6, "expected [-0.25, -0.5], got {got:?}");
}

#[test]
fn two_modes_in_one_dimension() {
    let means = [vec![-2.0], vec![2.0]];
    for x in [-3.0, -1.0, 0.0, 0.4, 1.5, 2.5] {
        check(&[x], &means, &[0.5, 0.5], &[0.3, 0.7]);
    }
}

#[test]
fn modes_of_different_widths() {
    // With different widths, each component's −d·ln sₖ changes its share of the density.
    let means = [vec![-1.0], vec![1.0]];
    for x in [-0.5, 0.2, 1.3] {
        check(&[x], &means, &[0.4, 1.2], &[0.5, 0.5]);
    }
}

#[test]
fn far_from_both_modes() {
    // At x = 25 both densities are 0 in f32 (e^−200 and less): dividing them gives NaN, but
    // the score, from the logs of the densities, is well defined.
    check(&[25.0], &[vec![-1.0], vec![1.0]], &[0.4, 1.2], &[0.5, 0.5]);
}
