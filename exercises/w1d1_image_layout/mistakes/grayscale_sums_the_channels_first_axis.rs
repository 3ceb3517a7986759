// Still thinks channels-first and adds the weighted image up over axis 0 instead of the channel axis 2.
//! W1D1 — image layout: channels-first to channels-last, and grayscale (reference solution).
use nma_engine::prelude::*;

pub fn chw_to_hwc(img: &Tensor) -> Tensor {
    img.permute(&[1, 2, 0])
}

pub fn to_grayscale(img: &Tensor) -> Tensor {
    let weights = Tensor::from_vec(vec![0.299, 0.587, 0.114], &[3]);
    (img * weights).sum_dim(0, false) // axis 0 is H here, not the channels
}
