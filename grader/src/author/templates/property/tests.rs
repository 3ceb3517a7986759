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

#[test]
fn equal_scores_share_equally() {
    let got = softmax(&[2.0, 2.0, 2.0, 2.0]);
    for p in &got {
        assert!((p - 0.25).abs() < 1e-6, "four equal scores should each get 0.25, got {got:?}");
    }
}

#[test]
fn probabilities_add_up_to_one() {
    let got = softmax(&[1.0, 2.0, 3.0]);
    let total: f32 = got.iter().sum();
    assert!((total - 1.0).abs() < 1e-5, "the probabilities should add up to 1, they add up to {total} ({got:?})");
}
