//! A minibatch training loop that records what happened.
//!
//! ```
//! use nma_engine::prelude::*;
//!
//! let (train, test) = data::train_test_split(&data::blobs(120, 3, 1.0, 0), 0.25, 0);
//! let mut model = Mlp::new(&[2, 16, 3], Activation::Relu, 0);
//! let mut opt = Adam::new(model.parameters(), 0.05);
//! let history = Trainer::new(5, 30, 0)
//!     .eval_on(&test)
//!     .fit(&mut model, &mut opt, &train, train::default_loss, |_step, _loss| {});
//! assert_eq!(history.step_losses.len(), 5 * 3); // 90 examples in batches of 30
//! assert_eq!(history.epoch_metrics.len(), 5);
//! assert!(history.final_metric().unwrap() > 0.8); // accuracy on `test`
//! ```

use std::time::Instant;

use crate::data::{Batch, Dataset, Targets};
use crate::nn::{accuracy, cross_entropy, mse_loss, Module};
use crate::optim::Optimizer;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// What a training run recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The loss of every step's batch (before that step's update), in order.
    pub step_losses: Vec<f32>,
    /// The mean of the step losses of each epoch.
    pub epoch_losses: Vec<f32>,
    /// After each epoch: accuracy (classification) or mean squared error
    /// (regression) on the evaluation data, or on the training data if none
    /// was given. See [`evaluate`].
    pub epoch_metrics: Vec<f32>,
    /// `"accuracy"` or `"mse"`.
    pub metric_name: &'static str,
    /// Wall-clock seconds the run took.
    pub seconds: f64,
}

impl History {
    /// The number of optimizer steps taken.
    pub fn steps(&self) -> usize {
        self.step_losses.len()
    }

    /// The last step's loss.
    pub fn final_loss(&self) -> Option<f32> {
        self.step_losses.last().copied()
    }

    /// The metric after the last epoch.
    pub fn final_metric(&self) -> Option<f32> {
        self.epoch_metrics.last().copied()
    }
}

/// Settings of a training run; build with [`Trainer::new`], then call [`Trainer::fit`].
#[derive(Clone)]
pub struct Trainer<'a> {
    pub epochs: usize,
    pub batch_size: usize,
    /// Seeds the shuffle of the training examples (a new order every epoch).
    pub seed: u64,
    /// Stop after this many steps, even in the middle of an epoch.
    pub max_steps: Option<usize>,
    /// Skip the last batch of an epoch if it is smaller than `batch_size`
    /// (PyTorch's `drop_last`; default `false`).
    pub drop_last: bool,
    /// Data to compute the per-epoch metric on.
    pub eval_data: Option<&'a Dataset>,
}

impl<'a> Trainer<'a> {
    /// `epochs` passes over the data in shuffled minibatches of `batch_size`.
    #[track_caller]
    pub fn new(epochs: usize, batch_size: usize, seed: u64) -> Trainer<'a> {
        if batch_size == 0 {
            panic!("Trainer::new: batch_size must be at least 1");
        }
        Trainer {
            epochs,
            batch_size,
            seed,
            max_steps: None,
            drop_last: false,
            eval_data: None,
        }
    }

    pub fn max_steps(mut self, steps: usize) -> Trainer<'a> {
        self.max_steps = Some(steps);
        self
    }

    pub fn drop_last(mut self, on: bool) -> Trainer<'a> {
        self.drop_last = on;
        self
    }

    /// Computes the per-epoch metric on `data` (e.g. a validation set).
    pub fn eval_on(mut self, data: &'a Dataset) -> Trainer<'a> {
        self.eval_data = Some(data);
        self
    }

    /// Trains `model` on `data`: for every minibatch, `loss_fn(output, batch)`
    /// gives the loss, then `zero_grad`, `backward` and `optimizer.step()`;
    /// `on_step(step, loss)` is called after each step (steps count from 0).
    /// The same seed, model and data give the same losses, bit for bit.
    #[track_caller]
    pub fn fit<M, O>(
        &self,
        model: &mut M,
        optimizer: &mut O,
        data: &Dataset,
        mut loss_fn: impl FnMut(&Tensor, &Batch) -> Tensor,
        mut on_step: impl FnMut(usize, f32),
    ) -> History
    where
        M: Module + ?Sized,
        O: Optimizer + ?Sized,
    {
        if data.is_empty() {
            panic!("Trainer::fit: the training data has no examples");
        }
        let started = Instant::now();
        let mut rng = Rng::new(self.seed);
        let mut history = History {
            step_losses: Vec::new(),
            epoch_losses: Vec::new(),
            epoch_metrics: Vec::new(),
            metric_name: metric_name(self.eval_data.unwrap_or(data)),
            seconds: 0.0,
        };
        let mut order: Vec<usize> = (0..data.len()).collect();
        let out_of_steps = |h: &History| self.max_steps.is_some_and(|m| h.step_losses.len() >= m);
        for _epoch in 0..self.epochs {
            if out_of_steps(&history) {
                break;
            }
            model.set_training(true);
            rng.shuffle(&mut order);
            let first_step = history.step_losses.len();
            for chunk in order.chunks(self.batch_size) {
                if out_of_steps(&history) {
                    break;
                }
                if self.drop_last && chunk.len() < self.batch_size {
                    break;
                }
                let batch = data.batch(chunk);
                let output = model.forward(&batch.x);
                let loss = loss_fn(&output, &batch);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                let value = loss.item();
                on_step(history.step_losses.len(), value);
                history.step_losses.push(value);
            }
            let losses = &history.step_losses[first_step..];
            if !losses.is_empty() {
                history
                    .epoch_losses
                    .push(losses.iter().sum::<f32>() / losses.len() as f32);
            }
            model.set_training(false);
            history
                .epoch_metrics
                .push(evaluate(&*model, self.eval_data.unwrap_or(data)));
        }
        model.set_training(true);
        history.seconds = started.elapsed().as_secs_f64();
        history
    }
}

fn metric_name(data: &Dataset) -> &'static str {
    match data.targets {
        Targets::Classes { .. } => "accuracy",
        Targets::Values { .. } => "mse",
    }
}

/// The usual loss for a batch: [`cross_entropy`] of the outputs (logits)
/// against the labels for classification data, [`mse_loss`] against the
/// target values for regression data.
#[track_caller]
pub fn default_loss(output: &Tensor, batch: &Batch) -> Tensor {
    if batch.labels.is_empty() {
        mse_loss(output, &batch.y)
    } else {
        cross_entropy(output, &batch.labels)
    }
}

/// Accuracy of `model`'s outputs (logits) on classification data, or the mean
/// squared error on regression data. Evaluates in chunks of 512 examples.
#[track_caller]
pub fn evaluate<M: Module + ?Sized>(model: &M, data: &Dataset) -> f32 {
    const CHUNK: usize = 512;
    let n = data.len();
    if n == 0 {
        return f32::NAN;
    }
    let indices: Vec<usize> = (0..n).collect();
    let mut total = 0.0f64;
    for chunk in indices.chunks(CHUNK) {
        let batch = data.batch(chunk);
        let output = model.forward(&batch.x);
        let part = if batch.labels.is_empty() {
            mse_loss(&output, &batch.y).item()
        } else {
            accuracy(&output, &batch.labels)
        };
        total += part as f64 * chunk.len() as f64;
    }
    (total / n as f64) as f32
}
