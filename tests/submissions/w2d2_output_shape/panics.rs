// Indexes past the end of the array: a panic in the learner's own code.
pub fn output_shape(input: [usize; 2], kernel: [usize; 2], stride: usize, padding: usize) -> [usize; 2] {
    let dims = [input[0], input[1]];
    let i = std::hint::black_box(2);
    let out = (dims[i] + 2 * padding - kernel[0]) / stride + 1;
    [out, out]
}
