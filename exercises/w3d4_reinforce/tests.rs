use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;

fn close(got: &[f32], want: &[f32], tol: f32) -> bool {
    got.len() == want.len() && got.iter().zip(want).all(|(g, w)| (g - w).abs() <= tol)
}

#[test]
fn returns_of_one_short_episode() {
    // Rewards 1, 1, 1 and γ = 0.5: from the end, G₂ = 1, G₁ = 1 + 0.5·1, G₀ = 1 + 0.5·1.5.
    let got = returns_to_go(&[1.0, 1.0, 1.0], &[false, false, true], 0.5);
    assert!(close(&got, &[1.75, 1.5, 1.0], 1e-6), "rewards [1, 1, 1], γ = 0.5: returns-to-go should be [1.75, 1.5, 1], got {got:?}");
}

#[test]
fn returns_restart_at_each_episode_end() {
    // Two episodes back to back: [1, 2] then [3, 4]. Step 1 ends the first, so G₁ is just 2
    // and G₀ = 1 + 0.9·2 never sees the 3 and 4 of the next episode.
    let got = returns_to_go(&[1.0, 2.0, 3.0, 4.0], &[false, true, false, true], 0.9);
    assert!(
        close(&got, &[2.8, 2.0, 6.6, 4.0], 1e-5),
        "episodes [1, 2] and [3, 4] with γ = 0.9 should give [2.8, 2, 6.6, 4] (each episode on its own), got {got:?}"
    );
}

#[test]
fn loss_by_hand() {
    // Row 0: logits (0, 0), π = (½, ½), action 1, G − b = 2 − 1 = 1.
    // Row 1: logits (ln 3, 0), π = (¾, ¼), action 0, G − b = 4 − 1 = 3.
    // loss = −(ln ½ · 1 + ln ¾ · 3) / 2
    let logits = Tensor::from_vec(vec![0.0, 0.0, 3f32.ln(), 0.0], &[2, 2]);
    let got = reinforce_loss(&logits, &[1, 0], &[2.0, 4.0], 1.0);
    assert_eq!(got.numel(), 1, "the loss is one number (a scalar tensor), got shape {:?}", got.shape());
    let want = -((0.5f64).ln() + 3.0 * (0.75f64).ln()) / 2.0;
    assert_scalar_close(got.item(), want as f32, 1e-5);
}

#[test]
fn the_loss_pushes_good_actions_up_and_bad_ones_down() {
    // One state, two rows: action 0 with a return above the baseline, action 1 below it.
    // Minimising the loss must raise logit 0 (its gradient is negative) and lower logit 1.
    let logits = Tensor::from_vec(vec![0.2, -0.1, 0.2, -0.1], &[2, 2]).requires_grad();
    reinforce_loss(&logits, &[0, 1], &[5.0, 1.0], 3.0).backward();
    let g = logits.grad().expect("the loss must be built from `logits` with tensor operations so gradients flow").to_vec();
    let (d0, d1) = (g[0] + g[2], g[1] + g[3]);
    assert!(d0 < 0.0 && d1 > 0.0, "the action that beat the baseline (0) should get a negative gradient and the other a positive one; got ∂loss/∂logit0 = {d0}, ∂loss/∂logit1 = {d1}");
}

#[test]
fn training_reports_every_update() {
    let mut seen = Vec::new();
    let policy = train_reinforce(nma_harness::seed(), 3, |it, len| seen.push((it, len)));
    assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), vec![0, 1, 2], "on_step should be called once per update, with iterations 0, 1, 2");
    for (it, len) in &seen {
        assert!(*len >= 1.0 && *len <= MAX_STEPS as f32, "iteration {it}: the mean episode length should be between 1 and MAX_STEPS, got {len}");
    }
    let out = policy.forward(&Tensor::zeros(&[5, 4]));
    assert_eq!(out.shape(), vec![5, 2], "the returned policy maps [n, 4] observations to [n, 2] logits");
}
