use super::*;
use nma_engine::prelude::*;

fn t(v: &[f32]) -> Tensor {
    Tensor::from_vec(v.to_vec(), &[v.len()])
}

/// log(1 + eᵘ) in f64, stable.
fn softplus(u: f64) -> f64 {
    u.max(0.0) + (-u.abs()).exp().ln_1p()
}

fn close(got: &Tensor, want: f64, what: &str) {
    assert_eq!(got.numel(), 1, "{what}: the loss is one number");
    let got = got.item();
    assert!(got.is_finite() && (got as f64 - want).abs() < 1e-4 * want.abs().max(1.0), "{what}: expected {want:.6}, got {got}");
}

#[test]
fn stays_finite_for_confident_logits() {
    // A confident, right discriminator: almost no loss. A confident, wrong one: the logit gap.
    close(&loss_disc(&t(&[1000.0, 100.0]), &t(&[-1000.0])), 0.0, "confident and right");
    close(&loss_disc(&t(&[-1000.0]), &t(&[100.0, 1000.0])), 1000.0 + 550.0, "confident and wrong");
    close(&loss_gen(&t(&[-1000.0, -100.0])), 550.0, "the generator fooling nobody");
    close(&loss_gen(&t(&[1000.0, 30.0])), softplus(-30.0) / 2.0, "the generator fooling everyone");
}

#[test]
fn batches_are_averaged_separately() {
    // Two real, four fake logits: each batch's mean counts once.
    let (real, fake) = ([3.0f64, -1.0], [0.5f64, 0.5, -2.0, 4.0]);
    let want = real.iter().map(|&l| softplus(-l)).sum::<f64>() / 2.0 + fake.iter().map(|&l| softplus(l)).sum::<f64>() / 4.0;
    let f32s = |v: &[f64]| v.iter().map(|&a| a as f32).collect::<Vec<f32>>();
    close(&loss_disc(&t(&f32s(&real)), &t(&f32s(&fake))), want, "loss_disc with batches of 2 and 4");
}

#[test]
fn the_generator_loss_is_non_saturating() {
    // Early in training D rejects fakes (logit −5): −log D(G(z)) ≈ 5 is large and steep,
    // unlike log(1 − D(G(z))) ≈ −0.0067, which would barely move the generator.
    close(&loss_gen(&t(&[-5.0])), softplus(5.0), "loss_gen at logit −5");
    close(&loss_gen(&t(&[-5.0, 2.0])), (softplus(5.0) + softplus(-2.0)) / 2.0, "loss_gen at logits −5 and 2");
}
