// I used the whole training set as one batch, so each epoch is a single optimizer step.
//! W1D4 — train your own model on the 8×8 handwritten digits (reference solution).
use nma_engine::prelude::*;

pub fn train_digits(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Box<dyn Module> {
    let mut model = Mlp::new(&[64, 128, 10], Activation::Relu, seed);
    let mut opt = Adam::new(model.parameters(), 0.003);
    // One batch of the whole set: a single step per epoch.
    Trainer::new(20, train_set.len(), seed).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    Box::new(model)
}
