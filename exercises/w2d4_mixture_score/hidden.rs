use super::*;

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

fn check(x: &[f32], means: &[Vec<f32>], stds: &[f32], weights: &[f32]) {
    let h = 1e-5;
    let got = gmm_score(x, means, stds, weights);
    assert_eq!(got.len(), x.len(), "the score has one entry per coordinate of x");
    for j in 0..x.len() {
        let mut up: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let mut down = up.clone();
        up[j] += h;
        down[j] -= h;
        let want = (log_density(&up, means, stds, weights) - log_density(&down, means, stds, weights)) / (2.0 * h);
        let tol = 1e-3 * want.abs().max(1.0);
        assert!(
            got[j].is_finite() && (got[j] as f64 - want).abs() < tol,
            "at x = {x:?}: coordinate {j} should be {want:.5}, got {}",
            got[j]
        );
    }
}

#[test]
fn unequal_widths_and_weights_in_two_dimensions() {
    let means = [vec![-1.0, 0.0], vec![1.5, 1.0], vec![0.0, -2.0]];
    let stds = [0.4, 1.0, 0.7];
    let weights = [0.2, 0.5, 0.3];
    for x in [[0.0, 0.0], [-1.2, 0.3], [1.0, -1.0], [0.3, 0.8], [-0.5, -1.5]] {
        check(&x, &means, &stds, &weights);
    }
}

#[test]
fn stays_finite_far_from_every_mode() {
    // Every density underflows to 0 here, even in f64; the score is still well defined.
    let means = [vec![-2.0], vec![2.0]];
    for x in [40.0, -35.0] {
        check(&[x], &means, &[0.5, 0.5], &[0.3, 0.7]);
    }
    check(&[30.0, -25.0], &[vec![0.0, 0.0], vec![1.0, 1.0]], &[0.3, 0.2], &[0.5, 0.5]);
}

#[test]
fn symmetric_mixture_has_no_score_at_its_centre() {
    let got = gmm_score(&[0.5], &[vec![-1.0], vec![2.0]], &[0.8, 0.8], &[0.5, 0.5]);
    assert!(got[0].abs() < 1e-5, "halfway between two equal modes the pulls cancel: expected 0, got {}", got[0]);
}
