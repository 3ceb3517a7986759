//! W2D4 — generate images by decoding random codes (reference solution).
use nma_engine::prelude::*;

pub fn generate_images(decoder: &dyn Module, k: usize, n: usize, seed: u64) -> Tensor {
    let codes = Tensor::randn(&[n, k], seed);
    decoder.forward(&codes)
}
