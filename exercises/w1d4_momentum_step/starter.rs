//! W1D4 — one step of SGD with momentum, by hand.
use nma_engine::prelude::*;

/// For every parameter `params[i]` with a gradient `g`, element by element:
/// `v ← beta·v + g`, then `p ← p − lr·v`, where `v` is `velocities[i]` (updated in place).
/// Parameters without a gradient, and their velocities, are left unchanged.
pub fn momentum_update(params: &[Tensor], velocities: &mut [Vec<f32>], lr: f32, beta: f32) {
    for (p, v) in params.iter().zip(velocities.iter_mut()) {
        if let Some(g) = p.grad() {
            // TODO: update the velocity v ← beta·v + g before stepping. This placeholder
            // ignores the velocity and takes a plain gradient step.
            let _ = (v, beta);
            p.set_data(&(p - &g * lr));
        }
    }
}
