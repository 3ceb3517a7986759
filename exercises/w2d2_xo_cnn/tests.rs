use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

#[test]
fn scores_every_glyph_for_two_classes() {
    let glyphs = data::xo_glyphs(6, 0.0, 3);
    let scores = build_cnn(0).forward(&glyphs.x());
    assert_eq!(scores.shape(), vec![6, 2], "6 flattened glyphs [6, 144] in, one row of 2 scores per glyph out");
}

#[test]
fn has_the_stated_number_of_parameters() {
    // conv: 4 filters of 1·3·3 weights + 4 biases = 40; linear: 4·5·5 = 100 features → 2, 100·2 + 2 = 202.
    let n = build_cnn(0).num_parameters();
    assert_eq!(n, 242, "Conv2d(1→4, 3×3) + Linear(100 → 2) has 40 + 202 = 242 parameters, your network has {n}");
}

#[test]
fn fits_the_training_glyphs() {
    let seed = nma_harness::seed();
    let train_set = data::xo_glyphs(800, 0.05, seed.wrapping_add(7));
    let mut run = Training::new("training accuracy", 0.95, Goal::AtLeast);
    let model = train_cnn(&train_set, seed, |step, loss| run.step(step, loss));
    run.finish(train::evaluate(&model, &train_set) as f64);
}
