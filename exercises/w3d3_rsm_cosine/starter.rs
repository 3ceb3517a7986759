//! W3D3 — representational similarity with cosine similarity.
use nma_engine::prelude::*;

/// The [n, n] matrix of cosine similarities between the rows of `features` ([n, d]).
pub fn rsm_cosine(features: &Tensor) -> Tensor {
    // TODO: normalise every row to length 1 before taking the dot products.
    // This placeholder returns the raw dot products.
    features.matmul(&features.t())
}
