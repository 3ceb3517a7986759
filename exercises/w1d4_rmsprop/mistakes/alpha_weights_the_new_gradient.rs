// I swapped the weights of the running average: v = (1 - alpha)*v + alpha*g².
//! W1D4 — one step of RMSprop, by hand (reference solution).
use nma_engine::prelude::*;

pub fn rmsprop_update(params: &[Tensor], sq_avg: &mut [Vec<f32>], lr: f32, alpha: f32, eps: f32) {
    for (p, v) in params.iter().zip(sq_avg.iter_mut()) {
        let Some(g) = p.grad() else { continue };
        let mut values = p.to_vec();
        for ((value, avg), grad) in values.iter_mut().zip(v.iter_mut()).zip(g.to_vec()) {
            *avg = (1.0 - alpha) * *avg + alpha * grad * grad; // weights swapped
            *value -= lr * grad / (avg.sqrt() + eps);
        }
        p.set_data(&Tensor::from_vec(values, &p.shape()));
    }
}
