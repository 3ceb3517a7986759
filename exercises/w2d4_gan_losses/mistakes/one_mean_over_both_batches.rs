// I averaged the real and fake terms together, as one batch, instead of taking each batch's mean.
use nma_engine::prelude::*;

/// log(1 + eᵘ) without overflow: max(u, 0) + log(1 + e^(−|u|)).
fn softplus(u: &Tensor) -> Tensor {
    u.relu() + ((-u.abs()).exp() + 1.0).log()
}

pub fn loss_disc(real_logits: &Tensor, fake_logits: &Tensor) -> Tensor {
    // −log D(x) = softplus(−ℓ); −log(1 − D(G(z))) = softplus(ℓ).
    (softplus(&-real_logits).sum() + softplus(fake_logits).sum()) / (real_logits.numel() + fake_logits.numel()) as f32 // one mean over both
}

pub fn loss_gen(fake_logits: &Tensor) -> Tensor {
    softplus(&-fake_logits).mean()
}
