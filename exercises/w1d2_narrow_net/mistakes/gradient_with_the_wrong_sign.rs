// Loses the minus sign of the chain rule: the derivative of (y − ŷ)² with respect to ŷ is −2(y − ŷ), not +2(y − ŷ).
//! W1D2 — a narrow linear net trained by hand (reference solution).

pub fn loss(x: &[f32], y: &[f32], w1: f32, w2: f32) -> f32 {
    let total: f32 = x.iter().zip(y).map(|(&xi, &yi)| (yi - w2 * w1 * xi).powi(2)).sum();
    0.5 * total / x.len() as f32
}

pub fn dloss_dw(x: &[f32], y: &[f32], w1: f32, w2: f32) -> (f32, f32) {
    let n = x.len() as f32;
    let (mut g1, mut g2) = (0.0, 0.0);
    for (&xi, &yi) in x.iter().zip(y) {
        let error = yi - w2 * w1 * xi;
        g1 += error * w2 * xi; // sign lost
        g2 += error * w1 * xi;
    }
    (g1 / n, g2 / n)
}

pub fn train(x: &[f32], y: &[f32], mut w1: f32, mut w2: f32, lr: f32, steps: usize) -> (f32, f32, Vec<f32>) {
    let mut losses = Vec::with_capacity(steps);
    for _ in 0..steps {
        losses.push(loss(x, y, w1, w2));
        let (g1, g2) = dloss_dw(x, y, w1, w2);
        w1 -= lr * g1;
        w2 -= lr * g2;
    }
    (w1, w2, losses)
}
