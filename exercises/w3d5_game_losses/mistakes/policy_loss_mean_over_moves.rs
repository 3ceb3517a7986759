// I divided the policy loss by the number of entries, positions times moves, like a plain mean.

pub fn value_targets(result: i8, players: &[i8]) -> Vec<f32> {
    players.iter().map(|&p| (result * p) as f32).collect()
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
    total / pred_log_probs.iter().map(|row| row.len()).sum::<usize>() as f32 // by every move, not by N
}
