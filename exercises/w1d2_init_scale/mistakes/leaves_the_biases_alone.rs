// Re-draws the weight matrices but leaves the biases as the layers initialised them instead of setting them to zero.
//! W1D2 — initialise a network's weights at a chosen scale (reference solution).
use nma_engine::prelude::*;

pub fn init_normal(model: &dyn Module, gamma: f32, seed: u64) {
    for (i, p) in model.parameters().iter().enumerate() {
        if p.ndim() >= 2 {
            let stream = seed.wrapping_add(i as u64);
            p.set_data(&(Tensor::randn(&p.shape(), stream) * gamma));
        } // biases left as they were
    }
}
