// I put eps inside the square root, sqrt(v + eps), instead of adding it after the root.
//! W1D4 — one step of RMSprop, by hand (reference solution).
use nma_engine::prelude::*;

pub fn rmsprop_update(params: &[Tensor], sq_avg: &mut [Vec<f32>], lr: f32, alpha: f32, eps: f32) {
    for (p, v) in params.iter().zip(sq_avg.iter_mut()) {
        let Some(g) = p.grad() else { continue };
        let mut values = p.to_vec();
        for ((value, avg), grad) in values.iter_mut().zip(v.iter_mut()).zip(g.to_vec()) {
            *avg = alpha * *avg + (1.0 - alpha) * grad * grad;
            *value -= lr * grad / (*avg + eps).sqrt(); // eps inside the root
        }
        p.set_data(&Tensor::from_vec(values, &p.shape()));
    }
}
