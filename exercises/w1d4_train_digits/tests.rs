use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

fn scaled_digits() -> Dataset {
    data::digits().map_inputs(|v| v / 16.0)
}

#[test]
fn scores_every_image_for_ten_digits() {
    let few = scaled_digits().subset(&(0..100).collect::<Vec<_>>());
    let mut steps = 0;
    let model = train_digits(&few, 0, |_, _| steps += 1);
    assert!(steps > 0, "on_step was never called: call it after every optimizer step");
    assert_eq!(model.forward(&few.x()).shape(), vec![100, 10], "100 images in, one row of 10 scores per image out");
}

#[test]
fn fits_the_training_digits() {
    let seed = nma_harness::seed();
    let (train_set, _) = data::train_test_split(&scaled_digits(), 0.2, seed);
    let mut run = Training::new("training accuracy", 0.9, Goal::AtLeast);
    let model = train_digits(&train_set, seed, |step, loss| run.step(step, loss));
    run.finish(train::evaluate(&model, &train_set) as f64);
}
