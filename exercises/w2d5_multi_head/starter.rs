//! W2D5 — multi-head self-attention.
use nma_engine::prelude::*;

/// Scaled dot-product attention, softmax(q·kᵀ/√d)·v, over the last two dimensions
/// (a leading batch or head dimension is allowed). Given.
pub fn attention(q: &Tensor, k: &Tensor, v: &Tensor) -> Tensor {
    let r = k.ndim();
    let d = q.shape()[q.ndim() - 1] as f32;
    let scores = q.matmul(&k.transpose(r - 2, r - 1)) / d.sqrt();
    nn::softmax(&scores, scores.ndim() - 1).matmul(v)
}

/// Self-attention with `heads` heads; every weight is [d, d] and applied as x·W.
pub struct SelfAttention {
    pub heads: usize,
    pub wq: Tensor,
    pub wk: Tensor,
    pub wv: Tensor,
    pub wo: Tensor,
}

impl SelfAttention {
    /// Given: the layer with the four weights and the number of heads (which must divide d).
    pub fn new(wq: Tensor, wk: Tensor, wv: Tensor, wo: Tensor, heads: usize) -> SelfAttention {
        let d = wq.shape()[0];
        assert!(heads > 0 && d % heads == 0, "heads ({heads}) must divide d ({d})");
        SelfAttention { heads, wq, wk, wv, wo }
    }

    /// x: [n, d] → [n, d].
    pub fn forward(&self, x: &Tensor) -> Tensor {
        // TODO: project to Q, K, V; split the columns into heads; attend within each head;
        // put the heads back side by side; multiply by wo.
        // This placeholder runs one single head and skips the output projection.
        let q = x.matmul(&self.wq);
        let k = x.matmul(&self.wk);
        let v = x.matmul(&self.wv);
        attention(&q, &k, &v)
    }
}
