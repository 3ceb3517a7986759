use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn global_norm_over_matrices() {
    // Three tensors of different shapes; squares add up to 4 + 9 + 36 + 0 + 1 + 1 + 0 + 49 = 100.
    let mut grads = vec![
        Tensor::from_vec(vec![2.0, -3.0, 6.0, 0.0], &[2, 2]),
        Tensor::from_vec(vec![1.0, -1.0], &[2]),
        Tensor::from_vec(vec![0.0, 7.0], &[1, 2]),
    ];
    let norm = clip_grad_norm(&mut grads, 1.0);
    assert!((norm - 10.0).abs() < 1e-4, "norm {norm}");
    let s = 1.0 / (10.0 + 1e-6);
    assert_close(&grads[0], &[2, 2], &[2.0 * s, -3.0 * s, 6.0 * s, 0.0], 1e-6);
    assert_close(&grads[1], &[2], &[s, -s], 1e-6);
    assert_close(&grads[2], &[1, 2], &[0.0, 7.0 * s], 1e-6);
    // Clipped gradients have the max norm.
    let after: f32 = grads.iter().map(|g| g.to_vec().iter().map(|v| v * v).sum::<f32>()).sum::<f32>().sqrt();
    assert!((after - 1.0).abs() < 1e-4, "after clipping to 1 the norm is {after}");
}

#[test]
fn a_single_tensor_just_over_the_max() {
    let mut grads = vec![Tensor::from_vec(vec![0.0, 0.0, -2.5], &[3])];
    let norm = clip_grad_norm(&mut grads, 2.0);
    assert!((norm - 2.5).abs() < 1e-5, "norm {norm}");
    assert_close(&grads[0], &[3], &[0.0, 0.0, -2.0], 1e-5);
}

#[test]
fn stops_once_the_loss_is_not_finite() {
    // A NaN input makes the loss NaN: one loss recorded, then stop.
    let cell = RnnCell::new(1, 4, 3);
    let head = Linear::new(4, 1, 4);
    let x = Tensor::from_vec(vec![f32::NAN, 1.0, 2.0], &[1, 3]);
    let y = Tensor::zeros(&[1, 3]);
    let losses = train_bptt(&cell, &head, &x, &y, 10, 0.1, 1.0);
    assert_eq!(losses.len(), 1, "got {losses:?}");
    assert!(!losses[0].is_finite());
}
