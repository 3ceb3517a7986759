use super::*;
use nma_engine::prelude::*;

fn t(v: &[f32]) -> Tensor {
    Tensor::from_vec(v.to_vec(), &[v.len()])
}

/// −log sigmoid(ℓ) in f64.
fn neg_log_d(l: f64) -> f64 {
    -(1.0 / (1.0 + (-l).exp())).ln()
}

fn close(got: &Tensor, want: f64, what: &str) {
    assert_eq!(got.numel(), 1, "{what}: the loss is one number, got shape {:?}", got.shape());
    let got = got.item();
    assert!((got as f64 - want).abs() < 1e-4 * want.abs().max(1.0), "{what}: expected {want:.6}, got {got}");
}

#[test]
fn an_undecided_discriminator() {
    // Logits 0 mean D = ½ everywhere: the discriminator pays 2·log 2, the generator log 2.
    close(&loss_disc(&t(&[0.0, 0.0]), &t(&[0.0, 0.0, 0.0])), 2.0 * 2f64.ln(), "loss_disc with logits 0");
    close(&loss_gen(&t(&[0.0, 0.0, 0.0])), 2f64.ln(), "loss_gen with logits 0");
}

#[test]
fn moderate_logits() {
    let (real, fake) = ([2.0, -0.5, 1.0], [-1.5, 0.3, -3.0]);
    let want_disc = real.iter().map(|&l| neg_log_d(l)).sum::<f64>() / 3.0 + fake.iter().map(|&l| neg_log_d(-l)).sum::<f64>() / 3.0;
    let want_gen = fake.iter().map(|&l| neg_log_d(l)).sum::<f64>() / 3.0;
    let f32s = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<f32>>();
    close(&loss_disc(&t(&f32s(&real)), &t(&f32s(&fake))), want_disc, "loss_disc");
    close(&loss_gen(&t(&f32s(&fake))), want_gen, "loss_gen");
}

#[test]
fn confident_logits_give_finite_losses() {
    // In f32, sigmoid(200) is exactly 1 and sigmoid(−200) exactly 0: taking the log of a
    // sigmoid gives log 0 = −∞ here, although the true losses are just the logit gaps.
    close(&loss_gen(&t(&[-200.0])), 200.0, "loss_gen at logit −200 (the generator fools nobody)");
    close(&loss_disc(&t(&[-200.0]), &t(&[200.0])), 400.0, "loss_disc at real logit −200 and fake logit 200 (confident and wrong)");
}
