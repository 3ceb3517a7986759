//! W2D4 — the noise schedule and the denoising score-matching loss.
use nma_engine::prelude::*;

/// g(t) = σ^t, the diffusion coefficient of the variance-exploding SDE.
pub fn diffusion_coeff(t: f32, sigma: f32) -> f32 {
    // TODO: σ to the power t. This placeholder is 1 at every time.
    let _ = (t, sigma);
    1.0
}

/// √((σ^(2t) − 1) / (2·ln σ)): the standard deviation of the noise added by time t.
pub fn marginal_std(t: f32, sigma: f32) -> f32 {
    // TODO: the formula above. This placeholder says "no noise" at every time.
    let _ = (t, sigma);
    0.0
}

/// Mean over the batch of Σ_d (sₙ·score(xₙ + sₙ·zₙ, tₙ)_d + zₙ,d)², with sₙ = marginal_std(tₙ, σ).
/// `x` and `z` have shape [N, D], `t` shape [N]; `score_fn(&x̃, t)` returns [N, D].
pub fn dsm_loss(score_fn: &dyn Fn(&Tensor, &Tensor) -> Tensor, x: &Tensor, t: &Tensor, z: &Tensor, sigma: f32) -> Tensor {
    // TODO: perturb x, ask the score model, and compare std·score with −z.
    // This placeholder reports a perfect model.
    let _ = (score_fn, x, t, z, sigma);
    Tensor::scalar(0.0)
}
