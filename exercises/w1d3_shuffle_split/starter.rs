//! W1D3 — shuffle a dataset and split it into test and training sets.
use nma_engine::prelude::*;

/// Shuffles the rows of `x` (shape [N, D]) together with their labels `y`, using `seed`,
/// and returns (x_test, y_test, x_train, y_train) with the first N / 5 shuffled rows as
/// the test set.
pub fn shuffle_split(x: &Tensor, y: &[usize], seed: u64) -> (Tensor, Vec<usize>, Tensor, Vec<usize>) {
    // TODO: shuffle first. This placeholder splits without shuffling, with the test set at the end.
    let _ = seed;
    let n = x.shape()[0];
    let n_train = n - n / 5;
    let x_train = x.slice(0, 0, n_train);
    let x_test = x.slice(0, n_train, n);
    (x_test, y[n_train..].to_vec(), x_train, y[..n_train].to_vec())
}
