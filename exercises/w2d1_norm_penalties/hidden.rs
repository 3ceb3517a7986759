use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;

fn value(t: Tensor, what: &str) -> f32 {
    assert_eq!(t.numel(), 1, "{what} must be a single number, got shape {:?}", t.shape());
    t.to_vec()[0]
}

/// Three tensors of different ranks with mixed signs, and their values as f64.
fn model() -> (Vec<Tensor>, Vec<f64>) {
    let a: Vec<f32> = (0..12).map(|i| (i as f32 - 5.5) * 0.3).collect();
    let b: Vec<f32> = vec![-1.25, 2.5, -0.75];
    let c: Vec<f32> = (0..8).map(|i| ((i * 3) % 5) as f32 - 2.0).collect();
    let all: Vec<f64> = a.iter().chain(&b).chain(&c).map(|&v| v as f64).collect();
    let tensors = vec![
        Tensor::from_vec(a, &[3, 4]),
        Tensor::from_vec(b, &[3]),
        Tensor::from_vec(c, &[2, 2, 2]),
    ];
    (tensors, all)
}

#[test]
fn frobenius_takes_one_root_over_all_tensors() {
    // Two tensors with norms 5 and 12 (sum of squares 25 + 144): the whole model has norm 13, not 17.
    let weights = vec![Tensor::from_vec(vec![3., 4.], &[2]), Tensor::from_vec(vec![0., -12., 0.], &[3, 1])];
    assert_scalar_close(value(frobenius(&weights), "frobenius"), 13.0, 1e-5);
    let (weights, all) = model();
    let expected = all.iter().map(|v| v * v).sum::<f64>().sqrt() as f32;
    assert_scalar_close(value(frobenius(&weights), "frobenius"), expected, 1e-5);
}

#[test]
fn l1_counts_negative_values_as_positive() {
    let (weights, all) = model();
    let expected = all.iter().map(|v| v.abs()).sum::<f64>() as f32;
    assert_scalar_close(value(l1_reg(&weights), "l1_reg"), expected, 1e-5);
}

#[test]
fn l2_is_the_plain_sum_of_squares() {
    let (weights, all) = model();
    let expected = all.iter().map(|v| v * v).sum::<f64>() as f32;
    assert_scalar_close(value(l2_reg(&weights), "l2_reg"), expected, 1e-5);
    // A single weight of 0.5: L2 is 0.25 — not 0.5 (a square root) and not 0.125 (a factor ½).
    let one = vec![Tensor::from_vec(vec![0.5], &[1])];
    assert_scalar_close(value(l2_reg(&one), "l2_reg"), 0.25, 1e-6);
}
