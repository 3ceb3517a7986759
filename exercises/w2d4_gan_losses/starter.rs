//! W2D4 — the discriminator and generator losses of a GAN, computed from logits.
use nma_engine::prelude::*;

/// mean(−log D(x)) over the real logits + mean(−log(1 − D(G(z)))) over the fake logits,
/// where D = sigmoid(logit). Returns a one-element tensor.
pub fn loss_disc(real_logits: &Tensor, fake_logits: &Tensor) -> Tensor {
    // TODO: write both terms with a stable softplus. This placeholder only scores the real batch,
    // and overflows for large logits.
    let _ = fake_logits;
    (real_logits.sigmoid().log() * -1.0).mean()
}

/// mean(−log D(G(z))) over the fake logits: the non-saturating generator loss.
pub fn loss_gen(fake_logits: &Tensor) -> Tensor {
    // TODO: the generator wants D(G(z)) close to 1. This placeholder returns 0.
    let _ = fake_logits;
    Tensor::scalar(0.0)
}
