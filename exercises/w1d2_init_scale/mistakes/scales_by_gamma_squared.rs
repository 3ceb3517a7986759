// Multiplies the standard normal samples by gamma² (thinking of the variance) instead of gamma.
//! W1D2 — initialise a network's weights at a chosen scale (reference solution).
use nma_engine::prelude::*;

pub fn init_normal(model: &dyn Module, gamma: f32, seed: u64) {
    for (i, p) in model.parameters().iter().enumerate() {
        if p.ndim() >= 2 {
            let stream = seed.wrapping_add(i as u64);
            p.set_data(&(Tensor::randn(&p.shape(), stream) * (gamma * gamma))); // variance gamma², not standard deviation
        } else {
            p.set_data(&Tensor::zeros_like(p));
        }
    }
}
