//! W1D4 — one step of gradient descent, by hand.
use nma_engine::prelude::*;

/// For every parameter `p` in `params` that has a gradient `g` (after `backward`),
/// replaces its values with `p − lr·g`, in place. Parameters without a gradient are
/// left unchanged; gradients are not cleared.
pub fn gradient_update(params: &[Tensor], lr: f32) {
    for p in params {
        // TODO: read p's gradient (it may be missing), step against it, and write the
        // new values back with `set_data`. This placeholder computes the step but
        // throws it away, so nothing moves.
        let _step = lr;
        let _ = p;
    }
}
