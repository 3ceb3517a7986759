// Joins the columns in the wrong order: each row of function_b is [value, position] instead of [position, value].
//! W1D1 — sums, flattening, reshaping and joining tensors (reference solution).
use nma_engine::prelude::*;

pub fn function_a(t1: &Tensor, t2: &Tensor) -> Tensor {
    t1.sum_dim(0, false) * t2.sum()
}

pub fn function_b(t: &Tensor) -> Tensor {
    let values = t.flatten();
    let n = values.numel();
    let positions = Tensor::arange(0.0, n as f32, 1.0);
    Tensor::cat(&[&values.unsqueeze(1), &positions.unsqueeze(1)], 1) // value first
}

pub fn function_c(t1: &Tensor, t2: &Tensor) -> Tensor {
    if t1.numel() == t2.numel() {
        t1 + t2.reshape(&t1.shape())
    } else {
        Tensor::cat(&[&t1.flatten(), &t2.flatten()], 0)
    }
}
