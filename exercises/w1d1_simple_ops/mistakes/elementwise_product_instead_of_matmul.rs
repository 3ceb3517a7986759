// Uses `*`, the element-by-element product, where the matrix product is wanted.
//! W1D1 — matrix product and dot product (reference solution).
use nma_engine::prelude::*;

pub fn simple_ops(a1: &Tensor, a2: &Tensor, a3: &Tensor) -> Tensor {
    a1 * a2 + a3 // element by element
}

pub fn dot(b1: &Tensor, b2: &Tensor) -> Tensor {
    (b1 * b2).sum()
}
