//! W2D2 — a 2-D convolution (cross-correlation) written with loops.

/// Valid, stride-1 cross-correlation of `image` (H×W) with `kernel` (kh×kw):
/// out[i][j] = Σₐ Σᵦ kernel[a][b]·image[i + a][j + b], of size (H − kh + 1)×(W − kw + 1).
pub fn convolution2d(image: &[Vec<f32>], kernel: &[Vec<f32>]) -> Vec<Vec<f32>> {
    // TODO: slide the kernel over the image. This placeholder only has the right size, filled with zeros.
    let out_h = image.len() - kernel.len() + 1;
    let out_w = image[0].len() - kernel[0].len() + 1;
    vec![vec![0.0; out_w]; out_h]
}
