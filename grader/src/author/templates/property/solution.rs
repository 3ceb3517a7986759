//! {{DAY}} — TODO(author): one line on what the learner builds (reference solution).
//!
//! The reference must pass every test, visible and hidden; `author check` runs it. Keep the
//! same public signatures as starter.rs. It is shown to a learner only after they pass.

pub fn softmax(scores: &[f32]) -> Vec<f32> {
    let max = scores.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
    let total: f32 = exps.iter().sum();
    exps.iter().map(|e| e / total).collect()
}
