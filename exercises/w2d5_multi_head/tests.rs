use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn identity_layer(d: usize, heads: usize) -> SelfAttention {
    SelfAttention::new(Tensor::eye(d), Tensor::eye(d), Tensor::eye(d), Tensor::eye(d), heads)
}

#[test]
fn one_head_with_identity_weights() {
    // With every weight the identity, one head is attention(x, x, x) with √2 scaling.
    let x = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2]);
    let y = identity_layer(2, 1).forward(&x);
    assert_close(&y, &[3, 2], &[0.802224, 0.598888, 0.598888, 0.802224, 0.751745, 0.751745], 1e-5);
}

#[test]
fn two_heads_attend_separately() {
    // d = 4, two heads: columns 0–1 and columns 2–3 each attend on their own, scaled by √2.
    let x = Tensor::from_vec(vec![1.0, 0.0, 2.0, 0.0, 0.0, 1.0, 0.0, -1.0, 1.0, 1.0, 1.0, 1.0], &[3, 4]);
    let y = identity_layer(4, 2).forward(&x);
    #[rustfmt::skip]
    let expected = [
        0.802224, 0.598888, 1.722530, 0.141305,
        0.598888, 0.802224, 0.708020, -0.435946,
        0.751745, 0.751745, 1.415179, 0.415179,
    ];
    assert_close(&y, &[3, 4], &expected, 1e-5);
}

#[test]
fn weights_are_applied_as_x_times_w() {
    // The same x and two heads, with weights that are not symmetric: Q = x·wq, V = x·wv (not
    // x·wqᵀ), and wo shifts the concatenated columns one place to the right (column 3 wraps
    // round to column 0), so skipping wo shows too.
    let x = Tensor::from_vec(vec![1.0, 0.0, 2.0, 0.0, 0.0, 1.0, 0.0, -1.0, 1.0, 1.0, 1.0, 1.0], &[3, 4]);
    #[rustfmt::skip]
    let wq = Tensor::from_vec(vec![
        1.0, 0.5, 0.0, 0.0,
        0.0, 1.0, 0.0, 0.0,
        0.0, 0.0, 1.0, 0.0,
        0.0, 0.0, -0.5, 1.0,
    ], &[4, 4]);
    #[rustfmt::skip]
    let wv = Tensor::from_vec(vec![
        2.0, 0.0, 0.0, 0.0,
        0.0, 1.0, 0.0, 0.0,
        0.0, 0.0, 1.0, 1.0,
        0.0, 0.0, 0.0, 1.0,
    ], &[4, 4]);
    let shift: Vec<f32> = (0..16).map(|i| if (i / 4 + 1) % 4 == i % 4 { 1.0 } else { 0.0 }).collect();
    let layer = SelfAttention::new(wq, Tensor::eye(4), wv, Tensor::from_vec(shift, &[4, 4]), 2);
    #[rustfmt::skip]
    let expected = [
        1.863835, 1.550787, 0.680134, 1.722530,
        0.721351, 1.197776, 0.802224, 1.0,
        1.726552, 1.463851, 0.811761, 1.283771,
    ];
    assert_close(&layer.forward(&x), &[3, 4], &expected, 1e-5);
}
