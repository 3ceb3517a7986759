// I drew one code and decoded it n times, because the decoder handles the batch.
use nma_engine::prelude::*;

pub fn generate_images(decoder: &dyn Module, k: usize, n: usize, seed: u64) -> Tensor {
    let codes = Tensor::randn(&[1, k], seed).expand(&[n, k]); // the same code in every row
    decoder.forward(&codes)
}
