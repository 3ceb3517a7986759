// I left the partner out of the denominator too, so it sums over the negatives only.
use nma_engine::prelude::*;

pub fn nt_xent(z1: &Tensor, z2: &Tensor, tau: f32) -> Tensor {
    let n = z1.shape()[0];
    let z = Tensor::cat(&[z1, z2], 0);
    let z = &z / &(&z * &z).sum_dim(1, true).sqrt();
    let s = z.matmul(&z.t()) / tau;
    // Leave each row out of its own softmax: exp(−1e9) is exactly 0.
    let logits = &s - Tensor::eye(2 * n) * 1e9;
    let partners: Vec<usize> = (0..2 * n).map(|i| (i + n) % (2 * n)).collect();
    // −log(e^{s_pos} / Σ_negatives e^{s}): mask the partner out of the sum as well.
    let mut mask = vec![0.0f32; 4 * n * n];
    for (i, &p) in partners.iter().enumerate() {
        mask[i * 2 * n + p] = 1.0;
    }
    let mask = Tensor::from_vec(mask, &[2 * n, 2 * n]);
    let positive = (&s * &mask).sum_dim(1, false);
    let negatives = (&logits - &mask * 1e9).exp().sum_dim(1, false).log();
    (negatives - positive).mean()
}
