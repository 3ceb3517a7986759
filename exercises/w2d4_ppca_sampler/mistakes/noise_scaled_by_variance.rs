// I multiplied the noise by σ², since σ² is the noise term of the covariance.
use nma_engine::prelude::*;

pub fn gen_from_ppca(w: &Tensor, mu: &Tensor, sigma: f32, n: usize, rng: &mut Rng) -> Tensor {
    let (d, k) = (w.shape()[0], w.shape()[1]);
    // One latent vector and one noise vector per sample, as the rows of Z and E.
    let z = Tensor::from_vec((0..n * k).map(|_| rng.normal()).collect(), &[n, k]);
    let noise = Tensor::from_vec((0..n * d).map(|_| rng.normal()).collect(), &[n, d]);
    // Row i is W·zᵢ + μ + σ·εᵢ; for all rows at once, Z·Wᵀ + μ + σ·E.
    z.matmul(&w.t()) + mu + noise * (sigma * sigma) // σ² instead of σ
}
