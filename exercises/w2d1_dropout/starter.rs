//! W2D1 — inverted dropout, and a loss with an L2 penalty.
use nma_engine::prelude::*;

/// Inverted dropout. Training: each element is set to 0 with probability `p` (mask drawn
/// from `seed`) and the others are divided by 1 − p; p = 1 gives zeros. Evaluation
/// (`train == false`): `x` unchanged.
pub fn dropout(x: &Tensor, p: f32, train: bool, seed: u64) -> Tensor {
    // TODO: draw a keep-mask from `seed` and rescale the survivors. This placeholder
    // zeroes elements but forgets the 1/(1 − p) scaling (and the special cases).
    let _ = train;
    let keep = Tensor::rand(&x.shape(), seed).ge(p);
    x * &keep
}

/// `loss + lambda · Σ w²`, summing the squares of every element of every parameter.
pub fn penalised_loss(loss: &Tensor, params: &[Tensor], lambda: f32) -> Tensor {
    // TODO: add the L2 penalty. This placeholder returns the loss unchanged.
    let _ = (params, lambda);
    loss.clone()
}
