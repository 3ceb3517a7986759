//! W2D2 — data augmentation for noughts and crosses.
use nma_engine::prelude::*;

/// Moves every image of `images` `[n, c, h, w]` down by `dy` rows and right by `dx` columns
/// (negative: up, left). Pixels shifted in from outside are 0; pixels pushed out are lost.
pub fn shift(images: &Tensor, dy: i32, dx: i32) -> Tensor {
    // TODO: out[r][c] = in[r − dy][c − dx] where that is inside the image, else 0.
    // This placeholder does not move anything.
    let _ = (dy, dx);
    images.clone()
}

/// Mirrors every image of `images` `[n, c, h, w]` left to right.
pub fn hflip(images: &Tensor) -> Tensor {
    // TODO: out[r][c] = in[r][w − 1 − c]. This placeholder does not mirror.
    images.clone()
}

/// A fresh random variant of a batch of 12×12 glyphs (`batch.x` is `[n, 144]`): each glyph
/// on its own is shifted by up to 2 pixels each way, mirrored with probability ½, and given
/// Gaussian noise of standard deviation 0.05. Labels and targets are unchanged.
pub fn augment(batch: &Batch, rng: &mut Rng) -> Batch {
    // TODO: reshape to [n, 1, 12, 12], draw a shift (and a flip) for each glyph, add noise,
    // flatten back. This placeholder returns the batch as it is.
    let _ = rng;
    batch.clone()
}
