//! W3D5 — the targets and losses that train a game-playing network's two heads.

/// The value target of each recorded position: the final `result` (+1: player +1 won,
/// −1: player −1 won, 0: draw) as seen by `players[i]`, the player to move there.
pub fn value_targets(result: i8, players: &[i8]) -> Vec<f32> {
    // TODO: look at the result from the side of each position's player.
    // This placeholder gives every position the result as player +1 sees it.
    players.iter().map(|_| result as f32).collect()
}

/// Σᵢ (targetᵢ − predᵢ)² / N.
pub fn loss_v(pred_v: &[f32], target_v: &[f32]) -> f32 {
    // TODO: the mean squared error. This placeholder returns 0.
    let _ = (pred_v, target_v);
    0.0
}

/// −Σᵢ Σₐ πᵢ,ₐ · log pᵢ,ₐ / N; moves with target 0 contribute nothing (their log-probability
/// may be −∞).
pub fn loss_pi(pred_log_probs: &[Vec<f32>], target_pi: &[Vec<f32>]) -> f32 {
    // TODO: the cross-entropy of each row, averaged over the rows. This placeholder returns 0.
    let _ = (pred_log_probs, target_pi);
    0.0
}
