//! W1D4 — one step of RMSprop, by hand.
use nma_engine::prelude::*;

/// For every parameter `params[i]` with a gradient `g`, element by element:
/// `v ← alpha·v + (1 − alpha)·g²`, then `p ← p − lr·g / (√v + eps)`, where `v` is
/// `sq_avg[i]` (updated in place). Parameters without a gradient are left unchanged.
pub fn rmsprop_update(params: &[Tensor], sq_avg: &mut [Vec<f32>], lr: f32, alpha: f32, eps: f32) {
    for (p, v) in params.iter().zip(sq_avg.iter_mut()) {
        if let Some(g) = p.grad() {
            // TODO: keep the running average of g² in v and divide the step by √v + eps.
            // This placeholder takes a plain gradient step.
            let _ = (v, alpha, eps);
            p.set_data(&(p - &g * lr));
        }
    }
}
