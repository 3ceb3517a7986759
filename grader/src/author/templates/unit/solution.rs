//! {{DAY}} — TODO(author): one line on what the learner builds (reference solution).
//!
//! The reference must pass every test, visible and hidden; `author check` runs it. Keep the
//! same public signatures as starter.rs. It is shown to a learner only after they pass.
use nma_engine::prelude::*;

pub fn lerp(a: &Tensor, b: &Tensor, t: f32) -> Tensor {
    a * (1.0 - t) + b * t
}
