use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn assert_values(got: &[f32], want: &[f32], tol: f32, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: expected {} numbers, got {}", want.len(), got.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{what}: element {i} is {g}, expected {w} (all: {got:?}, expected {want:?})");
    }
}

#[test]
fn one_training_step_by_hand() {
    // [N=2, C=2, H=1, W=2]. Channel 0 holds 1, 3 (image 0) and 5, 7 (image 1): mean 4,
    // variance 20/4 = 5 dividing by the count, 20/3 dividing by count − 1.
    // Channel 1 holds 2, 2 and 2, 6: mean 3, variance 12/4 = 3, or 12/3 = 4.
    let x = Tensor::from_vec(vec![1.0, 3.0, 2.0, 2.0, 5.0, 7.0, 2.0, 6.0], &[2, 2, 1, 2]);
    let mut bn = BatchNorm::new(2);
    let y = bn.forward(&x, true);
    #[rustfmt::skip]
    let expected = [
        -1.341639, -0.447213, -0.577349, -0.577349,
         0.447213,  1.341639, -0.577349,  1.732048,
    ];
    assert_close(&y, &[2, 2, 1, 2], &expected, 1e-5);
    assert_values(&bn.running_mean, &[0.4, 0.3], 1e-6, "running mean after one step from 0 (0.9·0 + 0.1·batch mean)");
    assert_values(
        &bn.running_var,
        &[1.566667, 1.3],
        1e-5,
        "running variance after one step from 1 (0.9·1 + 0.1·the batch variance divided by count − 1)",
    );
}

#[test]
fn evaluation_uses_the_running_statistics_and_changes_nothing() {
    let mut bn = BatchNorm::new(2);
    bn.running_mean = vec![1.0, -2.0];
    bn.running_var = vec![4.0, 0.25];
    let x = Tensor::randn(&[3, 2, 2, 2], 11) * 2.0;
    let xs = x.to_vec();
    let mut expected = Vec::new();
    for (i, v) in xs.iter().enumerate() {
        let c = (i / 4) % 2; // 4 values per channel per image
        expected.push((v - bn.running_mean[c]) / (bn.running_var[c] + 1e-5).sqrt());
    }
    let y = bn.forward(&x, false);
    assert_close(&y, &[3, 2, 2, 2], &expected, 1e-5);
    assert_eq!(bn.running_mean, vec![1.0, -2.0], "evaluation must not change the running mean");
    assert_eq!(bn.running_var, vec![4.0, 0.25], "evaluation must not change the running variance");
}

#[test]
fn matches_the_engines_batch_norm_step_by_step() {
    let mut mine = BatchNorm::new(3);
    let mut engine = BatchNorm2d::new(3);
    for step in 0..4u64 {
        let x = Tensor::randn(&[4, 3, 5, 5], 20 + step) * 3.0 + 1.5;
        let want = engine.forward(&x).to_vec();
        let got = mine.forward(&x, true);
        assert_close(&got, &[4, 3, 5, 5], &want, 1e-4);
        assert_values(&mine.running_mean, &engine.running_mean().to_vec(), 1e-5, &format!("running mean after training step {step}"));
        assert_values(&mine.running_var, &engine.running_var().to_vec(), 1e-4, &format!("running variance after training step {step}"));
    }
    engine.set_training(false);
    let x = Tensor::randn(&[2, 3, 5, 5], 30);
    assert_close(&mine.forward(&x, false), &[2, 3, 5, 5], &engine.forward(&x).to_vec(), 1e-4);
}
