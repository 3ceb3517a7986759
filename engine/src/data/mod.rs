//! Small datasets for exercises: generated from a seed, or shipped inside the
//! crate. Nothing is downloaded or read from disk.
//!
//! Generators follow well-known recipes (scikit-learn's `make_moons` and
//! `make_blobs`, Neuromatch's spiral), but draw their random numbers from
//! [`Rng`], so the numbers differ from scikit-learn's for the same seed; they
//! are the same on every machine. Trigonometry is computed in `f64` and
//! rounded to `f32`.
//!
//! ```
//! use nma_engine::prelude::*;
//!
//! let data = data::moons(200, 0.1, 0);
//! let (train, test) = data::train_test_split(&data, 0.25, 1);
//! assert_eq!((train.len(), test.len()), (150, 50));
//! assert_eq!(train.x().shape(), vec![150, 2]);
//! assert_eq!(data.num_classes(), Some(2));
//! ```

use std::f64::consts::PI;

use crate::rng::Rng;
use crate::tensor::Tensor;

/// What a dataset asks to predict.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// A class per example (classification), each in `0..num_classes`.
    Classes {
        labels: Vec<usize>,
        num_classes: usize,
    },
    /// `dim` numbers per example (regression), row-major.
    Values { values: Vec<f32>, dim: usize },
}

/// Examples in memory: `inputs` is `[len, n_features]`, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub inputs: Vec<f32>,
    pub n_features: usize,
    pub targets: Targets,
}

/// Some examples of a [`Dataset`], ready for a model.
#[derive(Clone)]
pub struct Batch {
    /// Inputs, `[batch, n_features]`.
    pub x: Tensor,
    /// Class labels (empty for regression data).
    pub labels: Vec<usize>,
    /// Targets as a tensor: `[batch, dim]` values for regression, the labels
    /// as numbers (`[batch]`) for classification.
    pub y: Tensor,
}

impl Dataset {
    /// A classification dataset. Panics if the sizes disagree or a label is
    /// not below `num_classes`.
    #[track_caller]
    pub fn classification(
        inputs: Vec<f32>,
        n_features: usize,
        labels: Vec<usize>,
        num_classes: usize,
    ) -> Dataset {
        check_rows(
            "Dataset::classification",
            inputs.len(),
            n_features,
            labels.len(),
        );
        if let Some((i, &bad)) = labels.iter().enumerate().find(|(_, &l)| l >= num_classes) {
            panic!("Dataset::classification: label {bad} (example {i}) is not below num_classes = {num_classes}");
        }
        Dataset {
            inputs,
            n_features,
            targets: Targets::Classes {
                labels,
                num_classes,
            },
        }
    }

    /// A regression dataset with `dim` target numbers per example.
    #[track_caller]
    pub fn regression(
        inputs: Vec<f32>,
        n_features: usize,
        values: Vec<f32>,
        dim: usize,
    ) -> Dataset {
        if dim == 0 || !values.len().is_multiple_of(dim) {
            panic!(
                "Dataset::regression: {} target values cannot be split into rows of dim = {dim}",
                values.len()
            );
        }
        check_rows(
            "Dataset::regression",
            inputs.len(),
            n_features,
            values.len() / dim,
        );
        Dataset {
            inputs,
            n_features,
            targets: Targets::Values { values, dim },
        }
    }

