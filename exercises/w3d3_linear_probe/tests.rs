use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn encode_runs_the_encoder_but_stops_gradients() {
    let encoder = Linear::new(4, 3, 1);
    let x = Tensor::randn(&[5, 4], 2);
    let features = encode(&encoder, &x);
    assert_close(&features, &[5, 3], &encoder.forward(&x).to_vec(), 1e-6);
    let w = Tensor::from_vec(vec![1.0, -2.0, 0.5], &[3]).requires_grad();
    (&features * &w).sum().backward();
    for (name, p) in encoder.named_parameters() {
        assert!(p.grad().is_none(), "the encoder's {name} got a gradient: the features must be detached from the encoder");
    }
    assert!(w.grad().is_some(), "whatever uses the features must still get its gradient");
}

#[test]
fn probe_separates_blobs_and_leaves_the_encoder_alone() {
    let data = data::blobs(300, 3, 0.4, 7);
    let (train_set, test_set) = data::train_test_split(&data, 0.3, 8);
    let encoder = Linear::new(2, 8, 9);
    let before: Vec<Vec<f32>> = encoder.parameters().iter().map(|p| p.to_vec()).collect();
    let acc = linear_probe(&encoder, &train_set, &test_set, 10);
    let after: Vec<Vec<f32>> = encoder.parameters().iter().map(|p| p.to_vec()).collect();
    assert_eq!(before, after, "the probe changed the encoder's weights: only the linear probe may train");
    assert!((0.0..=1.0).contains(&acc), "the accuracy is the fraction of test examples classified right, between 0 and 1; got {acc}");
    assert!(acc >= 0.9, "three well-separated blobs through a linear encoder: the probe's test accuracy is {acc}, expected ≥ 0.9");
}
