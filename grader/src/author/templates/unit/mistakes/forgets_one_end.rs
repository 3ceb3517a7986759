// Scales only b by t and adds a whole, forgetting to take (1 − t) of a.
use nma_engine::prelude::*;

pub fn lerp(a: &Tensor, b: &Tensor, t: f32) -> Tensor {
    a + b * t
}
