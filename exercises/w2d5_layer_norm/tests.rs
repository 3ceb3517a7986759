use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn layer_norm_of_two_rows() {
    // Row 1: mean 2.5, variance 1.25. Row 2: mean 3, variance 3.
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 2.0, 2.0, 2.0, 6.0], &[2, 4]);
    #[rustfmt::skip]
    let expected = [
        -1.341635, -0.447212, 0.447212, 1.341635,
        -0.577349, -0.577349, -0.577349, 1.732048,
    ];
    assert_close(&layer_norm(&x, 1e-5), &[2, 4], &expected, 1e-5);
}

#[test]
fn first_rows_of_the_encoding() {
    // dim 4: frequencies 1 and 1/100.
    let pe = positional_encoding(2, 4);
    assert_close(&pe, &[2, 4], &[0.0, 1.0, 0.0, 1.0, 0.841471, 0.540302, 0.01, 0.99995], 1e-5);
}

#[test]
fn a_large_eps_goes_under_the_root() {
    // [1, 3]: mean 2, variance 1. With eps = 3 the scale is √(1 + 3) = 2, so [−0.5, 0.5]
    // (adding eps after the root would divide by 1 + 3 = 4).
    let x = Tensor::from_vec(vec![1.0, 3.0], &[1, 2]);
    assert_close(&layer_norm(&x, 3.0), &[1, 2], &[-0.5, 0.5], 1e-6);
}
