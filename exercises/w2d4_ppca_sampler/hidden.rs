use super::*;
use nma_engine::prelude::*;

/// Sample mean and covariance (divided by n − 1), in f64, of the rows of `x`.
fn moments(x: &Tensor) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (n, d) = (x.shape()[0], x.shape()[1]);
    let v = x.to_vec();
    let mut mean = vec![0.0; d];
    for row in v.chunks(d) {
        for j in 0..d {
            mean[j] += row[j] as f64 / n as f64;
        }
    }
    let mut cov = vec![vec![0.0; d]; d];
    for row in v.chunks(d) {
        for a in 0..d {
            for b in 0..d {
                cov[a][b] += (row[a] as f64 - mean[a]) * (row[b] as f64 - mean[b]) / (n - 1) as f64;
            }
        }
    }
    (mean, cov)
}

/// W·Wᵀ + σ²·I for `w` given as D rows of K numbers.
fn model_covariance(w: &[&[f64]], sigma: f64) -> Vec<Vec<f64>> {
    let d = w.len();
    (0..d)
        .map(|a| (0..d).map(|b| w[a].iter().zip(w[b]).map(|(p, q)| p * q).sum::<f64>() + if a == b { sigma * sigma } else { 0.0 }).collect())
        .collect()
}

fn sample(w: &[&[f64]], mu: &[f32], sigma: f32, n: usize) -> Tensor {
    let (d, k) = (w.len(), w[0].len());
    let flat: Vec<f32> = w.iter().flat_map(|r| r.iter().map(|&v| v as f32)).collect();
    let mut rng = Rng::new(nma_harness::seed());
    let x = gen_from_ppca(&Tensor::from_vec(flat, &[d, k]), &Tensor::from_vec(mu.to_vec(), &[d]), sigma, n, &mut rng);
    assert_eq!(x.shape(), vec![n, d], "expected {n} samples of dimension {d}, as a tensor of shape [{n}, {d}]");
    x
}

fn check_covariance(w: &[&[f64]], mu: &[f32], sigma: f32, abs_tol: f64, rel_tol: f64) {
    let x = sample(w, mu, sigma, 20_000);
    let (mean, cov) = moments(&x);
    for (j, &m) in mean.iter().enumerate() {
        assert!((m - mu[j] as f64).abs() < 0.1, "mean[{j}] should be about {}, got {m:.3}", mu[j]);
    }
    let want = model_covariance(w, sigma as f64);
    for a in 0..w.len() {
        for b in 0..w.len() {
            let tol = abs_tol.max(rel_tol * want[a][b].abs());
            assert!((cov[a][b] - want[a][b]).abs() < tol, "covariance[{a}][{b}]: want {:.3}, got {:.3}", want[a][b], cov[a][b]);
        }
    }
}

#[test]
fn noise_alone_has_variance_sigma_squared() {
    // W = 0: only the noise is left, with variance σ² = 0.25 (not σ⁴, not σ).
    check_covariance(&[&[0.0], &[0.0], &[0.0]], &[0.0, 0.0, 0.0], 0.5, 0.03, 0.0);
}

#[test]
fn two_latents_in_three_dimensions() {
    check_covariance(&[&[1.0, 0.5], &[-1.0, 1.5], &[0.5, 0.0]], &[3.0, 0.0, -1.0], 0.3, 0.1, 0.1);
}

#[test]
fn without_noise_samples_lie_on_the_line_of_w() {
    // σ = 0, K = 1: every x − μ is a multiple of w = (1, 2, −2), so its cross product with w is 0.
    let x = sample(&[&[1.0], &[2.0], &[-2.0]], &[0.5, 0.5, 0.5], 0.0, 200);
    let v = x.to_vec();
    let mut spread = 0.0f32;
    for row in v.chunks(3) {
        let (a, b, c) = (row[0] - 0.5, row[1] - 0.5, row[2] - 0.5);
        let cross = [b * -2.0 - c * 2.0, c * 1.0 - a * -2.0, a * 2.0 - b * 1.0];
        for e in cross {
            assert!(e.abs() < 1e-4, "with σ = 0 each sample is μ + w·z, one z per sample; got the row {row:?}");
        }
        spread += a.abs();
    }
    assert!(spread / 200.0 > 0.3, "the samples should spread along w, but they barely move from μ");
}
