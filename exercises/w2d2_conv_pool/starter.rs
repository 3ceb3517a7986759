//! W2D2 — a fixed-kernel convolution layer and max pooling by hand.
use nma_engine::prelude::*;

/// Two 3×3 kernels, laid out [out channel, in channel, row, column]: channel 0 responds
/// to a vertical edge (dark on the left, bright on the right), channel 1 to a
/// horizontal edge (dark above, bright below).
pub const EDGE_KERNELS: [f32; 18] = [
    -1.0, 0.0, 1.0, //
    -2.0, 0.0, 2.0, //
    -1.0, 0.0, 1.0, //
    -1.0, -2.0, -1.0, //
    0.0, 0.0, 0.0, //
    1.0, 2.0, 1.0, //
];

/// `image` `[1, 1, H, W]` → ReLU(conv2d with `EDGE_KERNELS`), shape `[1, 2, H − 2, W − 2]`.
pub fn edge_maps(image: &Tensor) -> Tensor {
    let s = image.shape();
    // TODO: build the weight tensor from EDGE_KERNELS, convolve and apply a ReLU.
    // This placeholder has the right shape but is all zeros.
    Tensor::zeros(&[1, 2, s[2] - 2, s[3] - 2])
}

/// Max pooling of `map` (rows of equal length) over size×size blocks with stride `size`;
/// leftover rows and columns are dropped.
pub fn max_pool2d(map: &[Vec<f32>], size: usize) -> Vec<Vec<f32>> {
    // TODO: take the maximum of every block. This placeholder keeps the top-left value
    // of each block instead.
    let (h, w) = (map.len() / size, map[0].len() / size);
    (0..h).map(|i| (0..w).map(|j| map[i * size][j * size]).collect()).collect()
}
