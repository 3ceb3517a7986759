use super::*;

fn assert_all_close(got: &[f32], expected: &[f32], xs: &[f32]) {
    assert_eq!(got.len(), expected.len(), "expected one value per point of xs ({}), got {}", expected.len(), got.len());
    for ((&g, &e), &x) in got.iter().zip(expected).zip(xs) {
        assert!((g - e).abs() <= 1e-4 * e.abs().max(1.0), "at x = {x} expected f(x) = {e}, got {g}");
    }
}

#[test]
fn passes_through_every_knot() {
    let xk = [0.0, 1.0, 2.0, 3.0];
    let yk = [0.0, 2.0, 1.0, 1.5];
    assert_all_close(&approximate_function(&xk, &yk, &xk), &yk, &xk);
}

#[test]
fn is_a_straight_line_between_knots() {
    let xk = [0.0, 1.0, 2.0, 3.0];
    let yk = [0.0, 2.0, 1.0, 1.5];
    let xs = [0.5, 1.25, 2.5];
    // Halfway from 0 to 2; a quarter of the way from 2 down to 1; halfway from 1 to 1.5.
    assert_all_close(&approximate_function(&xk, &yk, &xs), &[1.0, 1.75, 1.25], &xs);
}

#[test]
fn starts_from_the_first_value() {
    // One segment from (1, 3) to (2, 5): f(1) = 3, the offset yk[0], before any ReLU switches on.
    let xk = [1.0, 2.0];
    let yk = [3.0, 5.0];
    let xs = [1.0, 1.5, 2.0];
    assert_all_close(&approximate_function(&xk, &yk, &xs), &[3.0, 4.0, 5.0], &xs);
}
