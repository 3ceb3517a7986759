//! The `testing` assertions (their messages are what learners read), tensor
//! printing, and the seeded random number generators.

use std::panic::{self, AssertUnwindSafe};

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

fn panic_message(f: impl FnOnce()) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn t(data: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape)
}

// ------------------------------------------------------------- assert_close

#[test]
fn assert_close_accepts_values_within_tolerance() {
    let x = t(&[20.0, 24.0, 31.0, 27.0], &[2, 2]);
    assert_close(&x, &[2, 2], &[20.0, 24.0, 31.0, 27.0], 0.0);
    assert_close(&x, &[2, 2], &[20.0, 24.0, 31.0, 27.00001], 1e-5);
    // Relative tolerance for large values: 1e6 ± 0.5 is within 1e-6 · 1e6 = 1.
    assert_close(&t(&[1e6], &[1]), &[1], &[1e6 + 0.5], 1e-6);
    // Equal infinities and NaN where NaN is expected.
    assert_close(
        &t(&[f32::INFINITY, f32::NAN], &[2]),
        &[2],
        &[f32::INFINITY, f32::NAN],
        1e-3,
    );
}

#[test]
fn assert_close_explains_a_wrong_value() {
    let x = t(&[20.0, 24.0, 31.0, 28.0], &[2, 2]);
    let msg = panic_message(|| assert_close(&x, &[2, 2], &[20.0, 24.0, 31.0, 27.0], 1e-4));
    assert_eq!(
        msg,
        "expected a tensor of shape [2, 2] with values [20, 24, 31, 27], but got shape [2, 2] \
         with values [20, 24, 31, 28] (element 3, at index [1, 1], differs by 1: got 28, expected 27, tolerance 0.0001)"
    );
    let v = t(&[1.0, 5.0, 7.0], &[3]);
    let msg = panic_message(|| assert_close(&v, &[3], &[1.0, 2.0, 3.0], 1e-3));
    assert!(
        msg.ends_with("(element 1 differs by 3: got 5, expected 2, tolerance 0.001; 1 other element also differs)"),
        "{msg}"
    );
}

#[test]
fn assert_close_explains_a_wrong_shape() {
    let x = t(&[1.0, 2.0, 3.0, 4.0], &[4]);
    let msg = panic_message(|| assert_close(&x, &[2, 2], &[1.0, 2.0, 3.0, 4.0], 1e-4));
    assert_eq!(
        msg,
        "expected a tensor of shape [2, 2] with values [1, 2, 3, 4], but got shape [4] with values [1, 2, 3, 4] (the shapes differ)"
    );
}

#[test]
fn nan_is_never_close_to_a_number() {
    let msg = panic_message(|| assert_close(&t(&[f32::NAN], &[1]), &[1], &[1.0], 1e9));
    assert!(
        msg.contains("element 0 is NaN (not a number): got NaN, expected 1"),
        "{msg}"
    );
    let msg = panic_message(|| assert_close(&t(&[1.0], &[1]), &[1], &[f32::NAN], 1e9));
    assert!(msg.contains("should be NaN"), "{msg}");
    let msg = panic_message(|| assert_scalar_close(f32::NAN, 0.0, f32::INFINITY));
    assert_eq!(
        msg,
        "expected 0, but got NaN (it is NaN (not a number), tolerance inf)"
    );
    // Infinity is not close to a big finite number either.
    panic_message(|| assert_scalar_close(f32::INFINITY, 1e30, 1e-3));
}

#[test]
fn assert_scalar_close_messages() {
    assert_scalar_close(3.5, 3.5, 0.0);
    assert_scalar_close(0.1 + 0.2, 0.3, 1e-6);
    let msg = panic_message(|| assert_scalar_close(3.25, 3.5, 0.001));
    assert_eq!(
        msg,
        "expected 3.5, but got 3.25 (it differs by 0.25, tolerance 0.001)"
    );
}

#[test]
fn long_value_lists_are_elided() {
    let x = Tensor::arange(0.0, 20.0, 1.0);
    let mut expected: Vec<f32> = (0..20).map(|v| v as f32).collect();
    expected[19] = 0.0;
    let msg = panic_message(|| assert_close(&x, &[20], &expected, 1e-4));
    assert!(
        msg.contains("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ... (20 values in total)]"),
        "{msg}"
    );
    assert!(msg.contains("element 19 differs by 19"), "{msg}");
}

// ------------------------------------------------------------------ display

