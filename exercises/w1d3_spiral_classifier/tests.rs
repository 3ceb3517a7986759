use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

#[test]
fn scores_every_point_for_four_classes() {
    let mut steps = 0;
    let model = train_spiral(&data::spiral(25, 4, 0), 0, |_, _| steps += 1);
    assert!(steps > 0, "on_step was never called: call it after every optimizer step");
    let x = Tensor::from_vec(vec![0.0, 0.0, 0.5, -0.5, -0.3, 0.1, 1.0, 1.0, 0.2, 0.9, -0.8, -0.1], &[6, 2]);
    assert_eq!(model.forward(&x).shape(), vec![6, 4], "6 points in, one row of 4 class scores per point out");
}

#[test]
fn fits_the_training_spiral() {
    let seed = nma_harness::seed();
    let train_set = data::spiral(200, 4, seed);
    let mut run = Training::new("training accuracy", 0.9, Goal::AtLeast);
    let model = train_spiral(&train_set, seed, |step, loss| run.step(step, loss));
    run.finish(train::evaluate(&model, &train_set) as f64);
}
