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

/// The softmax of `scores`: positive values that add up to 1, in the same order.
pub fn softmax(scores: &[f32]) -> Vec<f32> {
    // TODO: exponentiate (after subtracting the largest score) and divide by the sum.
    // This placeholder returns the scores unchanged.
    scores.to_vec()
}
