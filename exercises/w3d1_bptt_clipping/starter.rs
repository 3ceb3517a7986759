//! W3D1 — backpropagation through time with gradient clipping.
use nma_engine::prelude::*;

/// Clips gradients by their global norm, like PyTorch's `clip_grad_norm_`: the norm is
/// √(∑ of every squared entry of every tensor). When it is above `max_norm`, every tensor
/// is multiplied by max_norm / (norm + 1e-6); otherwise they are left alone. Returns the
/// norm measured before clipping.
pub fn clip_grad_norm(grads: &mut [Tensor], max_norm: f32) -> f32 {
    // TODO: measure the global norm; scale every tensor when it is over max_norm.
    // This placeholder measures nothing and clips nothing.
    let _ = (grads, max_norm);
    0.0
}

/// Trains `cell` and `head` in place to predict `targets` [batch, seq] from `inputs`
/// [batch, seq]. Each of the `steps` updates: unroll the cell over the whole sequence from
/// h = 0 (the input at step t is column t, [batch, 1]), predict head(hₜ) at every step,
/// take the mean squared error over all of them, backpropagate, clip the gradients of all
/// the cell's and the head's parameters to `max_norm`, and move each parameter by −lr × its
/// clipped gradient. Returns the loss before each update; stops early, after recording it,
/// once a loss is not finite.
pub fn train_bptt(cell: &RnnCell, head: &Linear, inputs: &Tensor, targets: &Tensor, steps: usize, lr: f32, max_norm: f32) -> Vec<f32> {
    // TODO: the loop described above. `cell.parameters()` and `head.parameters()` give the
    // tensors to train, `p.grad()` their gradients after `loss.backward()`, and
    // `p.set_data(&new_values)` replaces their values. This placeholder trains nothing.
    let _ = (cell, head, inputs, targets, lr, max_norm);
    vec![0.0; steps]
}
