use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn velocity_follows_the_pytorch_convention() {
    // From a non-zero velocity: v = β·v + g (not β·v − lr·g, not β·v + (1 − β)·g).
    let w = Tensor::from_vec(vec![2.0, 0.0, -1.0], &[3]).requires_grad();
    (&w * Tensor::from_vec(vec![1.0, -3.0, 0.5], &[3])).sum().backward(); // g = [1, −3, 0.5]
    let mut velocities = vec![vec![0.5, 1.0, -2.0]];
    momentum_update(&[w.clone()], &mut velocities, 0.2, 0.5);
    assert_close(&Tensor::from_vec(velocities[0].clone(), &[3]), &[3], &[1.25, -2.5, -0.5], 1e-6);
    assert_close(&w, &[3], &[1.75, 0.5, -0.9], 1e-6);
}

#[test]
fn matches_a_reference_over_three_steps() {
    // L = ½·Σ a⊙P² + Σ (b − t)², so ∂L/∂P = a⊙P and ∂L/∂b = 2(b − t). Reference in f64.
    let a = [3.0f64, 0.5, 1.0, 2.0];
    let t = [1.0f64, -1.0, 0.25];
    let (lr, beta) = (0.05f32, 0.8f32);
    let mut p_ref = [0.5f64, -1.0, 2.0, 0.25];
    let mut b_ref = [0.0f64, 0.5, -0.5];
    let (mut vp, mut vb) = ([0f64; 4], [0f64; 3]);

    let p = Tensor::from_vec(p_ref.iter().map(|&v| v as f32).collect(), &[2, 2]).requires_grad();
    let b = Tensor::from_vec(b_ref.iter().map(|&v| v as f32).collect(), &[3]).requires_grad();
    let a_t = Tensor::from_vec(a.iter().map(|&v| v as f32).collect(), &[2, 2]);
    let t_t = Tensor::from_vec(t.iter().map(|&v| v as f32).collect(), &[3]);
    let mut velocities = vec![vec![0.0; 4], vec![0.0; 3]];
    for _ in 0..3 {
        p.zero_grad();
        b.zero_grad();
        ((&a_t * p.square()).sum() * 0.5 + (&b - &t_t).square().sum()).backward();
        momentum_update(&[p.clone(), b.clone()], &mut velocities, lr, beta);
        for i in 0..4 {
            vp[i] = beta as f64 * vp[i] + a[i] * p_ref[i];
            p_ref[i] -= lr as f64 * vp[i];
        }
        for i in 0..3 {
            vb[i] = beta as f64 * vb[i] + 2.0 * (b_ref[i] - t[i]);
            b_ref[i] -= lr as f64 * vb[i];
        }
    }
    let f = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    assert_close(&p, &[2, 2], &f(&p_ref), 1e-5);
    assert_close(&b, &[3], &f(&b_ref), 1e-5);
    assert_close(&Tensor::from_vec(velocities[0].clone(), &[4]), &[4], &f(&vp), 1e-5);
    assert_close(&Tensor::from_vec(velocities[1].clone(), &[3]), &[3], &f(&vb), 1e-5);
}

#[test]
fn skips_parameters_without_a_gradient() {
    let used = Tensor::from_vec(vec![1.0], &[1]).requires_grad();
    let unused = Tensor::from_vec(vec![5.0, 6.0], &[2]).requires_grad();
    (&used * 2.0).sum().backward();
    let mut velocities = vec![vec![0.5, -0.5], vec![1.0]];
    momentum_update(&[unused.clone(), used.clone()], &mut velocities, 0.1, 0.9);
    assert_close(&unused, &[2], &[5.0, 6.0], 0.0);
    assert_eq!(velocities[0], vec![0.5, -0.5], "a parameter without a gradient keeps its velocity");
    // used: v = 0.9·1 + 2 = 2.9, w = 1 − 0.29.
    assert_close(&used, &[1], &[0.71], 1e-6);
}
