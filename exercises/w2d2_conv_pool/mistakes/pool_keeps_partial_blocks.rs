// I rounded the pooled size up, so leftover rows and columns make blocks of their own.
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
    let (h, w) = (map.len().div_ceil(size), map[0].len().div_ceil(size)); // leftovers kept
    let mut out = vec![vec![f32::NEG_INFINITY; w]; h];
    for i in 0..h {
        for j in 0..w {
            for a in 0..size {
                for b in 0..size {
                    if let Some(&v) = map.get(i * size + a).and_then(|row| row.get(j * size + b)) {
                        out[i][j] = out[i][j].max(v);
                    }
                }
            }
        }
    }
    out
}
