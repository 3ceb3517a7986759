use super::*;

/// A mock policy head: log-softmax of `logits` over the legal moves, −∞ on the others.
fn mock_log_probs(logits: &[f64], legal: &[bool]) -> Vec<f32> {
    let m = logits.iter().zip(legal).filter(|(_, &ok)| ok).map(|(&l, _)| l).fold(f64::NEG_INFINITY, f64::max);
    let lse = m + logits.iter().zip(legal).filter(|(_, &ok)| ok).map(|(&l, _)| (l - m).exp()).sum::<f64>().ln();
    logits.iter().zip(legal).map(|(&l, &ok)| if ok { (l - lse) as f32 } else { f32::NEG_INFINITY }).collect()
}

#[test]
fn targets_follow_the_player_to_move() {
    // Player +1 moved first and won: good news for it, bad news for player −1.
    assert_eq!(value_targets(1, &[1, -1, 1, -1, 1]), vec![1.0, -1.0, 1.0, -1.0, 1.0]);
    assert_eq!(value_targets(0, &[1, -1, 1]), vec![0.0, 0.0, 0.0], "a draw is worth 0 to both players");
    // Read the player from `players`, not from the position's index.
    assert_eq!(value_targets(1, &[-1, 1, -1]), vec![-1.0, 1.0, -1.0], "player −1 moved first and lost");
}

#[test]
fn value_loss_is_mean_squared_error() {
    let got = loss_v(&[0.5, -0.2, 0.9], &[1.0, -1.0, 0.0]);
    let want = (0.25 + 0.64 + 0.81) / 3.0;
    assert!((got - want).abs() < 1e-6, "expected (0.5² + 0.8² + 0.9²)/3 = {want}, got {got}");
}

#[test]
fn policy_loss_skips_masked_moves() {
    // Tic-tac-toe: only cells 2, 5 and 8 are free. The search visited them 10, 30 and 60 times.
    let logits = [0.0, 0.0, 1.0, 0.0, 0.0, -0.5, 0.0, 0.0, 2.0];
    let legal: Vec<bool> = (0..9).map(|i| [2, 5, 8].contains(&i)).collect();
    let log_p = mock_log_probs(&logits, &legal);
    let mut pi = vec![0.0f32; 9];
    pi[2] = 0.1;
    pi[5] = 0.3;
    pi[8] = 0.6;
    let want = -(0.1 * log_p[2] as f64 + 0.3 * log_p[5] as f64 + 0.6 * log_p[8] as f64);
    let got = loss_pi(&[log_p], &[pi]);
    assert!(got.is_finite(), "masked moves (target 0, log-probability −∞) must contribute 0, but the loss is {got}");
    assert!((got as f64 - want).abs() < 1e-5, "expected {want:.6}, got {got}");
}

#[test]
fn policy_loss_is_a_mean_over_positions() {
    // Two positions, each with one sure move: row losses 0.5 and 1.5, so the loss is 1.
    let got = loss_pi(&[vec![-0.5, -1.2], vec![-2.0, -1.5]], &[vec![1.0, 0.0], vec![0.0, 1.0]]);
    assert!((got - 1.0).abs() < 1e-6, "the row losses are 0.5 and 1.5; their mean over the N = 2 positions is 1, got {got}");
}
