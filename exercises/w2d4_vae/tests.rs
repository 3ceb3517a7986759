use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// The negative ELBO of `model` on `x`, computed here on its own in f64 (one draw of z per
/// image from a fixed seed): (reconstruction + KL, KL).
fn measured_negative_elbo(model: &Vae, x: &Tensor) -> (f64, f64) {
    let n = x.shape()[0];
    let (mu, logvar) = model.encode(x);
    let (m, l) = (mu.to_vec(), logvar.to_vec());
    let eps = Tensor::randn(&[n, LATENT], 2024).to_vec();
    let z: Vec<f32> = (0..m.len()).map(|i| m[i] + (0.5 * l[i]).exp() * eps[i]).collect();
    let p = model.decode(&Tensor::from_vec(z, &[n, LATENT])).to_vec();
    let xs = x.to_vec();
    let mut recon = 0.0;
    for (pi, xi) in p.iter().zip(&xs) {
        let pi = (*pi as f64).clamp(1e-7, 1.0 - 1e-7);
        recon -= *xi as f64 * pi.ln() + (1.0 - *xi as f64) * (1.0 - pi).ln();
    }
    let kl: f64 = m.iter().zip(&l).map(|(&m, &l)| 0.5 * ((m * m) as f64 + (l as f64).exp() - 1.0 - l as f64)).sum();
    ((recon + kl) / n as f64, kl / n as f64)
}

#[test]
fn kl_by_hand() {
    // Row 0: μ = (1, 0), σ² = (1, 2): ½(1 + 1 − 1 − 0) + ½(0 + 2 − 1 − ln 2) = 0.5 + 0.1534.
    // Row 1: μ = 0, σ² = 1 — the prior itself — costs 0. The mean over the two rows: 0.3267.
    let mu = Tensor::from_vec(vec![1.0, 0.0, 0.0, 0.0], &[2, 2]);
    let logvar = Tensor::from_vec(vec![0.0, 2f32.ln(), 0.0, 0.0], &[2, 2]);
    let got = kl_to_prior(&mu, &logvar);
    assert_eq!(got.numel(), 1, "the KL term is one number, got shape {:?}", got.shape());
    let want = (0.5 + 0.5 * (1.0 - 2f64.ln())) / 2.0;
    assert!((got.item() as f64 - want).abs() < 1e-5, "KL should be {want:.5} (summed over each row's latents, averaged over the 2 rows), got {}", got.item());
}

#[test]
fn reconstruction_by_hand() {
    // Image 0: p = (0.9, 0.2), x = (1, 0): −ln 0.9 − ln 0.8. Image 1: p = (0.5, 0.5), x = (1, 1): 2·ln 2.
    let probs = Tensor::from_vec(vec![0.9, 0.2, 0.5, 0.5], &[2, 2]);
    let x = Tensor::from_vec(vec![1.0, 0.0, 1.0, 1.0], &[2, 2]);
    let got = reconstruction_loss(&probs, &x).item() as f64;
    let want = (-(0.9f64.ln()) - 0.8f64.ln() + 2.0 * 2f64.ln()) / 2.0;
    assert!((got - want).abs() < 1e-5, "reconstruction loss should be {want:.5} (cross-entropy summed over the pixels of an image, averaged over the 2 images), got {got}");
}

#[test]
fn reparameterised_samples_have_the_right_mean_and_spread() {
    // 4000 rows of μ = (3, −1), σ² = (4, 0.25): z should have mean (3, −1) and std (2, 0.5).
    let n = 4000;
    let mu = Tensor::from_vec([3.0, -1.0].repeat(n), &[n, 2]).requires_grad();
    let logvar = Tensor::from_vec([4f32.ln(), 0.25f32.ln()].repeat(n), &[n, 2]).requires_grad();
    let z = sample_latent(&mu, &logvar, nma_harness::seed());
    assert_eq!(z.shape(), vec![n, 2], "z has the shape of μ");
    let v = z.to_vec();
    for (j, (m, s)) in [(3.0f64, 2.0f64), (-1.0, 0.5)].into_iter().enumerate() {
        let col: Vec<f64> = v.iter().skip(j).step_by(2).map(|&x| x as f64).collect();
        let mean = col.iter().sum::<f64>() / n as f64;
        let sd = (col.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        assert!((mean - m).abs() < 0.1 * s, "column {j}: z should have mean {m}, got {mean:.3}");
        assert!((sd / s - 1.0).abs() < 0.06, "column {j}: z should have standard deviation {s} = exp(½·log σ²), got {sd:.3}");
    }
    z.sum().backward();
    let g = mu.grad().expect("gradients must reach μ through z: build z with tensor operations").to_vec();
    assert!(g.iter().all(|d| (d - 1.0).abs() < 1e-6), "∂z/∂μ is 1 for every element");
    assert!(logvar.grad().is_some(), "gradients must reach log σ² through z too");
}

#[test]
fn the_negative_elbo_is_reconstruction_plus_kl_of_a_sampled_code() {
    let model = Vae::new(3);
    let all = binary_digits();
    let x = all.batch(&(0..10).collect::<Vec<_>>()).x;
    let (mu, logvar) = model.encode(&x);
    let z = sample_latent(&mu, &logvar, 77);
    let want = reconstruction_loss(&model.decode(&z), &x).item() + kl_to_prior(&mu, &logvar).item();
    let got = negative_elbo(&model, &x, 77).item();
    assert!((got - want).abs() < 1e-4, "negative_elbo(model, x, 77) should decode z = sample_latent(μ, log σ², 77) and add the KL term: want {want:.5}, got {got:.5}");
}

#[test]
fn training_lowers_the_negative_elbo_on_digits_it_never_saw() {
    // Untrained: about 44 per image. Always drawing the average digit (a model that ignores
    // its input): about 25. A model trained without the KL term pays a KL of 40 or more.
    let seed = nma_harness::seed();
    let all = binary_digits();
    let train = all.subset(&(0..1200).collect::<Vec<_>>());
    let held_out = all.batch(&(1200..all.len()).collect::<Vec<_>>()).x;
    let mut run = Training::new("held-out negative ELBO per image", 22.0, Goal::AtMost);
    let model = train_vae(&train, seed, |step, loss| run.step(step, loss));
    let (nelbo, _kl) = measured_negative_elbo(&model, &held_out);
    run.finish(nelbo);
}
