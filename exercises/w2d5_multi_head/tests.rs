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
