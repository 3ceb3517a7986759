// Reads from r + dy instead of r − dy, so a positive dy moves the image up.
use nma_engine::prelude::*;

/// Moves every image of `images` `[n, c, h, w]` down by `dy` rows and right by `dx` columns
/// (negative: up, left). Pixels shifted in from outside are 0; pixels pushed out are lost.
pub fn shift(images: &Tensor, dy: i32, dx: i32) -> Tensor {
    let shape = images.shape();
    let (h, w) = (shape[2] as i32, shape[3] as i32);
    let planes = shape[0] * shape[1];
    let src = images.to_vec();
    let mut out = vec![0.0f32; src.len()];
    for p in 0..planes {
        let base = p * (h * w) as usize;
        for r in 0..h {
            for c in 0..w {
                let (sr, sc) = (r + dy, c + dx);
                if (0..h).contains(&sr) && (0..w).contains(&sc) {
                    out[base + (r * w + c) as usize] = src[base + (sr * w + sc) as usize];
                }
            }
        }
    }
    Tensor::from_vec(out, &shape)
}

/// Mirrors every image of `images` `[n, c, h, w]` left to right.
pub fn hflip(images: &Tensor) -> Tensor {
    let shape = images.shape();
    let w = shape[3];
    let src = images.to_vec();
    let mut out = vec![0.0f32; src.len()];
    for (row_out, row_in) in out.chunks_mut(w).zip(src.chunks(w)) {
        for c in 0..w {
            row_out[c] = row_in[w - 1 - c];
        }
    }
    Tensor::from_vec(out, &shape)
}

/// A fresh random variant of a batch of 12×12 glyphs (`batch.x` is `[n, 144]`): each glyph
/// on its own is shifted by up to 2 pixels each way, mirrored with probability ½, and given
/// Gaussian noise of standard deviation 0.05. Labels and targets are unchanged.
pub fn augment(batch: &Batch, rng: &mut Rng) -> Batch {
    let n = batch.x.shape()[0];
    let images = batch.x.reshape(&[n, 1, 12, 12]);
    let mut pixels = Vec::with_capacity(n * 144);
    for i in 0..n {
        let (dy, dx) = (rng.below(5) as i32 - 2, rng.below(5) as i32 - 2);
        let mut one = shift(&images.slice(0, i, i + 1), dy, dx);
        if rng.below(2) == 1 {
            one = hflip(&one);
        }
        pixels.extend(one.to_vec().into_iter().map(|p| p + 0.05 * rng.normal()));
    }
    Batch { x: Tensor::from_vec(pixels, &[n, 144]), labels: batch.labels.clone(), y: batch.y.clone() }
}
