// Sums each row (sum_dim(1)) instead of each column (sum_dim(0)) in function_a.
//! W1D1 — sums, flattening, reshaping and joining tensors (reference solution).
use nma_engine::prelude::*;

pub fn function_a(t1: &Tensor, t2: &Tensor) -> Tensor {
    t1.sum_dim(1, false) * t2.sum() // row sums
}

pub fn function_b(t: &Tensor) -> Tensor {
    let values = t.flatten();
    let n = values.numel();
    let positions = Tensor::arange(0.0, n as f32, 1.0);
    Tensor::cat(&[&positions.unsqueeze(1), &values.unsqueeze(1)], 1)
}

pub fn function_c(t1: &Tensor, t2: &Tensor) -> Tensor {
    if t1.numel() == t2.numel() {
        t1 + t2.reshape(&t1.shape())
    } else {
        Tensor::cat(&[&t1.flatten(), &t2.flatten()], 0)
    }
}
