//! W2D4 — generate images by decoding random codes.
use nma_engine::prelude::*;

/// Decodes `n` codes drawn from N(0, I) in `k` dimensions (seeded by `seed`); returns the
/// decoder's output, one row per image.
pub fn generate_images(decoder: &dyn Module, k: usize, n: usize, seed: u64) -> Tensor {
    // TODO: draw the codes from a standard normal with `seed`. This placeholder decodes
    // the all-zero code n times, so every image is the same.
    let _ = seed;
    let codes = Tensor::zeros(&[n, k]);
    decoder.forward(&codes)
}
