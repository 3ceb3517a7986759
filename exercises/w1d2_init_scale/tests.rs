use super::*;
use nma_engine::prelude::*;

/// Mean and standard deviation, in f64.
fn stats(values: &[f32]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = values.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

#[test]
fn every_weight_matrix_has_standard_deviation_gamma() {
    let model = Mlp::new(&[200, 300, 300, 10], Activation::Relu, 0);
    init_normal(&model, 0.5, 7);
    for (i, layer) in model.layers.iter().enumerate() {
        let w = layer.weight.to_vec();
        let (mean, std) = stats(&w);
        let n = w.len() as f64;
        assert!((std - 0.5).abs() < 0.05, "layer {i}: weights should have standard deviation 0.5, got {std:.4}");
        assert!(mean.abs() < 4.0 * 0.5 / n.sqrt(), "layer {i}: weights should have mean 0, got {mean:.5}");
    }
}

#[test]
fn biases_are_zero() {
    let model = Mlp::new(&[20, 30, 5], Activation::Tanh, 1);
    init_normal(&model, 1.0, 3);
    for (i, layer) in model.layers.iter().enumerate() {
        let b = layer.bias.as_ref().unwrap().to_vec();
        assert!(b.iter().all(|&v| v == 0.0), "layer {i}: every bias should be 0, got {b:?}");
    }
}

#[test]
fn matrices_of_the_same_shape_get_different_weights() {
    let model = Mlp::new(&[40, 40, 40], Activation::Relu, 2);
    init_normal(&model, 1.0, 5);
    let (w0, w1) = (model.layers[0].weight.to_vec(), model.layers[1].weight.to_vec());
    let same = w0.iter().zip(&w1).filter(|(a, b)| a == b).count();
    assert!(same < 10, "the two 40×40 weight matrices share {same} of their 1600 weights: give each matrix its own random stream");
}
