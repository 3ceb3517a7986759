use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;

/// NT-Xent in f64, written from the definition.
fn reference(z1: &[f32], z2: &[f32], n: usize, d: usize, tau: f64) -> f64 {
    let rows: Vec<Vec<f64>> = z1
        .chunks(d)
        .chain(z2.chunks(d))
        .map(|r| {
            let len = r.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
            r.iter().map(|x| *x as f64 / len).collect()
        })
        .collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut total = 0.0;
    for i in 0..2 * n {
        let partner = (i + n) % (2 * n);
        let denom: f64 = (0..2 * n).filter(|&k| k != i).map(|k| (dot(&rows[i], &rows[k]) / tau).exp()).sum();
        total += -(dot(&rows[i], &rows[partner]) / tau - denom.ln());
    }
    total / (2 * n) as f64
}

fn check(n: usize, d: usize, tau: f32, seed: u64) {
    let z1 = Tensor::randn(&[n, d], seed);
    let z2 = (&z1 + Tensor::randn(&[n, d], seed + 1) * 0.7) * 3.0; // related views, different lengths
    let want = reference(&z1.to_vec(), &z2.to_vec(), n, d, tau as f64) as f32;
    let got = nt_xent(&z1, &z2, tau);
    assert_eq!(got.numel(), 1, "the loss is a single number, got shape {:?}", got.shape());
    assert_scalar_close(got.to_vec()[0], want, 1e-4 * want.abs().max(1.0));
}

#[test]
fn matches_a_reference_on_random_embeddings() {
    check(4, 3, 0.5, 31);
    check(6, 8, 0.1, 41);
}

#[test]
fn small_temperature_and_larger_batch() {
    check(10, 5, 0.05, 51 + nma_harness::seed());
}

#[test]
fn views_far_apart_cost_more() {
    let z1 = Tensor::randn(&[5, 4], 61);
    let close = nt_xent(&z1, &(&z1 + Tensor::randn(&[5, 4], 62) * 0.05), 0.2).to_vec()[0];
    let unrelated = nt_xent(&z1, &Tensor::randn(&[5, 4], 63), 0.2).to_vec()[0];
    assert!(close < unrelated, "matching views should give a lower loss ({close}) than unrelated ones ({unrelated})");
    assert!(close > 0.0, "the loss is positive, got {close}");
}