    /// The number of examples.
    pub fn len(&self) -> usize {
        match &self.targets {
            Targets::Classes { labels, .. } => labels.len(),
            Targets::Values { values, dim } => values.len() / dim,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All inputs as a `[len, n_features]` tensor.
    pub fn x(&self) -> Tensor {
        Tensor::from_vec(self.inputs.clone(), &[self.len(), self.n_features])
    }

    /// All targets as a tensor (see [`Batch::y`]).
    pub fn y(&self) -> Tensor {
        match &self.targets {
            Targets::Classes { labels, .. } => {
                Tensor::from_vec(labels.iter().map(|&l| l as f32).collect(), &[labels.len()])
            }
            Targets::Values { values, dim } => {
                Tensor::from_vec(values.clone(), &[values.len() / dim, *dim])
            }
        }
    }

    /// The class labels. Panics for regression data.
    #[track_caller]
    pub fn labels(&self) -> &[usize] {
        match &self.targets {
            Targets::Classes { labels, .. } => labels,
            Targets::Values { .. } => panic!(
                "labels: this is a regression dataset; it has target values, not class labels"
            ),
        }
    }

    /// The number of classes, or `None` for regression data.
    pub fn num_classes(&self) -> Option<usize> {
        match &self.targets {
            Targets::Classes { num_classes, .. } => Some(*num_classes),
            Targets::Values { .. } => None,
        }
    }

    /// The examples at `indices`, in that order (repeats allowed).
    #[track_caller]
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        let n = self.len();
        if let Some(&bad) = indices.iter().find(|&&i| i >= n) {
            panic!("subset: index {bad} is out of range for a dataset of {n} examples");
        }
        let f = self.n_features;
        let inputs = indices
            .iter()
            .flat_map(|&i| self.inputs[i * f..(i + 1) * f].iter().copied())
            .collect();
        let targets = match &self.targets {
            Targets::Classes {
                labels,
                num_classes,
            } => Targets::Classes {
                labels: indices.iter().map(|&i| labels[i]).collect(),
                num_classes: *num_classes,
            },
            Targets::Values { values, dim } => Targets::Values {
                values: indices
                    .iter()
                    .flat_map(|&i| values[i * dim..(i + 1) * dim].iter().copied())
                    .collect(),
                dim: *dim,
            },
        };
        Dataset {
            inputs,
            n_features: f,
            targets,
        }
    }

    /// The examples at `indices` as tensors.
    #[track_caller]
    pub fn batch(&self, indices: &[usize]) -> Batch {
        let part = self.subset(indices);
        let labels = match &part.targets {
            Targets::Classes { labels, .. } => labels.clone(),
            Targets::Values { .. } => Vec::new(),
        };
        Batch {
            x: part.x(),
            y: part.y(),
            labels,
        }
    }

    /// The same dataset with `f` applied to every input number (e.g.
    /// `digits().map_inputs(|v| v / 16.0)` to scale pixels to `[0, 1]`).
    pub fn map_inputs(mut self, f: impl Fn(f32) -> f32) -> Dataset {
        self.inputs.iter_mut().for_each(|v| *v = f(*v));
        self
    }
}

#[track_caller]
fn check_rows(who: &str, inputs: usize, n_features: usize, rows: usize) {
    if n_features == 0 || inputs != rows * n_features {
        panic!(
            "{who}: {inputs} input numbers do not make {rows} rows of n_features = {n_features}"
        );
    }
}

/// Splits `data` into shuffled `(train, test)` parts, with
/// `ceil(test_fraction · len)` test examples (scikit-learn's rule), using a
/// Fisher–Yates shuffle seeded with `seed`.
#[track_caller]
pub fn train_test_split(data: &Dataset, test_fraction: f32, seed: u64) -> (Dataset, Dataset) {
    if !(0.0..=1.0).contains(&test_fraction) {
        panic!("train_test_split: test_fraction must be between 0 and 1, but got {test_fraction}");
    }
    let n = data.len();
    // Through the shortest decimal form, so 0.3 means 0.3 as in Python (0.3f32 is a bit more).
    let fraction: f64 = test_fraction
        .to_string()
        .parse()
        .expect("a float prints as a float");
    let n_test = (fraction * n as f64).ceil() as usize;
    let mut order: Vec<usize> = (0..n).collect();
    Rng::new(seed).shuffle(&mut order);
    let (test, train) = order.split_at(n_test.min(n));
    (data.subset(train), data.subset(test))
}

/// `n` evenly spaced numbers from `start` to `end` inclusive (NumPy's `linspace`).
fn linspace(start: f64, end: f64, n: usize) -> impl Iterator<Item = f64> {
    let step = if n > 1 {
        (end - start) / (n - 1) as f64
    } else {
        0.0
    };
    (0..n).map(move |i| start + i as f64 * step)
}

/// Puts the examples in a random order (inputs and labels together).
fn shuffled(data: Dataset, rng: &mut Rng) -> Dataset {
    let mut order: Vec<usize> = (0..data.len()).collect();
    rng.shuffle(&mut order);
    data.subset(&order)
}

/// Two interleaving half circles (scikit-learn's `make_moons`): `n` points
/// in 2-D, `n / 2` (rounded down) on the upper moon `(cos θ, sin θ)` with
/// label 0 and the rest on the lower moon `(1 - cos θ, 0.5 - sin θ)` with
/// label 1, `θ` evenly spaced in `[0, π]`; then Gaussian noise with standard
/// deviation `noise` is added to every coordinate and the points are shuffled.
#[track_caller]
pub fn moons(n: usize, noise: f32, seed: u64) -> Dataset {
    if noise < 0.0 || noise.is_nan() {
        panic!("moons: noise must be at least 0, but got {noise}");
    }
    let mut rng = Rng::new(seed);
    let n_upper = n / 2;
    let mut inputs = Vec::with_capacity(2 * n);
    let mut labels = Vec::with_capacity(n);
    for theta in linspace(0.0, PI, n_upper) {
        inputs.extend([theta.cos(), theta.sin()]);
        labels.push(0);
    }
    for theta in linspace(0.0, PI, n - n_upper) {
        inputs.extend([1.0 - theta.cos(), 0.5 - theta.sin()]);
        labels.push(1);
    }
    let inputs = inputs
        .into_iter()
        .map(|v| (v + noise as f64 * rng.normal() as f64) as f32)
        .collect();
    shuffled(Dataset::classification(inputs, 2, labels, 2), &mut rng)
}

/// Neuromatch's spiral (W1D3, `create_spiral_dataset`): `classes` arms of
/// `n_per_class` points each. For class `k` and `t` evenly spaced in `[0, 1]`:
///
/// ```text
/// x = t · (sin(2π/K · (2t + k)) + 0.16 · ε₁)
/// y = t · (cos(2π/K · (2t + k)) + 0.16 · ε₂)      ε standard normal
/// ```
///
/// Points are ordered class by class (shuffle, or use [`train_test_split`]).
#[track_caller]
pub fn spiral(n_per_class: usize, classes: usize, seed: u64) -> Dataset {
    if classes == 0 {
        panic!("spiral: needs at least one class");
    }
    const SIGMA: f64 = 0.16;
    let mut rng = Rng::new(seed);
    let mut inputs = Vec::with_capacity(2 * n_per_class * classes);
    let mut labels = Vec::with_capacity(n_per_class * classes);
    for k in 0..classes {
        let noise_x: Vec<f64> = (0..n_per_class).map(|_| rng.normal() as f64).collect();
        let noise_y: Vec<f64> = (0..n_per_class).map(|_| rng.normal() as f64).collect();
        for (i, t) in linspace(0.0, 1.0, n_per_class).enumerate() {
            let angle = 2.0 * PI / classes as f64 * (2.0 * t + k as f64);
            inputs.push((t * (angle.sin() + SIGMA * noise_x[i])) as f32);
            inputs.push((t * (angle.cos() + SIGMA * noise_y[i])) as f32);
            labels.push(k);
        }
    }
    Dataset::classification(inputs, 2, labels, classes)
}

/// Regression on a noisy sine: `n` inputs `x` uniform in `[-π, π)`, targets
/// `sin x + 0.1 · ε` (ε standard normal); inputs and targets are `[n, 1]`.
pub fn sine(n: usize, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let xs: Vec<f64> = (0..n)
        .map(|_| (2.0 * rng.uniform() as f64 - 1.0) * PI)
        .collect();
    let ys = xs
        .iter()
        .map(|&x| (x.sin() + 0.1 * rng.normal() as f64) as f32)
        .collect();
    let xs = xs.into_iter().map(|x| x as f32).collect();
    Dataset::regression(xs, 1, ys, 1)
}

/// Gaussian blobs (scikit-learn's `make_blobs` in 2-D): `centers` centres
/// drawn uniformly from the square `[-10, 10)²`, then `n` points split as
/// evenly as possible between them (the first `n % centers` get one more),
/// each its centre plus Gaussian noise with standard deviation `std`;
/// labelled by centre and shuffled.
#[track_caller]
pub fn blobs(n: usize, centers: usize, std: f32, seed: u64) -> Dataset {
    if centers == 0 {
        panic!("blobs: needs at least one centre");
    }
    if std < 0.0 || std.is_nan() {
        panic!("blobs: std must be at least 0, but got {std}");
    }
    let mut rng = Rng::new(seed);
    let middles: Vec<[f32; 2]> = (0..centers)
        .map(|_| [rng.uniform() * 20.0 - 10.0, rng.uniform() * 20.0 - 10.0])
        .collect();
    let mut inputs = Vec::with_capacity(2 * n);
    let mut labels = Vec::with_capacity(n);
    for (c, middle) in middles.iter().enumerate() {
        let count = n / centers + usize::from(c < n % centers);
        for _ in 0..count {
            inputs.push(middle[0] + std * rng.normal());
            inputs.push(middle[1] + std * rng.normal());
            labels.push(c);
        }
    }
    shuffled(
        Dataset::classification(inputs, 2, labels, centers),
        &mut rng,
    )
}

/// The raw bytes of the UCI 8×8 digits (see `engine/data/README.md`).
static DIGITS: &[u8] = include_bytes!("../../data/digits.u8");

/// The UCI optical-recognition handwritten digits, 8×8 (scikit-learn's
/// `load_digits`): 1,797 images as 64 features each (pixel values `0..=16`,
/// row-major), with labels `0..=9`, in the original order. Scale the inputs
/// before training, e.g. `digits().map_inputs(|v| v / 16.0)`.
///
/// Creators: E. Alpaydin and C. Kaynak (1998), UCI Machine Learning
/// Repository, licensed CC BY 4.0; see `engine/data/README.md`.
pub fn digits() -> Dataset {
    const RECORD: usize = 65;
    let n = DIGITS.len() / RECORD;
    let mut inputs = Vec::with_capacity(n * 64);
    let mut labels = Vec::with_capacity(n);
    for record in DIGITS.chunks_exact(RECORD) {
        inputs.extend(record[..64].iter().map(|&v| v as f32));
        labels.push(record[64] as usize);
    }
    Dataset::classification(inputs, 64, labels, 10)
}

// ------------------------------------ weeks 2–3: sequences and mixtures
mod sequences;

pub use sequences::{
    copy_task, gaussian_mixture_2d, reverse_task, sawtooth_sequences, sine_sequences, sort_task,
    topic_classification, TokenDataset, TOPICS, TOPIC_VOCAB,
};

// ------------------------------------ weeks 2–3: images for convolutions
pub mod images;

pub use images::{dsprites_lite, xo_glyphs, SpriteFactors, SpriteShape, SPRITE_SHAPE, XO_SHAPE};
