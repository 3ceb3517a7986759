// I flipped each kernel upside down and left to right first, as in the textbook definition of convolution.
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
    let flipped: Vec<f32> = EDGE_KERNELS.chunks(9).flat_map(|k| k.iter().rev().copied().collect::<Vec<_>>()).collect();
    let weight = Tensor::from_vec(flipped, &[2, 1, 3, 3]); // conv2d does not flip: this one must not either
    nn::conv2d(image, &weight, None, 1, 0, 1, 1).relu()
}

pub fn max_pool2d(map: &[Vec<f32>], size: usize) -> Vec<Vec<f32>> {
    let (h, w) = (map.len() / size, map[0].len() / size);
    let mut out = vec![vec![f32::NEG_INFINITY; w]; h];
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
