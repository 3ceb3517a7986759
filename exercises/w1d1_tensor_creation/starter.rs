//! W1D1 — creating tensors.
use nma_engine::prelude::*;

/// Returns `(a, b, c, d)`:
/// * `a`: ones, shape [20, 21];
/// * `b`: the values of `z`, shape [z.len(), z[0].len()];
/// * `c`: uniform random numbers in [0, 1) from `seed`, same shape as `a`;
/// * `d`: the even numbers 4, 6, …, 40 as a 1-D tensor.
pub fn tensor_creation(z: &[Vec<f32>], seed: u64) -> (Tensor, Tensor, Tensor, Tensor) {
    // TODO: build the four tensors. These placeholders are all one-element zeros.
    let _ = (z, seed);
    let a = Tensor::zeros(&[1]);
    let b = Tensor::zeros(&[1]);
    let c = Tensor::zeros(&[1]);
    let d = Tensor::zeros(&[1]);
    (a, b, c, d)
}
