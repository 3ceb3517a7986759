//! W1D1 — sums, flattening, reshaping and joining tensors.
use nma_engine::prelude::*;

/// Column sums of `t1` (shape [columns]), each multiplied by the sum of all of `t2`.
pub fn function_a(t1: &Tensor, t2: &Tensor) -> Tensor {
    // TODO: sum t1 over its rows, multiply by the total of t2. This placeholder returns t1's column sums only.
    let _ = t2;
    t1.sum_dim(0, false)
}

/// Row i of the [n, 2] result is [i, i-th element of `t` flattened row by row].
pub fn function_b(t: &Tensor) -> Tensor {
    // TODO: pair every position with its value. This placeholder returns the flattened values only.
    t.flatten()
}

/// `t1 + t2` (t2 reshaped to t1's shape) when both have the same number of elements;
/// otherwise the flattened t1 followed by the flattened t2.
pub fn function_c(t1: &Tensor, t2: &Tensor) -> Tensor {
    // TODO: choose between reshape-and-add and concatenation. This placeholder returns t1.
    let _ = t2;
    t1.clone()
}
