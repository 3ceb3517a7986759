//! W2D4 — a convolutional autoencoder.
use nma_engine::prelude::*;

pub struct ConvAE {
    pub encoder: Sequential,
    pub decoder: Sequential,
}

impl ConvAE {
    /// Encoder: `[n, 1, 12, 12]` → codes `[n, 4, 3, 3]`; decoder: codes → `[n, 1, 12, 12]`
    /// with pixels in [0, 1]. Seed every layer from `seed`.
    pub fn new(seed: u64) -> ConvAE {
        // TODO: two stride-2 convolutions down (12 → 6 → 3), two stride-2 transposed
        // convolutions up (3 → 6 → 12), ending in a sigmoid. This placeholder goes down
        // only once (codes [n, 4, 6, 6]: no real bottleneck) and has no sigmoid.
        let encoder = Sequential::default().add(Conv2d::new(1, 4, 3, seed).stride(2).padding(1));
        let decoder = Sequential::default()
            .add(ConvTranspose2d::new(4, 1, 3, seed.wrapping_add(1)).stride(2).padding(1).output_padding(1));
        ConvAE { encoder, decoder }
    }

    pub fn encode(&self, x: &Tensor) -> Tensor {
        self.encoder.forward(x)
    }

    pub fn decode(&self, z: &Tensor) -> Tensor {
        self.decoder.forward(z)
    }
}

impl Module for ConvAE {
    fn forward(&self, x: &Tensor) -> Tensor {
        self.decode(&self.encode(x))
    }

    fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.encoder.parameters();
        p.extend(self.decoder.parameters());
        p
    }
}

/// Trains `ConvAE::new(seed)` to reconstruct `images` `[n, 1, 12, 12]` and returns it;
/// calls `on_step(step, loss)` after every optimizer step (steps count from 0).
pub fn train_conv_ae(images: &Tensor, seed: u64, mut on_step: impl FnMut(usize, f32)) -> ConvAE {
    let model = ConvAE::new(seed);
    // TODO: choose the optimizer, learning rate and number of steps. This placeholder
    // takes 3 tiny SGD steps.
    let mut opt = Sgd::new(model.parameters(), 0.001);
    for step in 0..3 {
        let loss = nn::mse_loss(&model.forward(images), images);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model
}
