use super::*;

fn assert_all_close(got: &[f32], expected: &[f64], xs: &[f64], what: &str) {
    assert_eq!(got.len(), expected.len(), "{what}: expected one value per point of xs ({}), got {}", expected.len(), got.len());
    for ((&g, &e), &x) in got.iter().zip(expected).zip(xs) {
        assert!(
            (g as f64 - e).abs() <= 1e-4 * e.abs().max(1.0),
            "{what}: at x = {x:.4} expected f(x) = {e:.6}, got {g}"
        );
    }
}

/// Straight-line interpolation between knots, in f64 (only for x inside the knots).
fn interpolate(xk: &[f64], yk: &[f64], x: f64) -> f64 {
    let i = (0..xk.len() - 1).find(|&i| x <= xk[i + 1]).expect("x inside the knots");
    yk[i] + (yk[i + 1] - yk[i]) * (x - xk[i]) / (xk[i + 1] - xk[i])
}

fn to_f32(v: &[f64]) -> Vec<f32> {
    v.iter().map(|&a| a as f32).collect()
}

#[test]
fn unevenly_spaced_knots_with_an_offset() {
    // Knot gaps 0.5, 2, 0.25, 1.25 and a first value far from 0.
    let xk = [-1.0, -0.5, 1.5, 1.75, 3.0];
    let yk = [4.0, 3.0, 5.0, -1.0, 0.0];
    let xs: Vec<f64> = (0..=40).map(|i| -1.0 + 4.0 * i as f64 / 40.0).collect();
    let expected: Vec<f64> = xs.iter().map(|&x| interpolate(&xk, &yk, x)).collect();
    let got = approximate_function(&to_f32(&xk), &to_f32(&yk), &to_f32(&xs));
    assert_all_close(&got, &expected, &xs, "uneven knots");
}

#[test]
fn approximates_a_sine_through_nine_knots() {
    let xk: Vec<f64> = (0..9).map(|i| std::f64::consts::PI * i as f64 / 4.0).collect();
    let yk: Vec<f64> = xk.iter().map(|x| x.sin() + 0.5).collect();
    let xs: Vec<f64> = (0..=100).map(|i| 2.0 * std::f64::consts::PI * i as f64 / 100.0).collect();
    let expected: Vec<f64> = xs.iter().map(|&x| interpolate(&xk, &yk, x)).collect();
    let got = approximate_function(&to_f32(&xk), &to_f32(&yk), &to_f32(&xs));
    assert_all_close(&got, &expected, &xs, "sine knots");
}

#[test]
fn keeps_the_relu_sum_shape_outside_the_knots() {
    // Left of the first knot every ReLU is off: f = yk[0]. Right of the last knot all are
    // on: f continues the last segment's line. Plain interpolation that clamps fails here.
    let xk: Vec<f64> = (0..9).map(|i| std::f64::consts::PI * i as f64 / 4.0).collect();
    let yk: Vec<f64> = xk.iter().map(|x| x.sin() + 0.5).collect();
    let (last, before) = (xk.len() - 1, xk.len() - 2);
    let last_slope = (yk[last] - yk[before]) / (xk[last] - xk[before]);
    let xs = [-2.0, -0.5, xk[last] + 0.3, xk[last] + 2.0];
    let expected = [
        yk[0],
        yk[0],
        yk[last] + last_slope * 0.3,
        yk[last] + last_slope * 2.0,
    ];
    let got = approximate_function(&to_f32(&xk), &to_f32(&yk), &to_f32(&xs));
    assert_all_close(&got, &expected, &xs, "outside the knots");
}
