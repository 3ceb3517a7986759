// My generator minimises log(1 − D(G(z))), the minimax loss from the paper, instead of −log D(G(z)).
use nma_engine::prelude::*;

/// log(1 + eᵘ) without overflow: max(u, 0) + log(1 + e^(−|u|)).
fn softplus(u: &Tensor) -> Tensor {
    u.relu() + ((-u.abs()).exp() + 1.0).log()
}

pub fn loss_disc(real_logits: &Tensor, fake_logits: &Tensor) -> Tensor {
    // −log D(x) = softplus(−ℓ); −log(1 − D(G(z))) = softplus(ℓ).
    softplus(&-real_logits).mean() + softplus(fake_logits).mean()
}

pub fn loss_gen(fake_logits: &Tensor) -> Tensor {
    -softplus(fake_logits).mean() // log(1 − D(G(z))) = −softplus(ℓ)
}
