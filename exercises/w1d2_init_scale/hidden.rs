use super::*;
use nma_engine::prelude::*;

fn stats(values: &[f32]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = values.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    (mean, var.sqrt())
}

#[test]
fn standard_deviation_is_gamma_not_its_square() {
    for gamma in [0.01f32, 3.0] {
        let model = Sequential::default()
            .add(Linear::without_bias(100, 150, 0))
            .add(Linear::new(150, 120, 1));
        init_normal(&model, gamma, 42);
        for (i, p) in model.parameters().iter().enumerate().filter(|(_, p)| p.ndim() == 2) {
            let (mean, std) = stats(&p.to_vec());
            let g = gamma as f64;
            assert!(
                (std / g - 1.0).abs() < 0.03,
                "gamma = {gamma}: parameter {i} should have standard deviation {gamma}, got {std:.5}"
            );
            assert!(mean.abs() < 0.05 * g, "gamma = {gamma}: parameter {i} should have mean 0, got {mean:.5}");
        }
    }
}

#[test]
fn samples_are_normal_not_uniform() {
    // A normal distribution puts 68.3% of its mass within one standard deviation and 95.4%
    // within two; a uniform one with the same standard deviation puts 57.7% and 100% there.
    let model = Linear::without_bias(300, 300, 0);
    init_normal(&model, 0.2, 5);
    let w = model.weight.to_vec();
    let n = w.len() as f64;
    let within = |k: f32| w.iter().filter(|v| v.abs() < k * 0.2).count() as f64 / n;
    let (one, two) = (within(1.0), within(2.0));
    assert!((one - 0.6827).abs() < 0.01, "{:.1}% of weights lie within one gamma of 0; a normal distribution has 68.3%", one * 100.0);
    assert!((two - 0.9545).abs() < 0.01, "{:.1}% of weights lie within two gammas of 0; a normal distribution has 95.4%", two * 100.0);
}

#[test]
fn layers_get_different_weights_and_seeds_repeat() {
    let model = Mlp::new(&[64, 64, 64, 64], Activation::Relu, 0);
    init_normal(&model, 1.0, 9);
    let (w1, w2) = (model.layers[1].weight.to_vec(), model.layers[2].weight.to_vec());
    let same = w1.iter().zip(&w2).filter(|(a, b)| a == b).count();
    assert!(same < 10, "two layers of the same shape got {same} identical weights: give each matrix its own random stream");
    let before = model.layers[0].weight.to_vec();
    init_normal(&model, 1.0, 9);
    assert_eq!(model.layers[0].weight.to_vec(), before, "the same seed should give the same weights");
    init_normal(&model, 1.0, 10);
    assert_ne!(model.layers[0].weight.to_vec(), before, "another seed should give other weights");
}

#[test]
fn output_keeps_its_size_through_a_deep_stack() {
    // With gamma = 1/√n every layer preserves the size of the signal (the lesson's n·σ² = 1).
    let n = 256;
    let model = Mlp::new(&[n, n, n, n, n, n, n], Activation::Identity, 0);
    init_normal(&model, 1.0 / (n as f32).sqrt(), 1);
    let x = Tensor::randn(&[64, n], 2);
    let rms = model.forward(&x).square().mean().sqrt().item();
    assert!((0.7..1.4).contains(&rms), "six layers with gamma = 1/√n should keep the signal near size 1, got {rms:.3}");
}
