//! W1D1 — image layout: channels-first to channels-last, and grayscale.
use nma_engine::prelude::*;

/// [C, H, W] → [H, W, C], with `out[h][w][c] == img[c][h][w]`.
pub fn chw_to_hwc(img: &Tensor) -> Tensor {
    // TODO: move the channel axis to the end. This placeholder returns the image unchanged.
    img.clone()
}

/// [H, W, 3] red-green-blue image → [H, W] brightness 0.299·R + 0.587·G + 0.114·B.
pub fn to_grayscale(img: &Tensor) -> Tensor {
    // TODO: weight the three channels and add them. This placeholder averages them.
    img.mean_dim(2, false)
}
