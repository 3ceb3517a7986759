//! W2D1 — the Frobenius norm and the L1 / L2 penalties of a list of weight tensors.
use nma_engine::prelude::*;

/// √(sum of the squares of every element of every tensor), as a one-element tensor.
pub fn frobenius(weights: &[Tensor]) -> Tensor {
    // TODO: add the squares of all tensors, then take one square root. Placeholder: 0.
    let _ = weights;
    Tensor::scalar(0.0)
}

/// Sum of the absolute values of every element of every tensor.
pub fn l1_reg(weights: &[Tensor]) -> Tensor {
    // TODO: placeholder sums the values without taking absolute values.
    let mut total = Tensor::scalar(0.0);
    for w in weights {
        total = total + w.sum();
    }
    total
}

/// Sum of the squares of every element of every tensor.
pub fn l2_reg(weights: &[Tensor]) -> Tensor {
    // TODO: add the squares. Placeholder: 0.
    let _ = weights;
    Tensor::scalar(0.0)
}
