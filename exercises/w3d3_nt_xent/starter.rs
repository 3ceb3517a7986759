//! W3D3 — the SimCLR contrastive loss, NT-Xent.
use nma_engine::prelude::*;

/// Mean NT-Xent loss of two views `z1`, `z2` (each [N, d]) at temperature `tau`.
pub fn nt_xent(z1: &Tensor, z2: &Tensor, tau: f32) -> Tensor {
    // TODO: stack, normalise the rows, similarities / tau, leave out the diagonal, and take
    // the cross-entropy with each row's partner as the class.
    // This placeholder compares the views only with each other and forgets the negatives'
    // normalisation: it returns mean(1 − z1ᵢ·z2ᵢ).
    let _ = tau;
    (1.0 - (z1 * z2).sum_dim(1, false)).mean()
}
