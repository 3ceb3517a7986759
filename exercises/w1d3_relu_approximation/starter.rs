//! W1D3 — a piecewise-linear function written as a sum of ReLUs.

/// f(x) = yk[0] + Σᵢ wᵢ·relu(x − xk[i]) (i = 0 … n−2), with weights such that f passes
/// through every knot (xk[j], yk[j]). Returns f at every point of `xs`.
pub fn approximate_function(xk: &[f32], yk: &[f32], xs: &[f32]) -> Vec<f32> {
    // TODO: compute one weight per ReLU and add the ReLUs up.
    // This placeholder uses the first segment's slope everywhere (a single ReLU).
    let slope = (yk[1] - yk[0]) / (xk[1] - xk[0]);
    xs.iter().map(|&x| yk[0] + slope * (x - xk[0]).max(0.0)).collect()
}
