use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn first_step_from_a_zero_average() {
    // L = ½·Σ w² (gradient w), α = 0.9: v = 0.1·g² = [0.1, 0.4], and each weight moves by
    // lr·g/√v = 0.01·√10 ≈ 0.0316 — the same distance, whatever the size of its gradient.
    let w = Tensor::from_vec(vec![1.0, -2.0], &[2]).requires_grad();
    (w.square().sum() * 0.5).backward();
    let mut sq_avg = vec![vec![0.0; 2]];
    rmsprop_update(&[w.clone()], &mut sq_avg, 0.01, 0.9, 1e-8);
    assert_close(&Tensor::from_vec(sq_avg[0].clone(), &[2]), &[2], &[0.1, 0.4], 1e-6);
    assert_close(&w, &[2], &[0.968_377_2, -1.968_377_2], 1e-6);
}

#[test]
fn the_average_remembers_earlier_gradients() {
    // L = w² (gradient 2w), α = 0.5, lr = 0.1, ε = 0, from w = 1.
    // Step 1: g = 2, v = 2, w = 1 − 0.1·2/√2 = 0.858579.
    // Step 2: g = 1.717157, v = 0.5·2 + 0.5·g² = 2.474315, w = 0.749414.
    let w = Tensor::from_vec(vec![1.0], &[1]).requires_grad();
    let mut sq_avg = vec![vec![0.0]];
    let expected = [(0.858_578_6, 2.0), (0.749_413_8, 2.474_314_6)];
    for (step, (want_w, want_v)) in expected.into_iter().enumerate() {
        w.zero_grad();
        w.square().sum().backward();
        rmsprop_update(&[w.clone()], &mut sq_avg, 0.1, 0.5, 0.0);
        assert!((sq_avg[0][0] - want_v).abs() < 1e-5, "after step {}: average {} but expected {want_v}", step + 1, sq_avg[0][0]);
        assert_close(&w, &[1], &[want_w], 1e-5);
    }
}

#[test]
fn a_tiny_gradient_with_a_large_eps() {
    // L = 0.002·w (gradient 0.002), α = 0.5, lr = 0.2, ε = 0.01: v = 0.5·0.002² = 2e-6 and
    // the step is 0.2·0.002 / (√v + ε) = 0.0004 / 0.011414 ≈ 0.035. With ε inside the root,
    // √(v + ε) ≈ 0.1, the step would be ten times shorter.
    let w = Tensor::from_vec(vec![1.0], &[1]).requires_grad();
    (&w * 0.002).sum().backward();
    let mut sq_avg = vec![vec![0.0]];
    rmsprop_update(&[w.clone()], &mut sq_avg, 0.2, 0.5, 0.01);
    assert_close(&w, &[1], &[0.964_956], 1e-5);
}
