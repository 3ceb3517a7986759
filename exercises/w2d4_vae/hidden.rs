use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

#[test]
fn kl_and_its_gradient_on_random_codes() {
    let (n, k) = (5, 3);
    let mu = Tensor::randn(&[n, k], nma_harness::seed() + 1).requires_grad();
    let logvar = Tensor::randn(&[n, k], nma_harness::seed() + 2).requires_grad();
    let kl = kl_to_prior(&mu, &logvar);
    let (m, l) = (mu.to_vec(), logvar.to_vec());
    let want: f64 = m.iter().zip(&l).map(|(&m, &l)| 0.5 * ((m * m) as f64 + (l as f64).exp() - 1.0 - l as f64)).sum::<f64>() / n as f64;
    assert!((kl.item() as f64 - want).abs() < 1e-4 * (1.0 + want), "KL should be {want:.5}, got {}", kl.item());
    kl.backward();
    let (gm, gl) = (mu.grad().expect("gradients must reach μ").to_vec(), logvar.grad().expect("gradients must reach log σ²").to_vec());
    for i in 0..n * k {
        let (wm, wl) = (m[i] as f64 / n as f64, 0.5 * ((l[i] as f64).exp() - 1.0) / n as f64);
        assert!((gm[i] as f64 - wm).abs() < 1e-5 && (gl[i] as f64 - wl).abs() < 1e-5, "element {i}: ∂KL/∂μ should be {wm:.5}, ∂KL/∂log σ² {wl:.5}; got {}, {}", gm[i], gl[i]);
    }
}

#[test]
fn reconstruction_on_random_images() {
    let (n, d) = (4, 64);
    let probs = Tensor::rand(&[n, d], nma_harness::seed() + 3).mul(0.98).add(0.01);
    let x = Tensor::rand(&[n, d], nma_harness::seed() + 4).gt(0.5);
    let got = reconstruction_loss(&probs, &x).item() as f64;
    let want: f64 = probs.to_vec().iter().zip(x.to_vec()).map(|(&p, t)| -(t as f64 * (p as f64).ln() + (1.0 - t as f64) * (1.0 - p as f64).ln())).sum::<f64>() / n as f64;
    assert!((got - want).abs() < 1e-4 * want, "reconstruction loss should be {want:.4}, got {got:.4}");
}

#[test]
fn reparameterisation_follows_the_seed() {
    let mu = Tensor::from_vec(vec![0.5, -0.5, 1.0], &[1, 3]);
    let logvar = Tensor::from_vec(vec![0.0, 1.0, -1.0], &[1, 3]);
    let (a, b, c) = (sample_latent(&mu, &logvar, 5).to_vec(), sample_latent(&mu, &logvar, 5).to_vec(), sample_latent(&mu, &logvar, 6).to_vec());
    assert_eq!(a, b, "the same seed must give the same z");
    assert_ne!(a, c, "another seed should give another z");
    let eps = Tensor::randn(&[1, 3], 5).to_vec();
    for j in 0..3 {
        let want = mu.to_vec()[j] + (0.5 * logvar.to_vec()[j]).exp() * eps[j];
        assert!((a[j] - want).abs() < 1e-5, "z[{j}] should be μ + exp(½·log σ²)·ε with ε = Tensor::randn(shape, seed): {want}, got {}", a[j]);
    }
}

#[test]
fn prior_samples_have_the_shape_and_range_of_the_data() {
    let model = Vae::new(nma_harness::seed() + 9);
    let s = model.sample(7, 11);
    assert_eq!(s.shape(), vec![7, 64], "sample(7, …) gives 7 images of 64 pixels");
    let v = s.to_vec();
    assert!(v.iter().all(|p| (0.0..=1.0).contains(p)), "pixel probabilities are in [0, 1]");
    assert_ne!(v[..64], v[64..128], "each sample decodes its own random code: the first two images should differ");
    assert_eq!(v, model.decode(&Tensor::randn(&[7, LATENT], 11)).to_vec(), "sample(n, seed) decodes Tensor::randn(&[n, LATENT], seed)");
}

#[test]
fn samples_of_a_trained_model_look_like_digits_on_average() {
    // A model trained without the KL term spreads its codes far from N(0, I): decoded prior
    // samples then miss the data (mean-image gap around 0.03); a VAE's stay within 0.002.
    let seed = nma_harness::seed();
    let all = binary_digits();
    let train = all.subset(&(0..1200).collect::<Vec<_>>());
    let mut run = Training::new("squared gap between the mean sample and the mean digit", 0.005, Goal::AtMost);
    let model = train_vae(&train, seed, |step, loss| run.step(step, loss));
    let samples = model.sample(500, seed.wrapping_add(7));
    assert_eq!(samples.shape(), vec![500, 64], "sample(500, …) gives 500 images of 64 pixels");
    assert!(samples.to_vec().iter().all(|p| (0.0..=1.0).contains(p)), "samples are pixel probabilities, in [0, 1]");
    let gap = nn::mse_loss(&samples.mean_dim(0, true), &train.x().mean_dim(0, true)).item() as f64;
    run.finish(gap);
}
