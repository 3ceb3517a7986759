//! W2D4 — the score ∇ₓ log p(x) of a mixture of isotropic Gaussians.

/// ∇ₓ log p(x) for p(x) = Σₖ weights[k] · N(x; means[k], stds[k]²·I); `x` and every
/// `means[k]` have the same length d. Returns a vector of length d.
pub fn gmm_score(x: &[f32], means: &[Vec<f32>], stds: &[f32], weights: &[f32]) -> Vec<f32> {
    // TODO: weight each component's score (μₖ − x)/sₖ² by its share rₖ(x) of the density.
    // This placeholder returns 0: it points nowhere.
    let _ = (means, stds, weights);
    vec![0.0; x.len()]
}