#[test]
fn display_small_tensors() {
    assert_eq!(
        t(&[1.0, 2.0, 3.0, 4.0], &[2, 2]).to_string(),
        "tensor([[1., 2.], [3., 4.]], shape=[2, 2])"
    );
    assert_eq!(Tensor::scalar(3.5).to_string(), "tensor(3.5000, shape=[])");
    assert_eq!(
        t(&[0.5, -1.25], &[2]).to_string(),
        "tensor([0.5000, -1.2500], shape=[2])"
    );
    assert_eq!(
        t(&[1e-7, 1.0], &[2]).to_string(),
        "tensor([1.0000e-7, 1.0000e0], shape=[2])"
    );
    assert_eq!(
        t(&[f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 2.0], &[4]).to_string(),
        "tensor([nan, inf, -inf, 2.], shape=[4])"
    );
    assert_eq!(
        Tensor::zeros(&[0, 3]).to_string(),
        "tensor([], shape=[0, 3])"
    );
    // Views print their own (logical) order.
    assert_eq!(
        t(&[1.0, 2.0, 3.0, 4.0], &[2, 2]).t().to_string(),
        "tensor([[1., 3.], [2., 4.]], shape=[2, 2])"
    );
    // Debug prints the same thing (handy in assert_eq! failures).
    assert_eq!(
        format!("{:?}", Tensor::ones(&[2])),
        "tensor([1., 1.], shape=[2])"
    );
}

#[test]
fn display_pretty_puts_rows_on_lines() {
    let x = Tensor::arange(0.0, 8.0, 1.0).reshape(&[2, 2, 2]);
    assert_eq!(
        format!("{x:#}"),
        "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=[2, 2, 2])"
    );
}

#[test]
fn display_big_tensors_is_truncated() {
    let x = Tensor::arange(0.0, 2000.0, 1.0).reshape(&[20, 100]);
    let text = x.to_string();
    assert!(text.starts_with("tensor([[0., 1., 2., ..., 97., 98., 99.], [100., 101., 102., ..., 197., 198., 199.], [200., "), "{text}");
    assert!(
        text.ends_with("[1900., 1901., 1902., ..., 1997., 1998., 1999.]], shape=[20, 100])"),
        "{text}"
    );
    assert!(text.len() < 600, "{} characters", text.len());
    // Up to 1000 elements everything is shown.
    assert!(!Tensor::zeros(&[1000]).to_string().contains("..."));
}

// ---------------------------------------------------------------------- rng

#[test]
fn rand_is_reproducible_and_in_range() {
    let a = Tensor::rand(&[100, 100], 42).to_vec();
    assert_eq!(
        a,
        Tensor::rand(&[100, 100], 42).to_vec(),
        "same seed, same numbers"
    );
    assert_ne!(
        a,
        Tensor::rand(&[100, 100], 43).to_vec(),
        "different seed, different numbers"
    );
    assert!(a.iter().all(|&v| (0.0..1.0).contains(&v)));
    // Mean of 10 000 uniform samples: 0.5 ± (a few times 0.29/100).
    let mean = a.iter().sum::<f32>() / a.len() as f32;
    assert!((mean - 0.5).abs() < 0.015, "mean {mean}");
    // Each tenth of [0, 1) gets roughly its share.
    for bucket in 0..10 {
        let count = a.iter().filter(|&&v| (v * 10.0) as usize == bucket).count();
        assert!((850..1150).contains(&count), "bucket {bucket}: {count}");
    }
    assert_eq!(
        Tensor::rand_like(&Tensor::zeros(&[3, 2]), 1).shape(),
        vec![3, 2]
    );
}

#[test]
fn rand_matches_splitmix64_reference_outputs() {
    // SplitMix64 seeded with 1234567 first returns 6457827717110365317,
    // 3203168211198807973, 9817491932198370423 (Rosetta Code); uniform() keeps
    // the top 24 bits: 6457827717110365317 >> 40 = 5873371, / 2^24 = 0.3500795364379883.
    let v = Tensor::rand(&[3], 1234567).to_vec();
    assert_eq!(v, vec![0.350_079_54, 0.173_644_07, 0.532_207_25]);
}

#[test]
fn randn_is_reproducible_and_standard_normal() {
    let a = Tensor::randn(&[100, 100], 7).to_vec();
    assert_eq!(a, Tensor::randn(&[100, 100], 7).to_vec());
    assert_ne!(a, Tensor::randn(&[100, 100], 8).to_vec());
    let n = a.len() as f32;
    let mean = a.iter().sum::<f32>() / n;
    let var = a.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    assert!(mean.abs() < 0.04, "mean {mean}");
    assert!((var.sqrt() - 1.0).abs() < 0.04, "std {}", var.sqrt());
    // About 68.3% within one standard deviation, 95.4% within two.
    let within = |k: f32| a.iter().filter(|v| v.abs() < k).count() as f32 / n;
    assert!((within(1.0) - 0.683).abs() < 0.02, "{}", within(1.0));
    assert!((within(2.0) - 0.954).abs() < 0.01, "{}", within(2.0));
    assert!(a.iter().all(|v| v.is_finite()));
}

#[test]
fn rng_helpers() {
    let mut rng = Rng::new(5);
    let mut items: Vec<usize> = (0..10).collect();
    rng.shuffle(&mut items);
    let mut sorted = items.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        (0..10).collect::<Vec<_>>(),
        "a shuffle is a permutation"
    );
    assert_ne!(items, (0..10).collect::<Vec<_>>());
    let mut again: Vec<usize> = (0..10).collect();
    Rng::new(5).shuffle(&mut again);
    assert_eq!(items, again, "shuffles are reproducible");
    assert!((0..1000).all(|_| rng.below(3) < 3));
}
