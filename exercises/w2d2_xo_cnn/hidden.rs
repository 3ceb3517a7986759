use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

#[test]
fn classifies_fresh_noisy_glyphs() {
    let seed = nma_harness::seed();
    let train_set = data::xo_glyphs(800, 0.05, seed.wrapping_add(11));
    let test_set = data::xo_glyphs(400, 0.05, seed.wrapping_add(5000));
    let mut run = Training::new("test accuracy", 0.95, Goal::AtLeast);
    let model = train_cnn(&train_set, seed, |step, loss| run.step(step, loss));
    run.finish(train::evaluate(&model, &test_set) as f64);
}

#[test]
fn the_layers_are_a_convolution_then_a_linear_readout() {
    // Weight shapes, in order: conv [4, 1, 3, 3], bias [4], linear [2, 100], bias [2].
    let shapes: Vec<Vec<usize>> = build_cnn(1).parameters().iter().map(|p| p.shape()).collect();
    assert_eq!(shapes, vec![vec![4, 1, 3, 3], vec![4], vec![2, 100], vec![2]], "parameter shapes in order");
}

#[test]
fn the_seed_sets_the_weights() {
    let x = data::xo_glyphs(4, 0.0, 9).x();
    let a = build_cnn(3).forward(&x).to_vec();
    let b = build_cnn(3).forward(&x).to_vec();
    let c = build_cnn(4).forward(&x).to_vec();
    assert_eq!(a, b, "the same seed must build the same network");
    assert_ne!(a, c, "different seeds must build different networks");
}
