use super::*;

fn mock_log_probs(logits: &[f64], legal: &[bool]) -> Vec<f32> {
    let m = logits.iter().zip(legal).filter(|(_, &ok)| ok).map(|(&l, _)| l).fold(f64::NEG_INFINITY, f64::max);
    let lse = m + logits.iter().zip(legal).filter(|(_, &ok)| ok).map(|(&l, _)| (l - m).exp()).sum::<f64>().ln();
    logits.iter().zip(legal).map(|(&l, &ok)| if ok { (l - lse) as f32 } else { f32::NEG_INFINITY }).collect()
}

#[test]
fn player_minus_one_won() {
    assert_eq!(value_targets(-1, &[1, -1, 1, -1]), vec![-1.0, 1.0, -1.0, 1.0]);
    assert_eq!(value_targets(-1, &[-1, 1, -1]), vec![1.0, -1.0, 1.0], "a game where player −1 moved first and won");
    let got = loss_v(&[0.0, 0.5], &value_targets(-1, &[1, -1]));
    assert!((got - 0.625).abs() < 1e-6, "loss_v([0, 0.5], [-1, 1]) should be (1 + 0.25)/2 = 0.625, got {got}");
}

#[test]
fn policy_loss_averages_over_positions() {
    // Three positions with different legal moves; the loss is the mean of the three row losses.
    let rows: [(&[f64], &[usize], &[f32]); 3] = [
        (&[0.5, 1.0, -1.0, 0.0], &[0, 1, 2, 3], &[0.25, 0.25, 0.25, 0.25]),
        (&[2.0, 0.0, 0.0, 1.0], &[0, 3], &[0.5, 0.0, 0.0, 0.5]),
        (&[0.0, 3.0, 1.0, 0.0], &[1, 2], &[0.0, 0.0, 1.0, 0.0]),
    ];
    let (mut preds, mut targets, mut want) = (vec![], vec![], 0.0f64);
    for (logits, legal, pi) in rows {
        let mask: Vec<bool> = (0..4).map(|a| legal.contains(&a)).collect();
        let lp = mock_log_probs(logits, &mask);
        want -= (0..4).filter(|&a| pi[a] > 0.0).map(|a| pi[a] as f64 * lp[a] as f64).sum::<f64>();
        preds.push(lp);
        targets.push(pi.to_vec());
    }
    want /= 3.0;
    let got = loss_pi(&preds, &targets);
    assert!((got as f64 - want).abs() < 1e-5, "expected {want:.6}, got {got}");
}

#[test]
fn a_sure_target_costs_its_log_probability() {
    // All the search's visits went to move 1: the loss is −log p₁ (a legal move with target 0 adds nothing).
    let got = loss_pi(&[vec![-1.7, -0.25, f32::NEG_INFINITY]], &[vec![0.0, 1.0, 0.0]]);
    assert!((got - 0.25).abs() < 1e-6, "expected 0.25, got {got}");
    let v = loss_v(&[1.0; 4], &[1.0; 4]);
    assert!(v.abs() < 1e-7, "perfect value predictions cost 0, got {v}");
}
