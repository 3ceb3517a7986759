//! End-to-end training with `Trainer`: accuracy targets on the spiral and the
//! 8×8 digits, bit-for-bit reproducibility, and the loop's bookkeeping.
//! Runtimes are from the current (uncompiled luminal) CPU path.

use std::time::Instant;

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

fn spiral_run(epochs: usize, seed: u64) -> (History, f32) {
    let data = spiral(200, 4, 0);
    let (train, test) = train_test_split(&data, 0.2, 0);
    let mut model = Mlp::new(&[2, 32, 32, 4], Activation::Relu, seed);
    let mut opt = Adam::new(model.parameters(), 0.02);
    let history = Trainer::new(epochs, 64, seed).eval_on(&test).fit(
        &mut model,
        &mut opt,
        &train,
        default_loss,
        |_, _| {},
    );
    let acc = evaluate(&model, &test);
    (history, acc)
}

#[test]
fn spiral_mlp_reaches_90_percent() {
    // Neuromatch's K = 4 spiral, 640 training / 160 test points, 2-32-32-4 ReLU, Adam.
    let (history, test_accuracy) = spiral_run(12, 0);
    println!(
        "spiral: {} steps in {:.1} s, accuracy per epoch {:?}",
        history.steps(),
        history.seconds,
        history.epoch_metrics
    );
    assert_eq!(history.steps(), 12 * 10);
    assert_eq!(history.metric_name, "accuracy");
    assert_eq!(history.final_metric(), Some(test_accuracy));
    assert!(test_accuracy >= 0.9, "test accuracy {test_accuracy}");
    assert!(history.epoch_losses.last().unwrap() < &(history.epoch_losses[0] / 3.0));
}

#[test]
fn digits_mlp_reaches_90_percent() {
    // UCI 8×8 digits scaled to [0, 1]: 1,437 training / 360 test images, 64-32-10 ReLU, Adam.
    let data = digits().map_inputs(|v| v / 16.0);
    let (train, test) = train_test_split(&data, 0.2, 0);
    let mut model = Mlp::new(&[64, 32, 10], Activation::Relu, 0);
    let mut opt = Adam::new(model.parameters(), 0.01);
    let history = Trainer::new(4, 64, 0).eval_on(&test).fit(
        &mut model,
        &mut opt,
        &train,
        default_loss,
        |_, _| {},
    );
    println!(
        "digits: {} steps in {:.1} s, accuracy per epoch {:?}",
        history.steps(),
        history.seconds,
        history.epoch_metrics
    );
    assert_eq!(history.steps(), 4 * 23);
    let accuracy = history.final_metric().unwrap();
    assert!(accuracy >= 0.9, "test accuracy {accuracy}");
}

#[test]
fn same_seed_gives_the_same_loss_curve_bit_for_bit() {
    let (a, acc_a) = spiral_run(2, 3);
    let (b, acc_b) = spiral_run(2, 3);
    let bits = |h: &History| {
        h.step_losses
            .iter()
            .map(|v| v.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&a), bits(&b));
    assert_eq!(acc_a.to_bits(), acc_b.to_bits());
    assert_eq!(a.epoch_metrics, b.epoch_metrics);
    let (c, _) = spiral_run(2, 4);
    assert_ne!(bits(&a), bits(&c), "a different seed gives a different run");
}

