//! W1D2 — a tiny computational graph, ŷ = tanh(w·x + b), its loss and its gradient.
use nma_engine::prelude::*;

pub struct SimpleGraph {
    /// The weight, a scalar parameter.
    pub w: Tensor,
    /// The bias, a scalar parameter.
    pub b: Tensor,
}

impl SimpleGraph {
    /// A graph with the given starting weight and bias, both trainable.
    pub fn new(w: f32, b: f32) -> SimpleGraph {
        // TODO: mark both scalars as parameters, so `backward()` gives them gradients.
        SimpleGraph { w: Tensor::scalar(w), b: Tensor::scalar(b) }
    }

    /// ŷ = tanh(w·x + b), element by element, for a tensor `x` of any shape.
    pub fn forward(&self, x: &Tensor) -> Tensor {
        // TODO: compute tanh(w·x + b). This placeholder returns zeros.
        Tensor::zeros_like(x)
    }
}

/// The mean over all elements of (y_true − y_pred)², as a one-element tensor.
pub fn sq_loss(y_true: &Tensor, y_pred: &Tensor) -> Tensor {
    // TODO: square the differences and average them. This placeholder returns 0.
    let _ = (y_true, y_pred);
    Tensor::scalar(0.0)
}

/// (∂L/∂w, ∂L/∂b) for L = (y − tanh(w·x + b))², one point, by the chain rule.
/// Plain numbers: no tensors, no autograd.
pub fn dloss_dparams(w: f32, b: f32, x: f32, y: f32) -> (f32, f32) {
    // TODO: compute z, ŷ, then multiply the local derivatives along each path.
    let _ = (w, b, x, y);
    (0.0, 0.0)
}
