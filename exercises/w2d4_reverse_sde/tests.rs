use super::*;
use nma_engine::prelude::*;

/// The exact score of a 1-D Gaussian mixture after the forward process has run to time t:
/// each component N(μₖ, sₖ²) becomes N(μₖ, sₖ² + σ(t)²).
fn noised_mixture_score(x: f32, t: f32, means: &[f32], stds: &[f32], weights: &[f32]) -> f32 {
    let noise = ((25f64.powf(2.0 * t as f64) - 1.0) / (2.0 * 25f64.ln())) as f32;
    let var: Vec<f32> = stds.iter().map(|s| s * s + noise).collect();
    let logs: Vec<f32> = (0..means.len()).map(|k| weights[k].ln() - 0.5 * var[k].ln() - (x - means[k]).powi(2) / (2.0 * var[k])).collect();
    let m = logs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let shares: Vec<f32> = logs.iter().map(|l| (l - m).exp()).collect();
    let total: f32 = shares.iter().sum();
    (0..means.len()).map(|k| shares[k] / total * (means[k] - x) / var[k]).sum()
}

#[test]
fn returns_n_finite_samples() {
    let score = |x: f32, t: f32| noised_mixture_score(x, t, &[-2.0, 2.0], &[0.5, 0.5], &[0.3, 0.7]);
    let mut rng = Rng::new(nma_harness::seed());
    let x = reverse_sde(&score, 20, 10, &mut rng);
    assert_eq!(x.len(), 10, "asked for 10 samples, got {}", x.len());
    assert!(x.iter().all(|v| v.is_finite()), "every sample should be a finite number: {x:?}");
}

#[test]
fn two_modes_in_the_right_proportions() {
    // Data: 30% around −2 and 70% around +2, each with std 0.5. Mean 0.8.
    let score = |x: f32, t: f32| noised_mixture_score(x, t, &[-2.0, 2.0], &[0.5, 0.5], &[0.3, 0.7]);
    let mut rng = Rng::new(nma_harness::seed());
    let x = reverse_sde(&score, 500, 2000, &mut rng);
    assert_eq!(x.len(), 2000);
    let right = x.iter().filter(|&&v| v > 0.0).count() as f32 / 2000.0;
    let mean = x.iter().sum::<f32>() / 2000.0;
    assert!((right - 0.7).abs() < 0.06, "70% of the samples should land in the mode at +2; {:.1}% are above 0", 100.0 * right);
    assert!((mean - 0.8).abs() < 0.2, "the samples' mean should be about 0.8, it is {mean:.3}");
}

#[test]
fn zero_steps_return_the_starting_noise() {
    // Before any step the samples are the forward process's end point, N(0, σ(1)²) with
    // σ(1) ≈ 9.84 — not a standard normal.
    let score = |x: f32, t: f32| noised_mixture_score(x, t, &[-2.0, 2.0], &[0.5, 0.5], &[0.3, 0.7]);
    let mut rng = Rng::new(nma_harness::seed() + 7);
    let x = reverse_sde(&score, 0, 4000, &mut rng);
    assert_eq!(x.len(), 4000, "asked for 4000 samples, got {}", x.len());
    let mean = x.iter().map(|&v| v as f64).sum::<f64>() / 4000.0;
    let std = (x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / 4000.0).sqrt();
    let want = marginal_std(1.0) as f64;
    assert!((std - want).abs() < 0.1 * want, "with 0 steps the samples should be the starting noise, std σ(1) = {want:.2}; they have std {std:.3}");
}
