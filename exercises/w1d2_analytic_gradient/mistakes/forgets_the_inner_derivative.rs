// Stops the chain rule at the outer function: returns cos(x² + y²) for both partial derivatives, without the inner derivative 2x or 2y.
//! W1D2 — the gradient of z = sin(x² + y²), by hand (reference solution).

pub fn fun_dz(x: f64, y: f64) -> (f64, f64) {
    let outer = (x * x + y * y).cos();
    (outer, outer) // no ∂u/∂x, ∂u/∂y
}
