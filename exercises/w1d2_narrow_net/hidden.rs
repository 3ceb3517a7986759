use super::*;
use nma_harness::{Goal, Training};

fn line(a: f32) -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..41).map(|i| -1.0 + i as f32 / 20.0).collect();
    let y = x.iter().map(|v| a * v).collect();
    (x, y)
}

/// Closed form: with s = mean(x²) and y = a·x, ∂L/∂w1 = −(a − w1·w2)·w2·s and
/// ∂L/∂w2 = −(a − w1·w2)·w1·s. For the 41 points of `line`, s = 0.35.
#[test]
fn gradient_is_exact() {
    let (x, y) = line(2.0);
    for (w1, w2) in [(0.5f32, 1.5f32), (-1.0, 0.25), (2.0, 1.0)] {
        let (g1, g2) = dloss_dw(&x, &y, w1, w2);
        let common = -(2.0 - w1 * w2) * 0.35;
        assert!((g1 - common * w2).abs() < 1e-4, "at ({w1}, {w2}): ∂L/∂w1 should be {}, you give {g1}", common * w2);
        assert!((g2 - common * w1).abs() < 1e-4, "at ({w1}, {w2}): ∂L/∂w2 should be {}, you give {g2}", common * w1);
    }
}

#[test]
fn the_saddle_at_zero_has_no_gradient() {
    let (x, y) = line(-3.0);
    assert_eq!(dloss_dw(&x, &y, 0.0, 0.0), (0.0, 0.0));
}

#[test]
fn learns_the_product_from_a_random_start() {
    let a = 2.0;
    let (x, y) = line(a);
    // A small random start (seeded, so each grading reproduces it).
    let mut state = nma_harness::seed().wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut uniform = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        0.05 + 0.25 * ((state >> 40) as f32 / (1u64 << 24) as f32)
    };
    let (w1, w2) = (uniform(), uniform());
    let mut run = Training::new("final loss", 1e-4, Goal::AtMost);
    let (w1, w2, losses) = train(&x, &y, w1, w2, 0.5, 100);
    assert_eq!(losses.len(), 100, "one loss per step");
    for (step, l) in losses.iter().enumerate() {
        run.step(step, *l);
    }
    // Judge the weights themselves, not the losses reported.
    run.finish(loss(&x, &y, w1, w2) as f64);
    assert!((w1 * w2 - a).abs() < 1e-2, "w1·w2 = {} should approach a = {a}", w1 * w2);
}
