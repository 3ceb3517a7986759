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
