//! W2D5 — scaled dot-product attention.
use nma_engine::prelude::*;

/// softmax(q·kᵀ / √d) along the last dimension, with blocked pairs (mask 0) at weight 0.
/// q: [n_q, d], k: [n_k, d] (or with a leading batch dimension); result [n_q, n_k].
pub fn attention_weights(q: &Tensor, k: &Tensor, mask: Option<&Tensor>) -> Tensor {
    // TODO: scores q·kᵀ/√d, mask, softmax over the keys.
    // This placeholder spreads the weight evenly over all keys and ignores the mask.
    let _ = mask;
    let r = k.ndim();
    let n_k = k.shape()[r - 2];
    q.matmul(&k.transpose(r - 2, r - 1)) * 0.0 + 1.0 / n_k as f32
}

/// The attention output: attention_weights(q, k, mask) · v, shape [n_q, d_v].
pub fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> Tensor {
    // TODO: weight the values. This placeholder returns the weights themselves.
    let _ = v;
    attention_weights(q, k, mask)
}
