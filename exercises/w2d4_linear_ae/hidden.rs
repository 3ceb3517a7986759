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

#[test]
fn matches_pca_with_eight_components() {
    let seed = nma_harness::seed();
    let all = data::digits().map_inputs(|v| v / 16.0);
    let rows: Vec<usize> = (0..1200).map(|i| (i * 3 + seed as usize) % all.len()).collect();
    let x = all.subset(&rows).x();
    let pca = pca_error(&x, 8);
    let mut run = Training::new("MSE / PCA's MSE", 1.1, Goal::AtMost);
    let model = train_linear_ae(&x, 8, seed.wrapping_add(3), |step, loss| run.step(step, loss));
    let mse = nn::mse_loss(&model.forward(&x), &x).item() as f64;
    run.finish(mse / pca);
}

#[test]
fn decode_applies_the_decoder_layer() {
    let model = LinearAE::new(6, 2, 4);
    let z = Tensor::from_vec(vec![1.0, -2.0, 0.5, 3.0, 0.0, 0.0], &[3, 2]);
    let got = model.decode(&z);
    assert_eq!(got.shape(), vec![3, 6]);
    assert_eq!(got.to_vec(), model.decoder.forward(&z).to_vec(), "decode must apply the decoder layer");
    // The zero code decodes to the decoder's bias.
    let bias = model.decoder.parameters()[1].to_vec();
    assert_eq!(got.to_vec()[12..].to_vec(), bias, "the code 0 should decode to the decoder's bias");
}

#[test]
fn reports_every_step_and_the_loss_falls() {
    let x = data::digits().map_inputs(|v| v / 16.0).x().slice(0, 0, 300);
    let mut losses = Vec::new();
    train_linear_ae(&x, 3, 1, |step, loss| losses.push((step, loss)));
    assert!(losses.len() >= 10, "only {} steps were reported", losses.len());
    for (i, &(step, loss)) in losses.iter().enumerate() {
        assert_eq!(step, i, "steps must be numbered 0, 1, 2, … in order");
        assert!(loss.is_finite(), "the loss at step {step} is {loss}");
    }
    let (first, last) = (losses[0].1, losses[losses.len() - 1].1);
    assert!(last < 0.5 * first, "the loss should at least halve: first {first}, last {last}");
}
