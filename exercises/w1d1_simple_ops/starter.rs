//! W1D1 — matrix product and dot product with the engine's tensors.
use nma_engine::prelude::*;

/// Returns the matrix product `a1 · a2`, plus `a3` element by element.
pub fn simple_ops(a1: &Tensor, a2: &Tensor, a3: &Tensor) -> Tensor {
    // TODO: multiply a1 and a2 as matrices, then add a3. This placeholder returns a3.
    let _ = (a1, a2);
    a3.clone()
}

/// Returns the dot product of two vectors of the same length, as a one-element tensor.
pub fn dot(b1: &Tensor, b2: &Tensor) -> Tensor {
    // TODO: multiply element by element and add up. This placeholder returns 0.
    let _ = (b1, b2);
    Tensor::scalar(0.0)
}
