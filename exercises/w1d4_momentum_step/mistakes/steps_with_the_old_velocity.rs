// I moved the parameter with the velocity from the last step and only then updated the velocity.
//! W1D4 — one step of SGD with momentum, by hand (reference solution).
use nma_engine::prelude::*;

pub fn momentum_update(params: &[Tensor], velocities: &mut [Vec<f32>], lr: f32, beta: f32) {
    for (p, v) in params.iter().zip(velocities.iter_mut()) {
        let Some(g) = p.grad() else { continue };
        let mut values = p.to_vec();
        for ((value, vel), grad) in values.iter_mut().zip(v.iter_mut()).zip(g.to_vec()) {
            *value -= lr * *vel; // steps with the old velocity
            *vel = beta * *vel + grad;
        }
        p.set_data(&Tensor::from_vec(values, &p.shape()));
    }
}
