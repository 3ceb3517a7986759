// Differentiates x² as x instead of 2x, so both partial derivatives are half as large as they should be.
//! W1D2 — the gradient of z = sin(x² + y²), by hand (reference solution).

pub fn fun_dz(x: f64, y: f64) -> (f64, f64) {
    let outer = (x * x + y * y).cos();
    (x * outer, y * outer) // d(x²)/dx taken as x
}
