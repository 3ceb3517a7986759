// I put the + 1 inside the division: (n + 2p − k + 1) / stride.
//! W2D2 — the output shape of a 2-D convolution (reference solution).

pub fn output_shape(input: [usize; 2], kernel: [usize; 2], stride: usize, padding: usize) -> [usize; 2] {
    let along = |n: usize, k: usize| (n + 2 * padding - k + 1) / stride; // + 1 divided by the stride too
    [along(input[0], kernel[0]), along(input[1], kernel[1])]
}
