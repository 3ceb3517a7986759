//! W1D2 — the singular value decomposition of a deep linear network.
//!
//! A deep *linear* network (layers without activations, here also without biases) maps x
//! to W_L ⋯ W_2 · W_1 · x: however deep it is, it applies one matrix A, its end-to-end
//! product. The singular value decomposition writes A = Σᵢ σᵢ · uᵢ · vᵢᵀ, a sum of
//! rank-one pieces: unit "input directions" vᵢ (orthogonal to each other), unit "output
//! directions" uᵢ (orthogonal too), and strengths σ₁ ≥ σ₂ ≥ … ≥ 0. Training a deep linear
//! net learns these pieces one after another, the strongest first.
//!
//! The engine has no SVD, so you compute the largest pieces yourself, in plain Rust, by
//! **power iteration**: start from almost any vector v, and repeat
//!
//!     v ← Aᵀ(A·v), then v ← v / |v|
//!
//! Each round multiplies the part of v along vᵢ by σᵢ², so the strongest direction wins
//! and v converges to v₁. Then σ₁ = |A·v₁| and u₁ = A·v₁ / σ₁. To find the next piece,
//! remove the one you have (**deflation**: A ← A − σ₁·u₁·v₁ᵀ) and iterate again.
//!
//! Matrices in plain Rust are `Vec<Vec<f64>>`, a vector of rows.
use nma_engine::prelude::*;

/// The k strongest pieces of a matrix A (rows × cols): `values[i]` = σᵢ (largest first),
/// `u[i]` (length rows) and `v[i]` (length cols) its unit output and input directions.
#[derive(Debug, Clone)]
pub struct Svd {
    pub values: Vec<f64>,
    pub u: Vec<Vec<f64>>,
    pub v: Vec<Vec<f64>>,
}

/// The end-to-end matrix W_L ⋯ W_2 · W_1 of bias-free layers applied in order
/// (`layers[0]` first), of shape [outputs of the last layer, inputs of the first].
pub fn end_to_end(layers: &[Linear]) -> Tensor {
    // TODO: multiply the weights (shape [out, in] each) so that the first layer acts first.
    // This placeholder returns the first layer's weight.
    layers[0].weight.clone()
}

/// The largest singular value σ₁ of `a` with its unit vectors (σ₁, u₁, v₁), by power
/// iteration. `a` is a list of rows and is not the zero matrix.
pub fn top_singular(a: &[Vec<f64>]) -> (f64, Vec<f64>, Vec<f64>) {
    // TODO: power iteration on AᵀA, then σ₁ = |A v₁| and u₁ = A v₁ / σ₁.
    // This placeholder returns the first row's length with two coordinate vectors.
    let (rows, cols) = (a.len(), a[0].len());
    let mut u = vec![0.0; rows];
    let mut v = vec![0.0; cols];
    u[0] = 1.0;
    v[0] = 1.0;
    let sigma = a[0].iter().map(|x| x * x).sum::<f64>().sqrt();
    (sigma, u, v)
}

/// The k strongest pieces (k ≤ min(rows, cols)) of the end-to-end matrix of `layers`.
pub fn net_svd(layers: &[Linear], k: usize) -> Svd {
    // TODO: turn `end_to_end(layers)` into rows of f64, then k times: take the top piece
    // with `top_singular`, record it, and subtract σ·u·vᵀ from the matrix.
    // This placeholder finds the top piece only.
    let a = end_to_end(layers);
    let cols = a.shape()[1];
    let rows: Vec<Vec<f64>> = a.to_vec().chunks(cols).map(|r| r.iter().map(|&x| x as f64).collect()).collect();
    let (sigma, u, v) = top_singular(&rows);
    let _ = k;
    Svd { values: vec![sigma], u: vec![u], v: vec![v] }
}
