// Weights the two ends the wrong way round, so t = 0 gives b instead of a.
use nma_engine::prelude::*;

pub fn lerp(a: &Tensor, b: &Tensor, t: f32) -> Tensor {
    a * t + b * (1.0 - t)
}
