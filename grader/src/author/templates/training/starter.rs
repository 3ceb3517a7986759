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

/// Mean squared error of the line `w·x + b` on the points (x, y). Given.
pub fn mse(x: &[f32], y: &[f32], w: f32, b: f32) -> f32 {
    let total: f32 = x.iter().zip(y).map(|(&xi, &yi)| (w * xi + b - yi).powi(2)).sum();
    total / x.len() as f32
}

/// `steps` updates of gradient descent on `mse` with learning rate `lr`, from (w, b).
/// Returns the final (w, b) and the loss before each update (`steps` values).
pub fn fit_line(x: &[f32], y: &[f32], w: f32, b: f32, lr: f32, steps: usize) -> (f32, f32, Vec<f32>) {
    // TODO: repeat `steps` times: record the loss, compute ∂L/∂w and ∂L/∂b, step against them.
    // This placeholder does not train.
    let _ = (x, y, lr, steps);
    (w, b, Vec::new())
}
