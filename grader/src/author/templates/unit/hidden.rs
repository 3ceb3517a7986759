// Hidden tests: never copied into the learner's workspace; the tutor shows only that a
// hidden test failed, not its name or message. Use them for the cases a learner could get
// wrong while passing the visible tests (other shapes, edge values, sizes), so passing means
// the function is right, not fitted to the examples. Same conventions as tests.rs.
// TODO(author): replace this example with hidden tests of your exercise.
use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn works_on_matrices_and_outside_zero_to_one() {
    let a: Vec<f32> = (0..6).map(|i| i as f32).collect();
    let b: Vec<f32> = (0..6).map(|i| 10.0 - i as f32 * 0.5).collect();
    let t = 1.5;
    let expected: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x * (1.0 - t) + y * t).collect();
    let got = lerp(&Tensor::from_vec(a, &[2, 3]), &Tensor::from_vec(b, &[2, 3]), t);
    assert_close(&got, &[2, 3], &expected, 1e-5);
}
