// Writes the permutation the other way round, [2, 0, 1] (where each old axis goes) instead of [1, 2, 0] (which old axis each new one takes).
//! W1D1 — image layout: channels-first to channels-last, and grayscale (reference solution).
use nma_engine::prelude::*;

pub fn chw_to_hwc(img: &Tensor) -> Tensor {
    img.permute(&[2, 0, 1]) // the inverse permutation
}

pub fn to_grayscale(img: &Tensor) -> Tensor {
    let weights = Tensor::from_vec(vec![0.299, 0.587, 0.114], &[3]);
    (img * weights).sum_dim(2, false)
}
