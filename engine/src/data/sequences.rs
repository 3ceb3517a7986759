//! Sequence data: token tasks for recurrent and attention models, periodic
//! signals, and 2-D Gaussian mixtures (for GANs and density models).
//! Everything is generated from a seed with [`Rng`]; trigonometry is in `f64`.
//!
//! ```
//! use nma_engine::prelude::*;
//!
//! let task = data::reverse_task(100, 6, 10, 0);
//! let (x, y) = task.batch(&[0, 1, 2]);
//! assert_eq!(x.len(), 3 * 6);
//! assert_eq!(y[..6], x[..6].iter().rev().copied().collect::<Vec<_>>()[..]);
//! ```

use std::f64::consts::PI;

use crate::data::Dataset;
use crate::rng::Rng;

/// Sequences of token ids with target ids, row-major: example `i` is
/// `inputs[i·seq_len..(i+1)·seq_len]` → `targets[i·target_len..(i+1)·target_len]`.
/// Feed the inputs to [`Embedding::lookup_shaped`](crate::nn::Embedding::lookup_shaped)
/// with shape `[batch, seq_len]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenDataset {
    pub inputs: Vec<usize>,
    pub targets: Vec<usize>,
    pub seq_len: usize,
    pub target_len: usize,
    /// Input ids are below this.
    pub vocab_size: usize,
    /// Target ids are below this.
    pub num_classes: usize,
}

