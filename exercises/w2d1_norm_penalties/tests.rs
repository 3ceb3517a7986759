use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;

fn value(t: Tensor, what: &str) -> f32 {
    assert_eq!(t.numel(), 1, "{what} must be a single number, got shape {:?}", t.shape());
    t.to_vec()[0]
}

/// A weight matrix and a bias vector: [[3, -4], [0, 12]] and [-5, 0].
fn small_model() -> Vec<Tensor> {
    vec![Tensor::from_vec(vec![3., -4., 0., 12.], &[2, 2]), Tensor::from_vec(vec![-5., 0.], &[2])]
}

#[test]
fn frobenius_of_a_small_model() {
    // 9 + 16 + 0 + 144 + 25 + 0 = 194.
    assert_scalar_close(value(frobenius(&small_model()), "frobenius"), 194f32.sqrt(), 1e-5);
}

#[test]
fn l1_and_l2_of_a_small_model() {
    assert_scalar_close(value(l1_reg(&small_model()), "l1_reg"), 24.0, 1e-5);
    assert_scalar_close(value(l2_reg(&small_model()), "l2_reg"), 194.0, 1e-5);
}
