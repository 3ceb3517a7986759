// Draws every weight matrix from the same seed, so layers of the same shape get identical weights.
//! W1D2 — initialise a network's weights at a chosen scale (reference solution).
use nma_engine::prelude::*;

pub fn init_normal(model: &dyn Module, gamma: f32, seed: u64) {
    for (i, p) in model.parameters().iter().enumerate() {
        if p.ndim() >= 2 {
            let stream = seed + 0 * i as u64; // every matrix from the same stream
            p.set_data(&(Tensor::randn(&p.shape(), stream) * gamma));
        } else {
            p.set_data(&Tensor::zeros_like(p));
        }
    }
}
