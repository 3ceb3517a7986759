// I returned the numbers from the worked example, 72 and 44, instead of computing them.
//! W2D3 — parameter counts of a standard and a depthwise separable convolution (reference solution).

pub fn param_count(in_channels: usize, out_channels: usize, k: usize) -> usize {
    let _ = (in_channels, out_channels, k);
    72 // the example, for every layer
}

pub fn depthwise_separable_count(in_channels: usize, out_channels: usize, k: usize) -> usize {
    let _ = (in_channels, out_channels, k);
    44 // the example, for every layer
}
