//! W2D3 — transfer learning: keep a pretrained body, train only a new head.
use nma_engine::prelude::*;

/// Freezes the pretrained `body`, trains a new `Linear` head on the body's features of
/// `train_b` (its labels), calling `on_step(step, loss)` after every optimizer step, and
/// returns the whole classifier: body, then head, scores `[n, classes]`. The body's weights
/// are not changed.
pub fn fine_tune_head(
    body: Sequential,
    train_b: &Dataset,
    seed: u64,
    on_step: impl FnMut(usize, f32),
) -> Box<dyn Module> {
    // TODO: freeze the body, train the head on the body's features of `train_b` with the
    // labels of `train_b`, and report every step's loss through `on_step`.
    // This placeholder puts an untrained head on the body: its scores are random.
    let _ = on_step;
    let features = body.forward(&train_b.x());
    let classes = train_b.num_classes().expect("a classification dataset");
    let head = Linear::new(features.shape()[1], classes, seed);
    Box::new(Sequential::default().add(nn::freeze(body)).add(head))
}
