//! W3D1 — one step of an RNN and of an LSTM, from the equations.
use nma_engine::prelude::*;

/// h' = tanh(x·W_ihᵀ + h·W_hhᵀ + b). x: [batch, I], h: [batch, H], w_ih: [H, I],
/// w_hh: [H, H], b: [H]; returns [batch, H].
pub fn rnn_cell(x: &Tensor, h: &Tensor, w_ih: &Tensor, w_hh: &Tensor, b: &Tensor) -> Tensor {
    // TODO: add the recurrent part h·W_hhᵀ and squash with tanh.
    // This placeholder forgets the previous hidden state.
    let _ = (h, w_hh);
    x.matmul(&w_ih.t()) + b
}

/// One LSTM step. The rows of w_ih [4H, I], w_hh [4H, H] and b [4H] are four blocks of H,
/// for the gates i, f, g, o in that order. Returns the new (h, c), each [batch, H].
pub fn lstm_cell(x: &Tensor, state: (&Tensor, &Tensor), w_ih: &Tensor, w_hh: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
    // TODO: compute the four gates, then c' = f·c + i·g and h' = o·tanh(c').
    // This placeholder returns the old state unchanged.
    let _ = (x, w_ih, w_hh, b);
    (state.0.clone(), state.1.clone())
}
