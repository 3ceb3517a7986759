use super::*;
use nma_engine::prelude::*;

fn noised_mixture_score(x: f32, t: f32, means: &[f32], stds: &[f32], weights: &[f32]) -> f32 {
    let noise = ((25f64.powf(2.0 * t as f64) - 1.0) / (2.0 * 25f64.ln())) as f32;
    let var: Vec<f32> = stds.iter().map(|s| s * s + noise).collect();
    let logs: Vec<f32> = (0..means.len()).map(|k| weights[k].ln() - 0.5 * var[k].ln() - (x - means[k]).powi(2) / (2.0 * var[k])).collect();
    let m = logs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let shares: Vec<f32> = logs.iter().map(|l| (l - m).exp()).collect();
    let total: f32 = shares.iter().sum();
    (0..means.len()).map(|k| shares[k] / total * (means[k] - x) / var[k]).sum()
}

/// (fraction above `split`, mean, variance, std of the samples above `split`).
fn summary(x: &[f32], split: f32) -> (f64, f64, f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    let upper: Vec<f64> = x.iter().filter(|&&v| v > split).map(|&v| v as f64).collect();
    let um = upper.iter().sum::<f64>() / upper.len().max(1) as f64;
    let us = (upper.iter().map(|v| (v - um).powi(2)).sum::<f64>() / upper.len().max(1) as f64).sqrt();
    (upper.len() as f64 / n, mean, var, us)
}

#[test]
fn moments_of_a_lopsided_mixture() {
    // 60% around −1 (std 0.3), 40% around 3 (std 0.6): mean 0.6, variance 0.054 + 0.144 + 0.24·16 = 4.038.
    let score = |x: f32, t: f32| noised_mixture_score(x, t, &[-1.0, 3.0], &[0.3, 0.6], &[0.6, 0.4]);
    let mut rng = Rng::new(nma_harness::seed() + 100);
    let x = reverse_sde(&score, 500, 2000, &mut rng);
    let (upper, mean, var, _) = summary(&x, 1.0);
    assert!((upper - 0.4).abs() < 0.06, "40% should land around 3, got {:.1}%", 100.0 * upper);
    assert!((mean - 0.6).abs() < 0.2, "mean should be about 0.6, got {mean:.3}");
    assert!((var - 4.038).abs() < 0.4, "variance should be about 4.04, got {var:.3}");
}

#[test]
fn each_mode_keeps_its_width() {
    let score = |x: f32, t: f32| noised_mixture_score(x, t, &[-2.0, 2.0], &[0.5, 0.5], &[0.3, 0.7]);
    let mut rng = Rng::new(nma_harness::seed() + 200);
    let x = reverse_sde(&score, 500, 2000, &mut rng);
    let (_, _, var, upper_std) = summary(&x, 0.0);
    assert!((upper_std - 0.5).abs() < 0.1, "the mode at +2 should have std 0.5, the samples there have {upper_std:.3}");
    assert!((var - 3.61).abs() < 0.4, "variance should be about 3.61, got {var:.3}");
}

#[test]
fn one_hundred_steps_are_enough() {
    let score = |x: f32, t: f32| noised_mixture_score(x, t, &[-2.0, 2.0], &[0.5, 0.5], &[0.3, 0.7]);
    let mut rng = Rng::new(nma_harness::seed() + 300);
    let x = reverse_sde(&score, 100, 2000, &mut rng);
    let (upper, mean, var, upper_std) = summary(&x, 0.0);
    assert!((upper - 0.7).abs() < 0.06, "70% should land around +2, got {:.1}%", 100.0 * upper);
    assert!((mean - 0.8).abs() < 0.2, "mean should be about 0.8, got {mean:.3}");
    assert!((var - 3.61).abs() < 0.4, "variance should be about 3.61, got {var:.3}");
    assert!((upper_std - 0.5).abs() < 0.1, "the mode at +2 should have std 0.5, got {upper_std:.3}");
}
