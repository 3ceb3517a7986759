// I drew the codes with Tensor::rand, thinking random numbers are random numbers.
use nma_engine::prelude::*;

pub fn generate_images(decoder: &dyn Module, k: usize, n: usize, seed: u64) -> Tensor {
    let codes = Tensor::rand(&[n, k], seed); // uniform on [0, 1)
    decoder.forward(&codes)
}