impl TokenDataset {
    /// The number of examples.
    pub fn len(&self) -> usize {
        self.inputs.len().checked_div(self.seq_len).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Example `i`: `(input ids, target ids)`.
    #[track_caller]
    pub fn example(&self, i: usize) -> (&[usize], &[usize]) {
        if i >= self.len() {
            panic!("TokenDataset::example: index {i} is out of range for {} examples", self.len());
        }
        (
            &self.inputs[i * self.seq_len..(i + 1) * self.seq_len],
            &self.targets[i * self.target_len..(i + 1) * self.target_len],
        )
    }

    /// The examples at `indices`, concatenated: `(inputs, targets)`, row-major
    /// `[indices.len(), seq_len]` and `[indices.len(), target_len]`.
    #[track_caller]
    pub fn batch(&self, indices: &[usize]) -> (Vec<usize>, Vec<usize>) {
        let mut x = Vec::with_capacity(indices.len() * self.seq_len);
        let mut y = Vec::with_capacity(indices.len() * self.target_len);
        for &i in indices {
            let (a, b) = self.example(i);
            x.extend_from_slice(a);
            y.extend_from_slice(b);
        }
        (x, y)
    }
}

#[track_caller]
fn random_tokens(who: &str, n: usize, seq_len: usize, vocab: usize, rng: &mut Rng) -> Vec<usize> {
    if seq_len == 0 || vocab == 0 {
        panic!("{who}: seq_len and vocab_size must be at least 1, but got seq_len={seq_len}, vocab_size={vocab}");
    }
    (0..n * seq_len).map(|_| rng.below(vocab)).collect()
}

fn map_rows(inputs: &[usize], seq_len: usize, f: impl Fn(&mut [usize])) -> Vec<usize> {
    let mut out = inputs.to_vec();
    for row in out.chunks_mut(seq_len) {
        f(row);
    }
    out
}

/// The copy task: `n` sequences of `seq_len` ids uniform in `0..vocab_size`;
/// the target is the same sequence.
#[track_caller]
pub fn copy_task(n: usize, seq_len: usize, vocab_size: usize, seed: u64) -> TokenDataset {
    let inputs = random_tokens("copy_task", n, seq_len, vocab_size, &mut Rng::new(seed));
    TokenDataset {
        targets: inputs.clone(),
        inputs,
        seq_len,
        target_len: seq_len,
        vocab_size,
        num_classes: vocab_size,
    }
}

/// The reversal task: like [`copy_task`] (same inputs for the same seed), the
/// target is the sequence reversed.
#[track_caller]
pub fn reverse_task(n: usize, seq_len: usize, vocab_size: usize, seed: u64) -> TokenDataset {
    let inputs = random_tokens("reverse_task", n, seq_len, vocab_size, &mut Rng::new(seed));
    TokenDataset {
        targets: map_rows(&inputs, seq_len, |r| r.reverse()),
        inputs,
        seq_len,
        target_len: seq_len,
        vocab_size,
        num_classes: vocab_size,
    }
}

/// The sorting task: like [`copy_task`] (same inputs for the same seed), the
/// target is the sequence sorted ascending (repeats kept).
#[track_caller]
pub fn sort_task(n: usize, seq_len: usize, vocab_size: usize, seed: u64) -> TokenDataset {
    let inputs = random_tokens("sort_task", n, seq_len, vocab_size, &mut Rng::new(seed));
    TokenDataset {
        targets: map_rows(&inputs, seq_len, |r| r.sort_unstable()),
        inputs,
        seq_len,
        target_len: seq_len,
        vocab_size,
        num_classes: vocab_size,
    }
}

/// The vocabulary of [`topic_classification`]: ids `0..4` are filler words,
/// then four words for each topic (sports `4..8`, food `8..12`, weather `12..16`).
pub const TOPIC_VOCAB: [&str; 16] = [
    "the", "a", "is", "and", // filler
    "goal", "team", "match", "score", // sports
    "bread", "soup", "taste", "cook", // food
    "rain", "wind", "sunny", "cloud", // weather
];

/// Topic names of [`topic_classification`]'s labels.
pub const TOPICS: [&str; 3] = ["sports", "food", "weather"];

/// Topic classification with the tiny [`TOPIC_VOCAB`]: each of the `n`
/// examples picks a topic uniformly (its label, `0..3`), then each of its
/// `seq_len` words is, with probability 1/2, one of the topic's four words
/// and otherwise any of the 16 words (uniformly). `target_len` is 1.
#[track_caller]
pub fn topic_classification(n: usize, seq_len: usize, seed: u64) -> TokenDataset {
    if seq_len == 0 {
        panic!("topic_classification: seq_len must be at least 1");
    }
    let mut rng = Rng::new(seed);
    let mut inputs = Vec::with_capacity(n * seq_len);
    let mut targets = Vec::with_capacity(n);
    for _ in 0..n {
        let topic = rng.below(TOPICS.len());
        targets.push(topic);
        for _ in 0..seq_len {
            let word = if rng.uniform() < 0.5 {
                4 + 4 * topic + rng.below(4)
            } else {
                rng.below(TOPIC_VOCAB.len())
            };
            inputs.push(word);
        }
    }
    TokenDataset {
        inputs,
        targets,
        seq_len,
        target_len: 1,
        vocab_size: TOPIC_VOCAB.len(),
        num_classes: TOPICS.len(),
    }
}

#[track_caller]
fn periodic(who: &str, n: usize, seq_len: usize, seed: u64, wave: impl Fn(f64) -> f64) -> Dataset {
    if seq_len == 0 {
        panic!("{who}: seq_len must be at least 1");
    }
    let mut rng = Rng::new(seed);
    let mut inputs = Vec::with_capacity(n * seq_len);
    let mut values = Vec::with_capacity(n * seq_len);
    for _ in 0..n {
        let period = 8.0 + 24.0 * rng.uniform() as f64;
        let phase = rng.uniform() as f64;
        let at = |t: usize| wave(t as f64 / period + phase) as f32;
        inputs.extend((0..seq_len).map(at));
        values.extend((1..=seq_len).map(at));
    }
    Dataset::regression(inputs, seq_len, values, seq_len)
}

/// Next-step prediction on sine waves: each of the `n` examples draws a period
/// `P` uniform in `[8, 32)` steps and a phase `φ` uniform in `[0, 1)` (in
/// periods); its inputs are `x_t = sin(2π (t / P + φ))` for `t = 0..seq_len`
/// and its targets the same wave one step later, `x_{t+1}`. Inputs and
/// targets are `[n, seq_len]` (reshape to `[n, seq_len, 1]` for an RNN).
#[track_caller]
pub fn sine_sequences(n: usize, seq_len: usize, seed: u64) -> Dataset {
    periodic("sine_sequences", n, seq_len, seed, |u| (2.0 * PI * u).sin())
}

/// Like [`sine_sequences`] with a sawtooth: `x_t = 2·frac(t / P + φ) - 1`,
/// rising from -1 to 1 over each period, then dropping back.
#[track_caller]
pub fn sawtooth_sequences(n: usize, seq_len: usize, seed: u64) -> Dataset {
    periodic("sawtooth_sequences", n, seq_len, seed, |u| 2.0 * (u - u.floor()) - 1.0)
}

/// A mixture of `components` 2-D Gaussians with means evenly spaced on a
/// circle of `radius` (component `k` at angle `2πk / components`) and
/// standard deviation `std` in each coordinate (the "ring of Gaussians" of
/// GAN papers). Each of the `n` points picks a component uniformly (its
/// label); not shuffled beyond that.
#[track_caller]
pub fn gaussian_mixture_2d(n: usize, components: usize, radius: f32, std: f32, seed: u64) -> Dataset {
    if components == 0 {
        panic!("gaussian_mixture_2d: needs at least one component");
    }
    if std < 0.0 || std.is_nan() {
        panic!("gaussian_mixture_2d: std must be at least 0, but got {std}");
    }
    let mut rng = Rng::new(seed);
    let mut inputs = Vec::with_capacity(2 * n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let k = rng.below(components);
        let angle = 2.0 * PI * k as f64 / components as f64;
        let (cx, cy) = (radius as f64 * angle.cos(), radius as f64 * angle.sin());
        inputs.push((cx + std as f64 * rng.normal() as f64) as f32);
        inputs.push((cy + std as f64 * rng.normal() as f64) as f32);
        labels.push(k);
    }
    Dataset::classification(inputs, 2, labels, components)
}
