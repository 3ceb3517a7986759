use super::*;

fn line(a: f32) -> (Vec<f32>, Vec<f32>) {
    let x: Vec<f32> = (0..41).map(|i| -1.0 + i as f32 / 20.0).collect();
    let y = x.iter().map(|v| a * v).collect();
    (x, y)
}

#[test]
fn gradient_matches_finite_differences() {
    let (x, y) = line(2.0);
    let (w1, w2) = (0.3, -0.7);
    let (g1, g2) = dloss_dw(&x, &y, w1, w2);
    let h = 1e-3;
    let n1 = (loss(&x, &y, w1 + h, w2) - loss(&x, &y, w1 - h, w2)) / (2.0 * h);
    let n2 = (loss(&x, &y, w1, w2 + h) - loss(&x, &y, w1, w2 - h)) / (2.0 * h);
    assert!((g1 - n1).abs() < 1e-3, "∂L/∂w1: you give {g1}, finite differences give {n1}");
    assert!((g2 - n2).abs() < 1e-3, "∂L/∂w2: you give {g2}, finite differences give {n2}");
}

#[test]
fn training_lowers_the_loss() {
    let (x, y) = line(2.0);
    let (_, _, losses) = train(&x, &y, 0.2, 0.2, 0.5, 50);
    assert_eq!(losses.len(), 50, "one loss per step");
    assert!((losses[0] - loss(&x, &y, 0.2, 0.2)).abs() < 1e-6, "the first loss is that of the starting weights");
    let last = *losses.last().unwrap();
    assert!(last < losses[0] / 10.0, "after 50 steps the loss should fall tenfold: from {} to {last}", losses[0]);
}

#[test]
fn one_step_updates_both_weights_from_the_same_point() {
    // On the line y = 2x (mean of x² = 0.35) at w1 = 0.3, w2 = −0.7 the gradient is
    // ∂L/∂w1 = −(2 − w1·w2)·w2·0.35 and ∂L/∂w2 = −(2 − w1·w2)·w1·0.35, both from these weights.
    let (x, y) = line(2.0);
    let (w1, w2, lr) = (0.3f64, -0.7f64, 0.5f64);
    let common = -(2.0 - w1 * w2) * 0.35;
    let (want1, want2) = (w1 - lr * common * w2, w2 - lr * common * w1);
    let (got1, got2, _) = train(&x, &y, w1 as f32, w2 as f32, lr as f32, 1);
    assert!(
        (got1 as f64 - want1).abs() < 1e-4 && (got2 as f64 - want2).abs() < 1e-4,
        "one step from (0.3, −0.7) with lr 0.5 should give ({want1:.5}, {want2:.5}), you give ({got1}, {got2}): \
         compute both partial derivatives before changing either weight"
    );
}
