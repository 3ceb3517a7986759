// Reshapes [C, H, W] to [H, W, C] instead of moving the axis: the shape is right but the numbers stay in memory order.
//! W1D1 — image layout: channels-first to channels-last, and grayscale (reference solution).
use nma_engine::prelude::*;

pub fn chw_to_hwc(img: &Tensor) -> Tensor {
    let s = img.shape();
    img.reshape(&[s[1], s[2], s[0]]) // a reshape, not a permutation
}

pub fn to_grayscale(img: &Tensor) -> Tensor {
    let weights = Tensor::from_vec(vec![0.299, 0.587, 0.114], &[3]);
    (img * weights).sum_dim(2, false)
}
