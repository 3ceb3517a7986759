//! W3D2 — prototypical few-shot classification.
use nma_engine::prelude::*;

/// The prototype of each class of an episode: the mean of its support embeddings.
/// `support` is `[n, d]`, `labels[i]` (in `0..n_way`, in any order) is the class of row i;
/// returns `[n_way, d]`, row c the mean of the rows labelled c.
pub fn prototypes(support: &Tensor, labels: &[usize], n_way: usize) -> Tensor {
    // TODO: average the support rows of each class. This placeholder returns zeros.
    let _ = labels;
    Tensor::zeros(&[n_way, support.shape()[1]])
}

/// The squared Euclidean distance from every query (`[q, d]`) to every prototype
/// (`[n_way, d]`): `[q, n_way]`, entry (i, c) = ∑ₖ (queries[i][k] − protos[c][k])².
pub fn squared_distances(queries: &Tensor, protos: &Tensor) -> Tensor {
    // TODO: every query against every prototype. This placeholder returns zeros.
    Tensor::zeros(&[queries.shape()[0], protos.shape()[0]])
}

/// For each query, the class of its nearest prototype by squared distance (the lowest
/// class index on a tie).
pub fn classify(queries: &Tensor, protos: &Tensor) -> Vec<usize> {
    // TODO: the nearest prototype. This placeholder answers class 0 for everything.
    let _ = protos;
    vec![0; queries.shape()[0]]
}
