//! W3D3 — how much does a frozen encoder know? Ask a linear probe.
use nma_engine::prelude::*;

/// The encoder's features for `x`, cut off from the encoder's parameters: [n, features].
pub fn encode(encoder: &dyn Module, x: &Tensor) -> Tensor {
    // TODO: run the encoder, and stop gradients from flowing back into it.
    // This placeholder keeps the encoder attached to the graph.
    encoder.forward(x)
}

/// Trains a linear classifier on the frozen features of `train` (its labels) and returns
/// its accuracy on `test`, between 0 and 1. The encoder is not changed.
pub fn linear_probe(encoder: &dyn Module, train: &Dataset, test: &Dataset, seed: u64) -> f32 {
    // TODO: train a `Linear` from the features to the classes on `train`, then measure
    // its accuracy on the features of `test`. This placeholder never trains the probe.
    let features = encode(encoder, &train.x());
    let classes = train.num_classes().expect("a classification dataset");
    let probe = Linear::new(features.shape()[1], classes, seed);
    let pred = probe.forward(&encode(encoder, &test.x())).argmax_dim(1);
    let correct = pred.iter().zip(test.labels()).filter(|(p, t)| p == t).count();
    correct as f32 / test.len() as f32
}
