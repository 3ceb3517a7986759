// I left out the ReLU between the convolution and the pooling.
//! W2D2 — a small convolutional network for noughts and crosses (reference solution).
use nma_engine::prelude::*;

pub fn build_cnn(seed: u64) -> Sequential {
    Sequential::default()
        .add(Unflatten(1, vec![1, 12, 12]))
        .add(Conv2d::new(1, 4, 3, seed))
        .add(MaxPool2d::new(2))
        .add(Flatten::default())
        .add(Linear::new(4 * 5 * 5, 2, seed.wrapping_add(1)))
}

pub fn train_cnn(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Sequential {
    let mut model = build_cnn(seed);
    let mut opt = Adam::new(model.parameters(), 0.01);
    Trainer::new(12, 32, seed).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    model
}
