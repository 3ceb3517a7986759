//! W3D3 — representational similarity with cosine similarity (reference solution).
use nma_engine::prelude::*;

pub fn rsm_cosine(features: &Tensor) -> Tensor {
    let norms = (features * features).sum_dim(1, true).sqrt();
    let unit = features / &norms;
    unit.matmul(&unit.t())
}
