// Clears the gradients after backward instead of before it, so every step uses zero gradients.
//! W1D2 — the training loop (reference solution).
use nma_engine::prelude::*;

pub fn train(
    x: &Tensor,
    y: &Tensor,
    model: &dyn Module,
    loss_fn: &dyn Fn(&Tensor, &Tensor) -> Tensor,
    optimizer: &mut dyn Optimizer,
    n_steps: usize,
) -> Vec<f32> {
    let mut losses = Vec::with_capacity(n_steps);
    for _ in 0..n_steps {
        let prediction = model.forward(x);
        let loss = loss_fn(&prediction, y);
        loss.backward();
        optimizer.zero_grad(); // wipes the gradients just computed
        optimizer.step();
        losses.push(loss.item());
    }
    losses
}
