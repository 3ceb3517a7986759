//! W2D4 — drawing samples from a probabilistic PCA model.
use nma_engine::prelude::*;

/// `n` samples x = W·z + μ + σ·ε with z ~ N(0, I_K) and ε ~ N(0, I_D), as rows of an
/// [n, D] tensor. `w` has shape [D, K], `mu` shape [D]; `sigma` is the noise's standard
/// deviation.
pub fn gen_from_ppca(w: &Tensor, mu: &Tensor, sigma: f32, n: usize, rng: &mut Rng) -> Tensor {
    // TODO: draw z and ε for every sample and combine them with W, μ and σ.
    // This placeholder returns μ n times: the right shape, but no spread at all.
    let _ = (w, sigma, rng);
    let mu = mu.to_vec();
    let rows: Vec<f32> = (0..n).flat_map(|_| mu.iter().copied()).collect();
    Tensor::from_vec(rows, &[n, mu.len()])
}
