use super::*;

fn check(x: f64, y: f64, expected: (f64, f64)) {
    let got = fun_dz(x, y);
    let ok = (got.0 - expected.0).abs() < 1e-9 && (got.1 - expected.1).abs() < 1e-9;
    assert!(ok, "at (x, y) = ({x}, {y}) expected (∂z/∂x, ∂z/∂y) = {expected:?}, got {got:?}");
}

#[test]
fn flat_at_the_origin() {
    check(0.0, 0.0, (0.0, 0.0));
}

#[test]
fn on_the_x_axis() {
    // x = 1, y = 0: ∂z/∂x = 2·1·cos(1), and nothing changes along y.
    check(1.0, 0.0, (2.0 * 1f64.cos(), 0.0));
}

#[test]
fn at_one_one() {
    // u = 2, so both partial derivatives are 2·cos(2) ≈ -0.8323.
    check(1.0, 1.0, (2.0 * 2f64.cos(), 2.0 * 2f64.cos()));
}
