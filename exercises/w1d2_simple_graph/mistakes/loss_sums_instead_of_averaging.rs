// Sums the squared errors instead of taking their mean.
//! W1D2 — a tiny computational graph (reference solution).
use nma_engine::prelude::*;

pub struct SimpleGraph {
    pub w: Tensor,
    pub b: Tensor,
}

impl SimpleGraph {
    pub fn new(w: f32, b: f32) -> SimpleGraph {
        SimpleGraph {
            w: Tensor::scalar(w).requires_grad(),
            b: Tensor::scalar(b).requires_grad(),
        }
    }

    pub fn forward(&self, x: &Tensor) -> Tensor {
        (x * &self.w + &self.b).tanh()
    }
}

pub fn sq_loss(y_true: &Tensor, y_pred: &Tensor) -> Tensor {
    (y_true - y_pred).square().sum() // sum, not mean
}

pub fn dloss_dparams(w: f32, b: f32, x: f32, y: f32) -> (f32, f32) {
    let z = w * x + b;
    let prediction = z.tanh();
    let dloss_dpred = -2.0 * (y - prediction);
    let dpred_dz = 1.0 - prediction * prediction;
    let dloss_dz = dloss_dpred * dpred_dz;
    (dloss_dz * x, dloss_dz)
}
