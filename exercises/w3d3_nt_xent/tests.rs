use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;

fn loss(z1: Vec<f32>, z2: Vec<f32>, n: usize, d: usize, tau: f32) -> f32 {
    let got = nt_xent(&Tensor::from_vec(z1, &[n, d]), &Tensor::from_vec(z2, &[n, d]), tau);
    assert_eq!(got.numel(), 1, "the loss is a single number, got shape {:?}", got.shape());
    got.to_vec()[0]
}

#[test]
fn identical_orthogonal_views() {
    // Rows e1, e2, e1, e2: each row's partner scores 1/tau, the other two score 0.
    // ℓ = −log(e^(1/tau) / (e^(1/tau) + 2)) = log(1 + 2·e^(−1/tau)).
    let z = vec![1.0, 0.0, 0.0, 1.0];
    assert_scalar_close(loss(z.clone(), z.clone(), 2, 2, 1.0), 0.551445, 1e-5);
    assert_scalar_close(loss(z.clone(), z, 2, 2, 0.5), 0.239545, 1e-5);
}

#[test]
fn rows_are_normalised_first() {
    // z2 = [3, 4] and [0, 2]: length does not matter, only direction. Worked out in f64.
    assert_scalar_close(loss(vec![1.0, 0.0, 0.0, 1.0], vec![3.0, 4.0, 0.0, 2.0], 2, 2, 0.5), 0.758885, 1e-5);
}
