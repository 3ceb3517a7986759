// Returns (x_train, y_train, x_test, y_test): the two parts in the wrong order.
//! W1D3 — shuffle a dataset and split it into test and training sets (reference solution).
use nma_engine::prelude::*;

fn gather(values: &[f32], d: usize, rows: &[usize]) -> Tensor {
    let mut out = Vec::with_capacity(rows.len() * d);
    for &r in rows {
        out.extend_from_slice(&values[r * d..(r + 1) * d]);
    }
    Tensor::from_vec(out, &[rows.len(), d])
}

pub fn shuffle_split(x: &Tensor, y: &[usize], seed: u64) -> (Tensor, Vec<usize>, Tensor, Vec<usize>) {
    let (n, d) = (x.shape()[0], x.shape()[1]);
    let mut order: Vec<usize> = (0..n).collect();
    Rng::new(seed).shuffle(&mut order);
    let values = x.to_vec();
    let n_test = n / 5;
    let (test, train) = order.split_at(n_test);
    let labels = |rows: &[usize]| rows.iter().map(|&r| y[r]).collect::<Vec<usize>>();
    (gather(&values, d, train), labels(train), gather(&values, d, test), labels(test)) // training part first
}
