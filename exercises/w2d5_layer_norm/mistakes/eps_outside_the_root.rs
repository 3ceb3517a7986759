// I added eps after the square root, √σ² + eps, instead of inside it.
//! W2D5 — layer normalisation and the sinusoidal positional encoding (reference solution).
use nma_engine::prelude::*;

pub fn layer_norm(x: &Tensor, eps: f32) -> Tensor {
    let last = x.ndim() - 1;
    let centred = x - &x.mean_dim(last, true);
    let var = (&centred * &centred).mean_dim(last, true);
    centred / (var.sqrt() + eps) // eps outside the root
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
