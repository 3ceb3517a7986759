//! W1D3 — a classifier for the four-armed spiral.
use nma_engine::prelude::*;

/// Builds a model from points `[n, 2]` to 4 class scores `[n, 4]`, trains it on
/// `train_set` and returns it. Everything random is seeded with `seed`;
/// `on_step(step, loss)` is called after every optimizer step. Return the trained model
/// boxed: `Box::new(model)`.
pub fn train_spiral(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Box<dyn Module> {
    // TODO: choose a model that can bend around the arms, a good optimizer and enough
    // epochs. This placeholder is a single linear layer trained for one epoch.
    let mut model = Mlp::new(&[2, 4], Activation::Relu, seed);
    let mut opt = Sgd::new(model.parameters(), 0.01);
    Trainer::new(1, 32, seed).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    Box::new(model)
}
