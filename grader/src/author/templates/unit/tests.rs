// Visible tests: learners see this file, and each test's name and message in the tutor.
// Conventions (docs/authoring.md):
// - start with `use super::*;`: the learner's functions come from the parent module;
// - each `#[test]` function is one test, run in its own process under the [limits] of
//   exercise.toml, worth the points [points] gives its name;
// - assert with messages a learner can act on: nma_engine::testing::assert_close(&got,
//   &shape, &expected, tol) checks a tensor's shape and values and names the first element
//   that differs; assert_scalar_close(got, expected, tol) does the same for one number;
// - helper functions without #[test] are fine.
// TODO(author): replace these examples with tests of your exercise.
use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn halfway_is_the_average() {
    let a = Tensor::from_vec(vec![0.0, 2.0, 4.0], &[3]);
    let b = Tensor::from_vec(vec![2.0, 2.0, 0.0], &[3]);
    assert_close(&lerp(&a, &b, 0.5), &[3], &[1.0, 2.0, 2.0], 1e-6);
}

#[test]
fn the_ends_are_a_and_b() {
    let a = Tensor::from_vec(vec![1.0, -1.0], &[2]);
    let b = Tensor::from_vec(vec![3.0, 5.0], &[2]);
    assert_close(&lerp(&a, &b, 0.0), &[2], &[1.0, -1.0], 1e-6);
    assert_close(&lerp(&a, &b, 1.0), &[2], &[3.0, 5.0], 1e-6);
}
