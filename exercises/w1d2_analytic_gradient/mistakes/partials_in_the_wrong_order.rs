// Returns (∂z/∂y, ∂z/∂x): the two partial derivatives in the wrong order.
//! W1D2 — the gradient of z = sin(x² + y²), by hand (reference solution).

pub fn fun_dz(x: f64, y: f64) -> (f64, f64) {
    let outer = (x * x + y * y).cos();
    (2.0 * y * outer, 2.0 * x * outer) // y first
}
