use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::{assert_close, assert_scalar_close};

#[test]
fn evaluation_mode_changes_nothing() {
    let x = Tensor::from_vec(vec![1.5, -2.0, 0.25, 4.0, -0.5, 3.0], &[2, 3]);
    let values = x.to_vec();
    assert_close(&dropout(&x, 0.5, false, 7), &[2, 3], &values, 0.0);
    assert_close(&dropout(&x, 0.0, true, 7), &[2, 3], &values, 0.0);
}

#[test]
fn drops_about_p_and_scales_the_survivors() {
    let p = 0.3;
    let y = dropout(&Tensor::ones(&[100, 100]), p, true, 0);
    assert_eq!(y.shape(), vec![100, 100], "dropout keeps the shape");
    let values = y.to_vec();
    for &v in &values {
        assert!(v == 0.0 || (v - 1.0 / 0.7).abs() < 1e-5, "every element is either dropped (0) or scaled to 1/(1 − p) = {}, found {v}", 1.0 / 0.7);
    }
    let dropped = values.iter().filter(|&&v| v == 0.0).count() as f32 / 10_000.0;
    assert!((dropped - p).abs() < 0.02, "with p = 0.3 about 30% should be dropped, but {:.1}% were", 100.0 * dropped);
    let mean = values.iter().sum::<f32>() / 10_000.0;
    assert!((mean - 1.0).abs() < 0.03, "the mean should stay about 1, got {mean}");
}

#[test]
fn p_one_drops_everything() {
    // Every unit dropped: zeros, not the NaN of 0 / (1 − 1).
    let x = Tensor::from_vec(vec![1.5, -2.0, 0.25, 4.0], &[2, 2]);
    assert_close(&dropout(&x, 1.0, true, 7), &[2, 2], &[0.0, 0.0, 0.0, 0.0], 0.0);
}

#[test]
fn the_result_stays_connected_to_x() {
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).requires_grad();
    dropout(&x, 0.5, true, 3).sum().backward();
    assert!(
        x.grad().is_some(),
        "x has no gradient after backward: build the result with tensor operations on x (x * &mask / (1 − p)), not from to_vec()"
    );
}

#[test]
fn penalty_adds_lambda_times_the_sum_of_squares() {
    let params = [Tensor::from_vec(vec![1.0, -2.0], &[2]), Tensor::from_vec(vec![3.0], &[1, 1])];
    // 1 + 4 + 9 = 14, so 1.5 + 0.1·14 = 2.9.
    let got = penalised_loss(&Tensor::scalar(1.5), &params, 0.1);
    assert_eq!(got.numel(), 1, "the penalised loss is a single number");
    assert_scalar_close(got.to_vec()[0], 2.9, 1e-5);
}
