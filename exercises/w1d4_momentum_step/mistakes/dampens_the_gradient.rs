// I used the exponential-average form v = beta*v + (1 - beta)*g instead of PyTorch's v = beta*v + g.
//! W1D4 — one step of SGD with momentum, by hand (reference solution).
use nma_engine::prelude::*;

pub fn momentum_update(params: &[Tensor], velocities: &mut [Vec<f32>], lr: f32, beta: f32) {
    for (p, v) in params.iter().zip(velocities.iter_mut()) {
        let Some(g) = p.grad() else { continue };
        let mut values = p.to_vec();
        for ((value, vel), grad) in values.iter_mut().zip(v.iter_mut()).zip(g.to_vec()) {
            *vel = beta * *vel + (1.0 - beta) * grad; // dampened
            *value -= lr * *vel;
        }
        p.set_data(&Tensor::from_vec(values, &p.shape()));
    }
}
