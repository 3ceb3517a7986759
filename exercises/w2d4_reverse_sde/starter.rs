//! W2D4 — sampling from a diffusion model by simulating the reverse SDE.
use nma_engine::prelude::*;

/// SIGMA of the noise schedule: g(t) = SIGMA^t.
pub const SIGMA: f32 = 25.0;
/// The reverse process stops at this small time instead of 0, where σ(t) vanishes.
pub const T_END: f32 = 1e-3;

/// σ(t) = √((SIGMA^(2t) − 1) / (2·ln SIGMA)): the standard deviation of the noise the forward
/// process has added by time t. Given.
pub fn marginal_std(t: f32) -> f32 {
    ((SIGMA.powf(2.0 * t) - 1.0) / (2.0 * SIGMA.ln())).sqrt()
}

/// g(t) = SIGMA^t: how fast the forward process adds noise at time t. Given.
pub fn diffusion_coeff(t: f32) -> f32 {
    SIGMA.powf(t)
}

/// `n` samples from the data distribution whose noised score is `score(x, t)`: start from
/// N(0, σ(1)²) and take `steps` Euler–Maruyama steps of the reverse SDE from t = 1 to T_END.
pub fn reverse_sde(score: &dyn Fn(f32, f32) -> f32, steps: usize, n: usize, rng: &mut Rng) -> Vec<f32> {
    // TODO: for each of the `steps` times, move every sample along g²·score·dt and add g·√dt noise.
    // This placeholder returns the starting noise, not yet denoised.
    let _ = (score, steps);
    (0..n).map(|_| marginal_std(1.0) * rng.normal()).collect()
}
