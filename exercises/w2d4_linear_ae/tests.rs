use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// Mean squared reconstruction error (per element) of PCA with `k` components on `x`
/// `[n, d]`: the variance left in the d − k smallest eigenvalues of the covariance, over d.
/// Eigenvalues by power iteration with deflation, in f64.
fn pca_error(x: &Tensor, k: usize) -> f64 {
    let (n, d) = (x.shape()[0], x.shape()[1]);
    let v: Vec<f64> = x.to_vec().iter().map(|&a| a as f64).collect();
    let mut mean = vec![0.0; d];
    for i in 0..n {
        for j in 0..d {
            mean[j] += v[i * d + j] / n as f64;
        }
    }
    let mut cov = vec![0.0; d * d];
    for i in 0..n {
        for a in 0..d {
            let xa = v[i * d + a] - mean[a];
            for b in 0..d {
                cov[a * d + b] += xa * (v[i * d + b] - mean[b]) / n as f64;
            }
        }
    }
    let trace: f64 = (0..d).map(|a| cov[a * d + a]).sum();
    let mut kept = 0.0;
    for c in 0..k {
        let mut u: Vec<f64> = (0..d).map(|j| 1.0 + ((j * 7 + c * 3) % 5) as f64 * 0.1).collect();
        let mut lambda = 0.0;
        for _ in 0..3000 {
            let w: Vec<f64> = (0..d).map(|a| (0..d).map(|b| cov[a * d + b] * u[b]).sum()).collect();
            let norm = w.iter().map(|t| t * t).sum::<f64>().sqrt();
            lambda = u.iter().zip(&w).map(|(p, q)| p * q).sum();
            u = w.iter().map(|t| t / norm).collect();
        }
        kept += lambda;
        for a in 0..d {
            for b in 0..d {
                cov[a * d + b] -= lambda * u[a] * u[b];
            }
        }
    }
    (trace - kept) / d as f64
}

fn digits() -> Tensor {
    data::digits().map_inputs(|v| v / 16.0).x()
}

#[test]
fn codes_and_reconstructions_have_the_right_shapes() {
    let model = LinearAE::new(64, 5, 0);
    let x = digits().slice(0, 0, 10);
    let z = model.encode(&x);
    assert_eq!(z.shape(), vec![10, 5], "10 images of 64 pixels and a code of 5 give codes [10, 5]");
    assert_eq!(model.decode(&z).shape(), vec![10, 64], "decoding [10, 5] gives images [10, 64]");
    let direct = model.encoder.forward(&x).to_vec();
    assert_eq!(z.to_vec(), direct, "encode must apply the encoder layer");
}

#[test]
fn matches_pca_with_four_components() {
    let seed = nma_harness::seed();
    let x = digits();
    let pca = pca_error(&x, 4);
    let mut run = Training::new("MSE / PCA's MSE", 1.1, Goal::AtMost);
    let mut next = 0;
    let model = train_linear_ae(&x, 4, seed, |step, loss| {
        assert_eq!(step, next, "on_step should number the steps 0, 1, 2, … in order");
        next += 1;
        run.step(step, loss)
    });
    let mse = nn::mse_loss(&model.forward(&x), &x).item() as f64;
    run.finish(mse / pca);
}
