// I computed the unbiased variance, dividing by n − 1 as statistics classes teach, instead of by n.
//! W2D5 — layer normalisation and the sinusoidal positional encoding (reference solution).
use nma_engine::prelude::*;

pub fn layer_norm(x: &Tensor, eps: f32) -> Tensor {
    let last = x.ndim() - 1;
    let centred = x - &x.mean_dim(last, true);
    let n = x.shape()[last] as f32;
    let var = (&centred * &centred).sum_dim(last, true) / (n - 1.0); // unbiased: n − 1
    centred / (var + eps).sqrt()
}

pub fn positional_encoding(seq: usize, dim: usize) -> Tensor {
    let mut values = vec![0f32; seq * dim];
    for p in 0..seq {
        for i in 0..dim / 2 {
            let angle = p as f64 / 10000f64.powf(2.0 * i as f64 / dim as f64);
            values[p * dim + 2 * i] = angle.sin() as f32;
            values[p * dim + 2 * i + 1] = angle.cos() as f32;
        }
    }
    Tensor::from_vec(values, &[seq, dim])
}
