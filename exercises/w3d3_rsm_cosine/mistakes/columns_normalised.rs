// I normalised along dimension 0, thinking each feature column needs length 1.
use nma_engine::prelude::*;

pub fn rsm_cosine(features: &Tensor) -> Tensor {
    let norms = (features * features).sum_dim(0, true).sqrt(); // the columns' lengths
    let unit = features / &norms;
    unit.matmul(&unit.t())
}
