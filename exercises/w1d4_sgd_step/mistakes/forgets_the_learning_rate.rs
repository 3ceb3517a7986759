// I subtracted the whole gradient and forgot to multiply it by the learning rate.
//! W1D4 — one step of gradient descent, by hand (reference solution).
use nma_engine::prelude::*;

pub fn gradient_update(params: &[Tensor], lr: f32) {
    let _ = lr;
    for p in params {
        if let Some(g) = p.grad() {
            p.set_data(&(p - &g)); // no lr
        }
    }
}
