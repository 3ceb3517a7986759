//! W2D2 — a small convolutional network for noughts and crosses.
use nma_engine::prelude::*;

/// unflatten `[n, 144]` → `[n, 1, 12, 12]` → Conv2d(1→4, 3×3) → ReLU → 2×2 max pool
/// → flatten → Linear(→ 2). Seed every layer from `seed`.
pub fn build_cnn(seed: u64) -> Sequential {
    // TODO: build the convolutional network described above. This placeholder is a
    // linear model on the raw pixels (it has the right input and output, but no convolution).
    Sequential::default().add(Linear::new(144, 2, seed))
}

/// Builds the network with `build_cnn(seed)`, trains it on `train_set` and returns it.
/// Calls `on_step(step, loss)` after every optimizer step (steps count from 0).
pub fn train_cnn(train_set: &Dataset, seed: u64, on_step: impl FnMut(usize, f32)) -> Sequential {
    let mut model = build_cnn(seed);
    // TODO: choose the optimizer, learning rate, batch size and epochs. This placeholder
    // takes a few tiny steps.
    let mut opt = Sgd::new(model.parameters(), 0.001);
    Trainer::new(1, 64, seed).max_steps(3).fit(&mut model, &mut opt, train_set, train::default_loss, on_step);
    model
}
