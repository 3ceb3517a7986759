// Keeps sin as the outer derivative (sin′ = sin) instead of cos.
//! W1D2 — the gradient of z = sin(x² + y²), by hand (reference solution).

pub fn fun_dz(x: f64, y: f64) -> (f64, f64) {
    let outer = (x * x + y * y).sin(); // sin′ is cos, not sin
    (2.0 * x * outer, 2.0 * y * outer)
}
