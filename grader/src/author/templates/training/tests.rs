// Visible tests: learners see this file, and each test's name and message in the tutor.
// Conventions (docs/authoring.md):
// - start with `use super::*;`: the learner's functions come from the parent module;
// - each `#[test]` function is one test, run in its own process under the [limits] of
//   exercise.toml, worth the points [points] gives its name;
// - assert with messages a learner can act on (say what was expected and what came out);
//   for tensors, nma_engine::testing::assert_close(&got, &shape, &expected, tol);
// - helper functions without #[test] are fine.
// TODO(author): replace these examples with tests of your exercise.
use super::*;

fn line() -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..41).map(|i| -1.0 + i as f32 / 20.0).collect();
    let y = x.iter().map(|v| 3.0 * v + 1.0).collect();
    (x, y)
}

#[test]
fn one_loss_per_step_starting_from_the_initial_weights() {
    let (x, y) = line();
    let (_, _, losses) = fit_line(&x, &y, 0.0, 0.0, 0.1, 10);
    assert_eq!(losses.len(), 10, "one loss per step");
    let first = mse(&x, &y, 0.0, 0.0);
    assert!((losses[0] - first).abs() < 1e-5, "the first loss is that of the initial weights, {first}; got {}", losses[0]);
}

#[test]
fn training_lowers_the_loss() {
    let (x, y) = line();
    let (_, _, losses) = fit_line(&x, &y, 0.0, 0.0, 0.1, 50);
    let (first, last) = (losses.first().copied().unwrap_or(f32::NAN), losses.last().copied().unwrap_or(f32::NAN));
    assert!(last < first / 10.0, "after 50 steps the loss should fall tenfold: from {first} to {last}");
}
