//! W2D4 — a linear autoencoder.
use nma_engine::prelude::*;

pub struct LinearAE {
    pub encoder: Linear,
    pub decoder: Linear,
}

impl LinearAE {
    /// An autoencoder for `d` inputs with a code of `k` numbers.
    pub fn new(d: usize, k: usize, seed: u64) -> LinearAE {
        LinearAE { encoder: Linear::new(d, k, seed), decoder: Linear::new(k, d, seed.wrapping_add(1)) }
    }

    /// `[n, d]` → codes `[n, k]`.
    pub fn encode(&self, x: &Tensor) -> Tensor {
        // TODO: apply the encoder layer. This placeholder keeps the first k inputs.
        x.slice(1, 0, self.encoder.out_features())
    }

    /// Codes `[n, k]` → reconstructions `[n, d]`.
    pub fn decode(&self, z: &Tensor) -> Tensor {
        // TODO: apply the decoder layer. This placeholder returns zeros of the right shape.
        Tensor::zeros(&[z.shape()[0], self.decoder.out_features()])
    }
}

impl Module for LinearAE {
    fn forward(&self, x: &Tensor) -> Tensor {
        self.decode(&self.encode(x))
    }

    fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.encoder.parameters();
        p.extend(self.decoder.parameters());
        p
    }
}

/// Trains `LinearAE::new(x.shape()[1], k, seed)` to reconstruct `x` `[n, d]` and returns
/// it. Calls `on_step(step, loss)` after every optimizer step (steps count from 0).
pub fn train_linear_ae(x: &Tensor, k: usize, seed: u64, mut on_step: impl FnMut(usize, f32)) -> LinearAE {
    let model = LinearAE::new(x.shape()[1], k, seed);
    // TODO: train until the reconstruction error is close to PCA's. This placeholder
    // takes 5 small SGD steps.
    let mut opt = Sgd::new(model.parameters(), 0.01);
    for step in 0..5 {
        let loss = nn::mse_loss(&model.forward(x), x);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model
}
