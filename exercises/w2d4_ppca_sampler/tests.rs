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

#[test]
fn mean_is_mu() {
    let x = sample(&[&[2.0], &[1.0]], &[1.0, -2.0], 0.5, 20_000);
    let (mean, _) = moments(&x);
    for (j, (&got, want)) in mean.iter().zip([1.0, -2.0]).enumerate() {
        assert!((got - want).abs() < 0.1, "coordinate {j}: the sample mean should be close to μ = {want}, it is {got:.3}");
    }
}

#[test]
fn covariance_is_w_wt_plus_sigma_squared() {
    // W = [2, 1]ᵀ, σ = 0.5: covariance [[4.25, 2], [2, 1.25]].
    let w: [&[f64]; 2] = [&[2.0], &[1.0]];
    let x = sample(&w, &[1.0, -2.0], 0.5, 20_000);
    let (_, cov) = moments(&x);
    let want = model_covariance(&w, 0.5);
    for a in 0..2 {
        for b in 0..2 {
            let tol = 0.1 * want[a][b].abs().max(1.0);
            assert!(
                (cov[a][b] - want[a][b]).abs() < tol,
                "covariance[{a}][{b}] should be close to (W·Wᵀ + σ²I)[{a}][{b}] = {:.3}, the samples give {:.3}",
                want[a][b],
                cov[a][b]
            );
        }
    }
}
