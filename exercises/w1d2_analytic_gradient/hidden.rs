use super::*;

fn z(x: f64, y: f64) -> f64 {
    (x * x + y * y).sin()
}

#[test]
fn x_comes_first_and_y_second() {
    // At (0.5, 1.2): u = 0.25 + 1.44 = 1.69, cos(1.69) ≈ -0.11892
    // ∂z/∂x = 1.0·cos(1.69) and ∂z/∂y = 2.4·cos(1.69) differ, so swapping them shows.
    let c = 1.69f64.cos();
    let (dx, dy) = fun_dz(0.5, 1.2);
    assert!((dx - c).abs() < 1e-9, "at (0.5, 1.2) expected ∂z/∂x = {c}, got {dx}");
    assert!((dy - 2.4 * c).abs() < 1e-9, "at (0.5, 1.2) expected ∂z/∂y = {}, got {dy}", 2.4 * c);
}

#[test]
fn zero_where_the_inner_sum_is_half_pi() {
    // x² + y² = π/2 puts sin at its top, where its slope is 0.
    let r = (std::f64::consts::FRAC_PI_2).sqrt();
    let (dx, dy) = fun_dz(r * 0.6, r * 0.8);
    assert!(dx.abs() < 1e-9 && dy.abs() < 1e-9, "on the circle x² + y² = π/2 both partial derivatives are 0, got ({dx}, {dy})");
}

#[test]
fn matches_central_differences_on_a_grid() {
    let h = 1e-5;
    for i in -4..=4 {
        for j in -4..=4 {
            let (x, y) = (0.37 * i as f64, 0.29 * j as f64 + 0.05);
            let fd_x = (z(x + h, y) - z(x - h, y)) / (2.0 * h);
            let fd_y = (z(x, y + h) - z(x, y - h)) / (2.0 * h);
            let (dx, dy) = fun_dz(x, y);
            assert!(
                (dx - fd_x).abs() < 1e-6 && (dy - fd_y).abs() < 1e-6,
                "at (x, y) = ({x:.3}, {y:.3}) the finite-difference gradient is ({fd_x:.6}, {fd_y:.6}), got ({dx:.6}, {dy:.6})"
            );
        }
    }
}
