use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

/// L = ½·Σ w², whose gradient is w itself.
fn bowl_gradient(w: &Tensor) {
    w.zero_grad();
    (w.square().sum() * 0.5).backward();
}

#[test]
fn first_step_from_rest_is_a_plain_step() {
    let w = Tensor::from_vec(vec![1.0, -2.0], &[2]).requires_grad();
    let mut velocities = vec![vec![0.0; 2]];
    bowl_gradient(&w);
    momentum_update(&[w.clone()], &mut velocities, 0.1, 0.9);
    // v = 0.9·0 + g = [1, −2];  w = w − 0.1·v.
    assert_eq!(velocities[0], vec![1.0, -2.0], "after one step from rest the velocity is the gradient");
    assert_close(&w, &[2], &[0.9, -1.8], 1e-6);
}

#[test]
fn two_steps_on_a_bowl() {
    let w = Tensor::from_vec(vec![1.0, -2.0], &[2]).requires_grad();
    let mut velocities = vec![vec![0.0; 2]];
    for _ in 0..2 {
        bowl_gradient(&w);
        momentum_update(&[w.clone()], &mut velocities, 0.1, 0.9);
    }
    // Step 2: g = [0.9, −1.8];  v = 0.9·[1, −2] + g = [1.8, −3.6];  w = [0.9, −1.8] − 0.1·v.
    assert_close(&Tensor::from_vec(velocities[0].clone(), &[2]), &[2], &[1.8, -3.6], 1e-6);
    assert_close(&w, &[2], &[0.72, -1.44], 1e-6);
}
