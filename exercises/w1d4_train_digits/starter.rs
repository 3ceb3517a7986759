//! W1D4 — train your own model on the 8×8 handwritten digits.
use nma_engine::prelude::*;

/// Builds a model from images `[n, 64]` (pixels in [0, 1]) to 10 class scores
/// `[n, 10]`, trains it on `train_set` and returns it. Everything random is seeded with
/// `seed`; `on_step(step, loss)` is called after every optimizer step. Return the
/// trained model boxed: `Box::new(model)`.
pub fn train_digits(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Box<dyn Module> {
    // TODO: pick the model and the training hyperparameters. This placeholder trains a
    // linear model with a tiny learning rate for a handful of steps.
    let mut model = Mlp::new(&[64, 10], Activation::Relu, seed);
    let mut opt = Sgd::new(model.parameters(), 0.001);
    Trainer::new(1, 256, seed).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    Box::new(model)
}
