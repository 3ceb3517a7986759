// Compares the shapes of t1 and t2 instead of their numbers of elements, so [2, 2] and [1, 4] get joined instead of added.
//! W1D1 — sums, flattening, reshaping and joining tensors (reference solution).
use nma_engine::prelude::*;

pub fn function_a(t1: &Tensor, t2: &Tensor) -> Tensor {
    t1.sum_dim(0, false) * t2.sum()
}

pub fn function_b(t: &Tensor) -> Tensor {
    let values = t.flatten();
    let n = values.numel();
    let positions = Tensor::arange(0.0, n as f32, 1.0);
    Tensor::cat(&[&positions.unsqueeze(1), &values.unsqueeze(1)], 1)
}

pub fn function_c(t1: &Tensor, t2: &Tensor) -> Tensor {
    if t1.shape() == t2.shape() {
        t1 + t2.reshape(&t1.shape())
    } else {
        Tensor::cat(&[&t1.flatten(), &t2.flatten()], 0)
    }
}
