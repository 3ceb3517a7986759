// Forgets that padding goes on both sides.
pub fn output_shape(input: [usize; 2], kernel: [usize; 2], stride: usize, padding: usize) -> [usize; 2] {
    let along = |n: usize, k: usize| (n + padding - k) / stride + 1;
    [along(input[0], kernel[0]), along(input[1], kernel[1])]
}
