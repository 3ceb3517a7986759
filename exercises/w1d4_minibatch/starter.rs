//! W1D4 — a random minibatch, drawn without replacement.
use nma_engine::prelude::*;

/// `n` distinct examples chosen uniformly at random with `rng`: their rows of `x`
/// (`[N, F]`) as an `[n, F]` tensor, and their labels from `y`, in the same order.
/// If `n > N`, all `N` examples in a random order.
pub fn sample_minibatch(x: &Tensor, y: &[usize], n: usize, rng: &mut Rng) -> (Tensor, Vec<usize>) {
    // TODO: choose n distinct random rows with `rng`. This placeholder always returns
    // the first n rows, in order.
    let _ = rng;
    let features = x.shape()[1];
    let n = n.min(y.len());
    (x.slice(0, 0, n).reshape(&[n, features]), y[..n].to_vec())
}