#[test]
fn callback_sees_every_step() {
    let data = blobs(90, 3, 1.0, 1);
    let mut model = Mlp::new(&[2, 8, 3], Activation::Tanh, 0);
    let mut opt = Sgd::new(model.parameters(), 0.1).momentum(0.9);
    let mut seen = Vec::new();
    let history =
        Trainer::new(3, 20, 0).fit(&mut model, &mut opt, &data, default_loss, |step, loss| {
            seen.push((step, loss))
        });
    // 90 examples in batches of 20: 4 full batches and one of 10, per epoch.
    assert_eq!(history.steps(), 15);
    assert_eq!(
        seen.iter().map(|s| s.0).collect::<Vec<_>>(),
        (0..15).collect::<Vec<_>>()
    );
    assert_eq!(
        seen.iter().map(|s| s.1).collect::<Vec<_>>(),
        history.step_losses
    );
    assert_eq!(history.epoch_losses.len(), 3);
    let first_epoch_mean = history.step_losses[..5].iter().sum::<f32>() / 5.0;
    assert_eq!(history.epoch_losses[0], first_epoch_mean);
    // Without evaluation data, the metric is measured on the training data.
    assert_eq!(history.final_metric(), Some(evaluate(&model, &data)));

    // drop_last skips the short batch; max_steps stops in the middle of an epoch.
    let h = Trainer::new(3, 20, 0).drop_last(true).fit(
        &mut model,
        &mut opt,
        &data,
        default_loss,
        |_, _| {},
    );
    assert_eq!(h.steps(), 12);
    let h = Trainer::new(10, 20, 0).max_steps(7).fit(
        &mut model,
        &mut opt,
        &data,
        default_loss,
        |_, _| {},
    );
    assert_eq!(h.steps(), 7);
    assert_eq!(h.epoch_metrics.len(), 2);
}

#[test]
fn sine_regression_learns() {
    let data = sine(200, 0);
    let (train, test) = train_test_split(&data, 0.25, 0);
    let mut model = Mlp::new(&[1, 16, 16, 1], Activation::Tanh, 1);
    let before = evaluate(&model, &test);
    let mut opt = Adam::new(model.parameters(), 0.03);
    let history = Trainer::new(30, 30, 0).eval_on(&test).fit(
        &mut model,
        &mut opt,
        &train,
        default_loss,
        |_, _| {},
    );
    assert_eq!(history.metric_name, "mse");
    let after = history.final_metric().unwrap();
    println!(
        "sine: test mse {before} -> {after} in {:.1} s",
        history.seconds
    );
    // The noise alone has variance 0.01; sin has variance 0.5.
    assert!(after < 0.05, "test mse {after} (before training {before})");
}

#[test]
fn custom_loss_functions_get_the_batch() {
    // Binary classification with one logit and bce_with_logits.
    let data = moons(120, 0.1, 0);
    let mut model = Mlp::new(&[2, 16, 1], Activation::Relu, 0);
    let mut opt = Adam::new(model.parameters(), 0.05);
    let history = Trainer::new(20, 40, 0).fit(
        &mut model,
        &mut opt,
        &data,
        |out, batch| {
            let n = batch.labels.len();
            bce_with_logits(out, &batch.y.reshape(&[n, 1]))
        },
        |_, _| {},
    );
    // For one logit per example, accuracy predicts class 1 where the logit is above 0.
    let logits = model.forward(&data.x()).to_vec();
    let correct = logits
        .iter()
        .zip(data.labels())
        .filter(|(z, &l)| (**z > 0.0) == (l == 1))
        .count();
    assert_eq!(history.final_metric(), Some(correct as f32 / 120.0));
    assert!(
        correct as f32 / 120.0 > 0.85,
        "{correct}/120, losses {:?}",
        history.epoch_losses
    );
}

#[test]
fn spiral_long_run_reaches_95_percent() {
    let started = Instant::now();
    let (history, accuracy) = spiral_run(40, 0);
    println!("spiral, 40 epochs: {accuracy} in {:?}", started.elapsed());
    assert!(accuracy >= 0.95, "{:?}", history.epoch_metrics);
}

#[test]
fn digits_wider_mlp_reaches_95_percent() {
    let data = digits().map_inputs(|v| v / 16.0);
    let (train, test) = train_test_split(&data, 0.2, 0);
    let mut model = Mlp::new(&[64, 128, 64, 10], Activation::Relu, 0);
    let mut opt = Adam::new(model.parameters(), 0.003);
    let history = Trainer::new(10, 32, 0).eval_on(&test).fit(
        &mut model,
        &mut opt,
        &train,
        default_loss,
        |_, _| {},
    );
    println!(
        "digits 64-128-64-10: {:?} in {:.1} s",
        history.epoch_metrics, history.seconds
    );
    assert!(history.final_metric().unwrap() >= 0.95);
}
