// Multiplies by the standard deviation instead of dividing by it.
//! W1D3 — data transforms on [C, H, W] images (reference solution).
use nma_engine::prelude::*;

pub fn normalize(img: &Tensor, mean: &[f32], std: &[f32]) -> Tensor {
    let c = mean.len();
    let mean = Tensor::from_vec(mean.to_vec(), &[c, 1, 1]);
    let std = Tensor::from_vec(std.to_vec(), &[c, 1, 1]);
    (img - mean) * std // times, not divided by
}

pub fn hflip(img: &Tensor) -> Tensor {
    let shape = img.shape();
    let (c, h, w) = (shape[0], shape[1], shape[2]);
    let values = img.to_vec();
    let mut out = Vec::with_capacity(values.len());
    for ch in 0..c {
        for row in 0..h {
            for col in 0..w {
                out.push(values[(ch * h + row) * w + (w - 1 - col)]);
            }
        }
    }
    Tensor::from_vec(out, &shape)
}
