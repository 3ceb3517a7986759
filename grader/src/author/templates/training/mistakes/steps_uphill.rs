// Adds the gradient to the weights instead of subtracting it, so every step goes uphill.

pub fn mse(x: &[f32], y: &[f32], w: f32, b: f32) -> f32 {
    let total: f32 = x.iter().zip(y).map(|(&xi, &yi)| (w * xi + b - yi).powi(2)).sum();
    total / x.len() as f32
}

pub fn fit_line(x: &[f32], y: &[f32], mut w: f32, mut b: f32, lr: f32, steps: usize) -> (f32, f32, Vec<f32>) {
    let n = x.len() as f32;
    let mut losses = Vec::with_capacity(steps);
    for _ in 0..steps {
        losses.push(mse(x, y, w, b));
        let (mut gw, mut gb) = (0.0, 0.0);
        for (&xi, &yi) in x.iter().zip(y) {
            let error = w * xi + b - yi;
            gw += 2.0 * error * xi / n;
            gb += 2.0 * error / n;
        }
        w += lr * gw; // steps along the gradient
        b += lr * gb;
    }
    (w, b, losses)
}
