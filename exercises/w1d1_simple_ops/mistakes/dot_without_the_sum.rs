// Multiplies the vectors element by element but forgets to add the products up.
//! W1D1 — matrix product and dot product (reference solution).
use nma_engine::prelude::*;

pub fn simple_ops(a1: &Tensor, a2: &Tensor, a3: &Tensor) -> Tensor {
    a1.matmul(a2) + a3
}

pub fn dot(b1: &Tensor, b2: &Tensor) -> Tensor {
    b1 * b2 // no sum
}
