// Stacks the layers with the identity activation, so the whole model is linear and cannot follow the spiral arms.
//! W1D3 — a classifier for the four-armed spiral (reference solution).
use nma_engine::prelude::*;

pub fn train_spiral(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Box<dyn Module> {
    let mut model = Mlp::new(&[2, 64, 64, 4], Activation::Identity, seed); // no nonlinearity
    let mut opt = Adam::new(model.parameters(), 0.01);
    Trainer::new(80, 32, seed).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    Box::new(model)
}
