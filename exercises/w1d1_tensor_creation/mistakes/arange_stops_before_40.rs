// Gives arange the end 40, forgetting that the end is excluded, so d stops at 38.
//! W1D1 — creating tensors (reference solution).
use nma_engine::prelude::*;

pub fn tensor_creation(z: &[Vec<f32>], seed: u64) -> (Tensor, Tensor, Tensor, Tensor) {
    let a = Tensor::ones(&[20, 21]);
    let (rows, cols) = (z.len(), z.first().map_or(0, Vec::len));
    let b = Tensor::from_vec(z.concat(), &[rows, cols]);
    let c = Tensor::rand_like(&a, seed);
    let d = Tensor::arange(4.0, 40.0, 2.0); // 40 itself is left out
    (a, b, c, d)
}
