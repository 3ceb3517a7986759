//! W1D2 — a narrow linear net, ŷ = w2·w1·x, trained by gradient descent written by hand.

/// L = ½·mean((y − w2·w1·x)²), the loss of the narrow net on points (x, y). Given.
pub fn loss(x: &[f32], y: &[f32], w1: f32, w2: f32) -> f32 {
    let total: f32 = x.iter().zip(y).map(|(&xi, &yi)| (yi - w2 * w1 * xi).powi(2)).sum();
    0.5 * total / x.len() as f32
}

/// The gradient (∂L/∂w1, ∂L/∂w2) of `loss` at (w1, w2).
pub fn dloss_dw(x: &[f32], y: &[f32], w1: f32, w2: f32) -> (f32, f32) {
    // TODO: average the chain-rule derivative of ½(y − w2·w1·x)² over the points.
    let _ = (x, y, w1, w2);
    (0.0, 0.0)
}

/// `steps` updates of gradient descent with learning rate `lr`, starting at (w1, w2).
/// Returns the final (w1, w2) and the loss before each update (`steps` values).
pub fn train(x: &[f32], y: &[f32], w1: f32, w2: f32, lr: f32, steps: usize) -> (f32, f32, Vec<f32>) {
    // TODO: repeat `steps` times: record the loss, then step both weights against the gradient.
    let _ = (x, y, lr, steps);
    (w1, w2, Vec::new())
}
