//! W2D3 — parameter counts of a standard and a depthwise separable convolution (no bias).

/// Weights of a standard convolution from `in_channels` to `out_channels` with k×k kernels.
pub fn param_count(in_channels: usize, out_channels: usize, k: usize) -> usize {
    // TODO: count every kernel of every input/output pair. This placeholder forgets the channels.
    let _ = (in_channels, out_channels);
    k * k
}

/// Weights of a depthwise (k×k, one kernel per input channel) plus pointwise (1×1) convolution.
pub fn depthwise_separable_count(in_channels: usize, out_channels: usize, k: usize) -> usize {
    // TODO: add the depthwise and the pointwise weights. This placeholder returns 0.
    let _ = (in_channels, out_channels, k);
    0
}
