//! W1D3 — data transforms on [C, H, W] images.
use nma_engine::prelude::*;

/// (img[c] − mean[c]) / std[c] for every channel c of an image of shape [C, H, W].
pub fn normalize(img: &Tensor, mean: &[f32], std: &[f32]) -> Tensor {
    // TODO: use each channel's own mean and std. This placeholder uses the first ones everywhere.
    (img - mean[0]) / std[0]
}

/// Mirrors an image of shape [C, H, W] left to right: out[c][h][w] = img[c][h][W − 1 − w].
pub fn hflip(img: &Tensor) -> Tensor {
    // TODO: reverse the last axis. This placeholder returns the image unchanged.
    img.clone()
}
