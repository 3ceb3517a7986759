//! {{DAY}} — TODO(author): one line on what the learner builds. Learners get this file as
//! their starting point, in their workspace; they never see solution.rs or hidden.rs.
//!
//! Conventions: this file is compiled as a crate of its own, which the tests use, so every
//! item the tests call must be `pub`; the grader pins the types of this file's public
//! items, so solution.rs and the learners' files must keep them. It must compile and fail
//! at least one test. Prefer a placeholder that returns a wrong value, with a `// TODO`
//! saying what to do, over `todo!()`: then every test runs and reports a wrong answer
//! instead of a panic. Only the engine and std are available; no files, network or
//! processes (docs/grading.md).
use nma_engine::prelude::*;

/// Linear interpolation between two tensors of the same shape: `a·(1 − t) + b·t`.
pub fn lerp(a: &Tensor, b: &Tensor, t: f32) -> Tensor {
    // TODO: weigh `a` by 1 − t and `b` by t, and add. This placeholder returns `a`.
    let _ = (b, t);
    a.clone()
}
