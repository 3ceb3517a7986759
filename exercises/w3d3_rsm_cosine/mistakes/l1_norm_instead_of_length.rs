// I scaled each row by the sum of its absolute values instead of its Euclidean length.
use nma_engine::prelude::*;

pub fn rsm_cosine(features: &Tensor) -> Tensor {
    let norms = features.abs().sum_dim(1, true); // L1 norm
    let unit = features / &norms;
    unit.matmul(&unit.t())
}
