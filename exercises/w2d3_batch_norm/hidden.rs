use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn assert_values(got: &[f32], want: &[f32], tol: f32, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: expected {} numbers, got {}", want.len(), got.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol * w.abs().max(1.0), "{what}: element {i} is {g}, expected {w}");
    }
}

/// Trains both layers on the same batches of `shape`, then compares them in evaluation.
fn against_the_engine(shape: &[usize], momentum: f32, steps: u64, seed: u64) {
    let c = shape[1];
    let mut mine = BatchNorm::new(c);
    mine.momentum = momentum;
    let mut engine = BatchNorm2d::new(c).momentum(momentum);
    // Channels with their own offsets and spreads.
    let offset = Tensor::randn(&[1, c, 1, 1], seed) * 4.0;
    let spread = Tensor::rand(&[1, c, 1, 1], seed + 1) * 3.0 + 0.2;
    for step in 0..steps {
        let x = Tensor::randn(shape, seed + 10 + step) * &spread + &offset;
        let want = engine.forward(&x).to_vec();
        assert_close(&mine.forward(&x, true), shape, &want, 1e-4);
        assert_values(&mine.running_mean, &engine.running_mean().to_vec(), 1e-4, &format!("{shape:?}: running mean after step {step}"));
        assert_values(&mine.running_var, &engine.running_var().to_vec(), 1e-4, &format!("{shape:?}: running variance after step {step}"));
    }
    engine.set_training(false);
    let x = Tensor::randn(shape, seed + 99) * &spread + &offset;
    assert_close(&mine.forward(&x, false), shape, &engine.forward(&x).to_vec(), 1e-4);
}

#[test]
fn matches_the_engine_on_other_shapes_and_momenta() {
    let seed = 40 + nma_harness::seed();
    against_the_engine(&[1, 4, 3, 3], 0.1, 3, seed); // one image: statistics over its pixels
    against_the_engine(&[6, 2, 1, 1], 0.1, 5, seed + 100); // one pixel: statistics over the batch
    against_the_engine(&[3, 5, 2, 4], 0.3, 6, seed + 200);
    against_the_engine(&[2, 1, 4, 4], 1.0, 2, seed + 300); // momentum 1: the last batch only
}

#[test]
fn training_output_has_mean_0_and_variance_1_in_every_channel() {
    let (n, c, h, w) = (5, 3, 4, 2);
    let x = Tensor::randn(&[n, c, h, w], 50 + nma_harness::seed()) * 5.0 + 3.0;
    let y = BatchNorm::new(c).forward(&x, true).to_vec();
    assert_eq!(y.len(), n * c * h * w, "the shape must not change");
    for ch in 0..c {
        let vals: Vec<f32> = (0..n).flat_map(|i| y[(i * c + ch) * h * w..][..h * w].to_vec()).collect();
        let m = vals.len() as f32;
        let mean = vals.iter().sum::<f32>() / m;
        let var = vals.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / m;
        assert!(mean.abs() < 1e-4, "channel {ch}: mean over (N, H, W) is {mean}, expected 0");
        assert!((var - 1.0).abs() < 1e-3, "channel {ch}: variance over (N, H, W), dividing by {m}, is {var}, expected 1");
    }
}

#[test]
fn a_single_image_in_evaluation_uses_the_running_formula() {
    let (c, h, w) = (3, 2, 2);
    let mut bn = BatchNorm::new(c);
    for step in 0..5 {
        bn.forward(&(Tensor::randn(&[8, c, h, w], 60 + step) * 2.0 - 1.0), true);
    }
    // Statistics of its own, so that no layer that ignores them can pass.
    bn.running_mean = bn.running_mean.iter().zip([0.5, -1.0, 2.0]).map(|(m, d)| m + d).collect();
    bn.running_var = bn.running_var.iter().zip([4.0, 0.5, 9.0]).map(|(v, f)| v * f).collect();
    let (rm, rv) = (bn.running_mean.clone(), bn.running_var.clone());
    let batch = Tensor::randn(&[4, c, h, w], 70);
    let whole = bn.forward(&batch, false).to_vec();
    for i in 0..4 {
        let image = batch.slice(0, i, i + 1);
        let alone = bn.forward(&image, false).to_vec();
        let expected: Vec<f32> = image
            .to_vec()
            .iter()
            .enumerate()
            .map(|(k, v)| (v - rm[k / (h * w)]) / (rv[k / (h * w)] + 1e-5).sqrt())
            .collect();
        assert_values(&alone, &expected, 1e-5, &format!("image {i} on its own in evaluation"));
        assert_values(&alone, &whole[i * c * h * w..][..c * h * w], 1e-5, &format!("image {i} alone vs inside a batch of 4 in evaluation"));
    }
    // A single pixel per channel: nothing to average over, yet evaluation must work.
    let pixel = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[1, c, 1, 1]);
    let got = bn.forward(&pixel, false).to_vec();
    let expected: Vec<f32> = (0..c).map(|k| ((k + 1) as f32 - rm[k]) / (rv[k] + 1e-5).sqrt()).collect();
    assert_values(&got, &expected, 1e-5, "a [1, 3, 1, 1] input in evaluation");
    assert_eq!(bn.running_mean, rm, "evaluation must not change the running mean");
    assert_eq!(bn.running_var, rv, "evaluation must not change the running variance");
}

#[test]
fn running_statistics_settle_on_the_data() {
    // Channel 0 ~ N(2, 3²), channel 1 ~ N(−1, 0.5²): after many batches the running
    // statistics are close to those, whatever the noise of each batch.
    let mut bn = BatchNorm::new(2);
    let scale = Tensor::from_vec(vec![3.0, 0.5], &[1, 2, 1, 1]);
    let shift = Tensor::from_vec(vec![2.0, -1.0], &[1, 2, 1, 1]);
    for step in 0..80 {
        let x = Tensor::randn(&[16, 2, 3, 3], 80 + step) * &scale + &shift;
        bn.forward(&x, true);
    }
    assert_values(&bn.running_mean, &[2.0, -1.0], 0.15, "running mean after 80 batches");
    assert_values(&bn.running_var, &[9.0, 0.25], 0.15, "running variance after 80 batches");
}
