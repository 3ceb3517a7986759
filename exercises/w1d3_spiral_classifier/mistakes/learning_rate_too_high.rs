// Gives Adam a learning rate of 0.5 (fifty times the 0.01 that works), so training jumps around instead of settling.
//! W1D3 — a classifier for the four-armed spiral (reference solution).
use nma_engine::prelude::*;

pub fn train_spiral(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Box<dyn Module> {
    let mut model = Mlp::new(&[2, 64, 64, 4], Activation::Relu, seed);
    let mut opt = Adam::new(model.parameters(), 0.5); // far too high for Adam
    Trainer::new(80, 32, seed).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    Box::new(model)
}
