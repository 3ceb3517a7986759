//! W2D3 — batch normalisation's two modes, by hand.
use nma_engine::prelude::*;

/// Batch normalisation of `[N, C, H, W]` inputs, without the learned scale and shift.
pub struct BatchNorm {
    /// Running mean of each channel, `C` numbers; starts at 0.
    pub running_mean: Vec<f32>,
    /// Running (unbiased) variance of each channel, `C` numbers; starts at 1.
    pub running_var: Vec<f32>,
    /// Weight of the newest batch in the running averages (PyTorch's default, 0.1).
    pub momentum: f32,
    /// Added to the variance under the square root (1e-5).
    pub eps: f32,
}

impl BatchNorm {
    /// A layer for `channels` channels: running mean 0, running variance 1, momentum 0.1, eps 1e-5.
    pub fn new(channels: usize) -> BatchNorm {
        BatchNorm { running_mean: vec![0.0; channels], running_var: vec![1.0; channels], momentum: 0.1, eps: 1e-5 }
    }

    /// Training: normalise each channel with the mean and biased variance of this batch
    /// over (N, H, W), and move the running statistics towards the batch's (the variance
    /// unbiased). Evaluation: normalise with the running statistics and change nothing.
    pub fn forward(&mut self, x: &Tensor, training: bool) -> Tensor {
        // TODO: in training, the batch statistics of each channel (and update the running
        // ones); in evaluation, the running statistics. This placeholder normalises nothing.
        let _ = training;
        x.clone()
    }
}
