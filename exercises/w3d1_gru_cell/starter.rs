//! W3D1 — one step of a gated recurrent unit, from the equations.
use nma_engine::prelude::*;

/// One GRU step. x: [batch, I], h: [batch, H]. The rows of w_ih [3H, I], w_hh [3H, H],
/// b_ih and b_hh [3H] are three blocks of H, for r, z and n in that order.
/// Returns the new hidden state h' = (1 − z) ⊙ n + z ⊙ h, [batch, H].
pub fn gru_cell(x: &Tensor, h: &Tensor, w_ih: &Tensor, w_hh: &Tensor, b_ih: &Tensor, b_hh: &Tensor) -> Tensor {
    // TODO: compute r, z and n from the blocks of x·W_ihᵀ + b_ih and h·W_hhᵀ + b_hh,
    // then blend: (1 − z)·n + z·h. This placeholder returns the old state unchanged.
    let _ = (x, w_ih, w_hh, b_ih, b_hh);
    h.clone()
}
