//! W1D3 — the cross-entropy loss of a batch.
use nma_engine::prelude::*;

/// Mean cross-entropy of `logits` (shape [batch, classes]) against the true `labels`.
/// Returns a one-element tensor.
pub fn cross_entropy(logits: &Tensor, labels: &[usize]) -> Tensor {
    // TODO: compute log-sum-exp of each row minus the logit of its true class, then average.
    // This placeholder returns 0.
    let _ = (logits, labels);
    Tensor::scalar(0.0)
}
