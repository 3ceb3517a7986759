// I reset the old state before multiplying, (r·h)·W_hnᵀ + b_hn, instead of resetting the product r·(h·W_hnᵀ + b_hn).
use nma_engine::prelude::*;

/// One GRU step. x: [batch, I], h: [batch, H]. The rows of w_ih [3H, I], w_hh [3H, H],
/// b_ih and b_hh [3H] are three blocks of H, for r, z and n in that order.
/// Returns the new hidden state h' = (1 − z) ⊙ n + z ⊙ h, [batch, H].
pub fn gru_cell(x: &Tensor, h: &Tensor, w_ih: &Tensor, w_hh: &Tensor, b_ih: &Tensor, b_hh: &Tensor) -> Tensor {
    let hidden = h.shape()[1];
    let gi = x.matmul(&w_ih.t()) + b_ih;
    let gh = h.matmul(&w_hh.t()) + b_hh;
    let block = |t: &Tensor, k: usize| t.slice(1, k * hidden, (k + 1) * hidden);
    let r = (block(&gi, 0) + block(&gh, 0)).sigmoid();
    let z = (block(&gi, 1) + block(&gh, 1)).sigmoid();
    let w_hn = w_hh.slice(0, 2 * hidden, 3 * hidden);
    let b_hn = b_hh.slice(0, 2 * hidden, 3 * hidden);
    let n = (block(&gi, 2) + (r * h).matmul(&w_hn.t()) + b_hn).tanh();
    (1.0 - &z) * n + z * h
}
