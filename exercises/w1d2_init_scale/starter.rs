//! W1D2 — initialise a network's weights at a chosen scale.
use nma_engine::prelude::*;

/// Sets every weight matrix of `model` to samples of N(0, gamma²), and every bias to 0.
/// Deterministic: the same `seed` gives the same weights.
pub fn init_normal(model: &dyn Module, gamma: f32, seed: u64) {
    // TODO: for each parameter p of the model, replace its values with `p.set_data(...)`:
    // normal samples times gamma for weights (p.ndim() >= 2), zeros for biases.
    // This placeholder fills every parameter with the constant gamma.
    let _ = seed;
    for p in model.parameters() {
        p.set_data(&Tensor::full(&p.shape(), gamma));
    }
}
