use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn leaves_parameters_without_a_gradient_alone() {
    let used = Tensor::from_vec(vec![2.0, 4.0], &[2]).requires_grad();
    let unused = Tensor::from_vec(vec![7.0, -7.0, 1.0], &[3]).requires_grad();
    (&used * 3.0).sum().backward(); // gradient 3 for `used`, none for `unused`
    gradient_update(&[unused.clone(), used.clone()], 0.25);
    assert_close(&used, &[2], &[1.25, 3.25], 1e-6);
    assert_close(&unused, &[3], &[7.0, -7.0, 1.0], 0.0);
}

/// A 3→2 layer on four points with loss ½·mean over all outputs of (y − t)²,
/// its gradients worked out in f64: dL/dy = (y − t) / 8, dW = (dL/dy)ᵀ·x, db = Σ rows.
#[test]
fn matches_a_reference_on_a_small_network() {
    let w: Vec<f32> = vec![0.2, -0.4, 0.1, 0.5, 0.3, -0.6];
    let b: Vec<f32> = vec![0.05, -0.1];
    let x: Vec<f32> = vec![1.0, 0.5, -1.0, 0.0, 2.0, 1.0, -1.5, 0.5, 0.25, 3.0, -2.0, 1.0];
    let t: Vec<f32> = vec![1.0, -1.0, 0.5, 0.0, -0.5, 2.0, 1.5, 1.0];
    let lr = 0.3f32;

    let mut dy = [[0f64; 2]; 4];
    for i in 0..4 {
        for o in 0..2 {
            let y = b[o] as f64 + (0..3).map(|k| w[o * 3 + k] as f64 * x[i * 3 + k] as f64).sum::<f64>();
            dy[i][o] = (y - t[i * 2 + o] as f64) / 8.0;
        }
    }
    let mut want_w = Vec::new();
    for o in 0..2 {
        for k in 0..3 {
            let g: f64 = (0..4).map(|i| dy[i][o] * x[i * 3 + k] as f64).sum();
            want_w.push((w[o * 3 + k] as f64 - lr as f64 * g) as f32);
        }
    }
    let want_b: Vec<f32> = (0..2)
        .map(|o| (b[o] as f64 - lr as f64 * (0..4).map(|i| dy[i][o]).sum::<f64>()) as f32)
        .collect();

    let layer = Linear::from_tensors(Tensor::from_vec(w, &[2, 3]), Some(Tensor::from_vec(b, &[2])));
    let y = layer.forward(&Tensor::from_vec(x, &[4, 3]));
    let loss = (y - Tensor::from_vec(t, &[4, 2])).square().mean() * 0.5;
    loss.backward();
    gradient_update(&layer.parameters(), lr);
    assert_close(&layer.weight, &[2, 3], &want_w, 1e-5);
    assert_close(layer.bias.as_ref().unwrap(), &[2], &want_b, 1e-5);
}

#[test]
fn a_learning_rate_of_zero_changes_nothing() {
    let w = Tensor::from_vec(vec![0.5, -1.5, 2.5, 3.5], &[2, 2]).requires_grad();
    w.square().sum().backward();
    gradient_update(&[w.clone()], 0.0);
    assert_close(&w, &[2, 2], &[0.5, -1.5, 2.5, 3.5], 0.0);
}
