//! W3D1 — a bidirectional RNN from two cells.
use nma_engine::prelude::*;

/// Runs `cell` over `x` [batch, seq, input] from h = 0, first step to last; returns the
/// hidden state after every step, [batch, seq, H].
pub fn run_forward(cell: &RnnCell, x: &Tensor) -> Tensor {
    // TODO: step the cell through the sequence and stack the states along dim 1.
    // This placeholder returns zeros of the right shape.
    Tensor::zeros(&[x.shape()[0], x.shape()[1], cell.hidden_size()])
}

/// A bidirectional layer: `fwd` reads x from the first step to the last, `bwd` from the
/// last to the first. At every step t the output is [forward state at t, backward state
/// at t] (forward first), so it is [batch, seq, 2H]. The backward state at t has read
/// steps t, t + 1, …, seq − 1.
pub fn bidirectional(fwd: &RnnCell, bwd: &RnnCell, x: &Tensor) -> Tensor {
    // TODO: run `bwd` from the last step to the first, put its states back in time order,
    // and concatenate them after the forward states. This placeholder has only one direction.
    let _ = bwd;
    run_forward(fwd, x)
}
