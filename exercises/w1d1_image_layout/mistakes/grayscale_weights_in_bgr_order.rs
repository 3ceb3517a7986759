// Puts the grayscale weights in blue-green-red order (as OpenCV stores pixels), so red gets 0.114 and blue 0.299.
//! W1D1 — image layout: channels-first to channels-last, and grayscale (reference solution).
use nma_engine::prelude::*;

pub fn chw_to_hwc(img: &Tensor) -> Tensor {
    img.permute(&[1, 2, 0])
}

pub fn to_grayscale(img: &Tensor) -> Tensor {
    let weights = Tensor::from_vec(vec![0.114, 0.587, 0.299], &[3]); // blue first
    (img * weights).sum_dim(2, false)
}
