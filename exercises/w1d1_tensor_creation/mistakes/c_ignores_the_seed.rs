// Draws c from a fixed seed, 0, instead of the seed passed in.
//! W1D1 — creating tensors (reference solution).
use nma_engine::prelude::*;

pub fn tensor_creation(z: &[Vec<f32>], seed: u64) -> (Tensor, Tensor, Tensor, Tensor) {
    let a = Tensor::ones(&[20, 21]);
    let (rows, cols) = (z.len(), z.first().map_or(0, Vec::len));
    let b = Tensor::from_vec(z.concat(), &[rows, cols]);
    let c = Tensor::rand_like(&a, 0); // always the same numbers
    let d = Tensor::arange(4.0, 41.0, 2.0);
    (a, b, c, d)
}
