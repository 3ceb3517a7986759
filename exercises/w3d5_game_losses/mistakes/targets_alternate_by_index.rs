// I assumed player +1 always moves first, so even positions get the result and odd ones its opposite.

pub fn value_targets(result: i8, players: &[i8]) -> Vec<f32> {
    (0..players.len()).map(|i| if i % 2 == 0 { result as f32 } else { -(result as f32) }).collect() // ignores `players`
}

pub fn loss_v(pred_v: &[f32], target_v: &[f32]) -> f32 {
    let total: f32 = pred_v.iter().zip(target_v).map(|(p, t)| (t - p) * (t - p)).sum();
    total / pred_v.len() as f32
}

pub fn loss_pi(pred_log_probs: &[Vec<f32>], target_pi: &[Vec<f32>]) -> f32 {
    let mut total = 0.0;
    for (log_p, pi) in pred_log_probs.iter().zip(target_pi) {
        for (&lp, &p) in log_p.iter().zip(pi) {
            // Masked moves have target 0 and log-probability −∞: skip them, 0·(−∞) is NaN.
            if p > 0.0 {
                total -= p * lp;
            }
        }
    }
    total / pred_log_probs.len() as f32
}
