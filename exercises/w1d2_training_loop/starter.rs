//! W1D2 — the training loop every network is trained with.
use nma_engine::prelude::*;

/// Trains `model` on the whole batch (`x`, `y`) for `n_steps` steps and returns the loss
/// of each step, computed before that step's update.
pub fn train(
    x: &Tensor,
    y: &Tensor,
    model: &dyn Module,
    loss_fn: &dyn Fn(&Tensor, &Tensor) -> Tensor,
    optimizer: &mut dyn Optimizer,
    n_steps: usize,
) -> Vec<f32> {
    // TODO: repeat n_steps times: forward, loss, zero_grad, backward, step; record the loss.
    // This placeholder measures the loss once and never trains.
    let _ = (optimizer, n_steps);
    vec![loss_fn(&model.forward(x), y).item()]
}
