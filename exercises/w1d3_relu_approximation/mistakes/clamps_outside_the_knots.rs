// Clamps x to the range of the knots (like np.interp), so f goes flat right of the last knot instead of continuing its last slope.
//! W1D3 — a piecewise-linear function written as a sum of ReLUs (reference solution).

pub fn approximate_function(xk: &[f32], yk: &[f32], xs: &[f32]) -> Vec<f32> {
    let n_relus = xk.len() - 1;
    let mut weights = Vec::with_capacity(n_relus);
    let mut previous_slope = 0.0;
    for i in 0..n_relus {
        let slope = (yk[i + 1] - yk[i]) / (xk[i + 1] - xk[i]);
        weights.push(slope - previous_slope);
        previous_slope = slope;
    }
    xs.iter()
        .map(|&x| x.clamp(xk[0], xk[n_relus]))
        .map(|x| yk[0] + (0..n_relus).map(|i| weights[i] * (x - xk[i]).max(0.0)).sum::<f32>()) // clamped to the knots
        .collect()
}
