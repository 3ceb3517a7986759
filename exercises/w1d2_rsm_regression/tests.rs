use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn rsm_of_four_items() {
    // Items 0 and 1 rise together, item 2 falls, item 3 peaks in the middle (uncorrelated).
    let h = Tensor::from_vec(vec![1., 2., 3., 2., 4., 6., 3., 2., 1., 0., 1., 0.], &[4, 3]);
    #[rustfmt::skip]
    let expected = [
         1.,  1., -1., 0.,
         1.,  1., -1., 0.,
        -1., -1.,  1., 0.,
         0.,  0.,  0., 1.,
    ];
    assert_close(&rsm(&h), &[4, 4], &expected, 1e-5);
}

#[test]
fn regression_recovers_the_true_weights() {
    let w_true = Tensor::from_vec(vec![1.5, -2.0, 0.5, 0.0, 3.0, -1.0], &[2, 3]);
    let x = Tensor::randn(&[30, 3], 0);
    let y = x.matmul(&w_true.t()); // no noise: y = x·W_trueᵀ exactly
    assert_close(&linear_regression(&x, &y), &[2, 3], &w_true.to_vec(), 1e-3);
}
