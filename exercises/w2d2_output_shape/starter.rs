//! W2D2 — the output shape of a 2-D convolution.
//!
//! A kernel of size k slides over an input of size n (after `padding` zeros are added
//! on each side), moving `stride` cells at a time. Each position it can take gives one
//! output value. Return `[height, width]` of the output.

pub fn output_shape(input: [usize; 2], kernel: [usize; 2], stride: usize, padding: usize) -> [usize; 2] {
    // TODO: compute the output height and width. This placeholder only returns the input size.
    let _ = (kernel, stride, padding);
    input
}
