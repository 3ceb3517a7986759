// Multiplies a2·a1 instead of a1·a2; matrix products do not commute.
//! W1D1 — matrix product and dot product (reference solution).
use nma_engine::prelude::*;

pub fn simple_ops(a1: &Tensor, a2: &Tensor, a3: &Tensor) -> Tensor {
    a2.matmul(a1) + a3
}

pub fn dot(b1: &Tensor, b2: &Tensor) -> Tensor {
    (b1 * b2).sum()
}
