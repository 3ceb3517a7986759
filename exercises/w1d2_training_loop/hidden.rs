use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

#[test]
fn follows_the_gradient_descent_trajectory() {
    // ŷ = w·x + b on four points, MSE, plain SGD: reproduced in f64 below.
    let xs = [-1.0f64, 0.5, 1.0, 2.0];
    let ys = [1.0f64, 0.0, -2.0, 0.5];
    let model = Linear::from_tensors(Tensor::from_vec(vec![0.3], &[1, 1]), Some(Tensor::from_vec(vec![-0.2], &[1])));
    let mut opt = Sgd::new(model.parameters(), 0.1);
    let x = Tensor::from_vec(xs.iter().map(|&v| v as f32).collect(), &[4, 1]);
    let y = Tensor::from_vec(ys.iter().map(|&v| v as f32).collect(), &[4, 1]);
    let losses = train(&x, &y, &model, &nn::mse_loss, &mut opt, 12);
    assert_eq!(losses.len(), 12, "12 steps should give 12 losses, got {}", losses.len());
    let (mut w, mut b) = (0.3f64, -0.2f64);
    for (step, got) in losses.iter().enumerate() {
        let errors: Vec<f64> = xs.iter().zip(&ys).map(|(x, y)| w * x + b - y).collect();
        let loss = errors.iter().map(|e| e * e).sum::<f64>() / 4.0;
        assert!(
            (*got as f64 - loss).abs() < 1e-4,
            "step {step}: plain gradient descent has loss {loss:.6} before its update, you report {got}"
        );
        let gw = errors.iter().zip(&xs).map(|(e, x)| 2.0 * e * x).sum::<f64>() / 4.0;
        let gb = errors.iter().map(|e| 2.0 * e).sum::<f64>() / 4.0;
        w -= 0.1 * gw;
        b -= 0.1 * gb;
    }
    let (mw, mb) = (model.weight.item() as f64, model.bias.as_ref().unwrap().item() as f64);
    assert!(
        (mw - w).abs() < 1e-4 && (mb - b).abs() < 1e-4,
        "after 12 steps the weights should be w = {w:.6}, b = {b:.6}; the model has w = {mw}, b = {mb}"
    );
}

#[test]
fn zero_steps_change_nothing() {
    let model = Linear::from_tensors(Tensor::from_vec(vec![0.5, -1.0], &[1, 2]), None);
    let mut opt = Sgd::new(model.parameters(), 0.1);
    let x = Tensor::randn(&[5, 2], 3);
    let y = Tensor::randn(&[5, 1], 4);
    let losses = train(&x, &y, &model, &nn::mse_loss, &mut opt, 0);
    assert!(losses.is_empty(), "0 steps should give no losses, got {losses:?}");
    assert_eq!(model.weight.to_vec(), vec![0.5, -1.0], "0 steps should leave the weights alone");
}

#[test]
fn sine_loss_falls_by_four_fifths() {
    let seed = nma_harness::seed();
    let points = data::sine(256, seed);
    let (x, y) = (points.x(), points.y());
    let model = Mlp::new(&[1, 32, 1], Activation::Tanh, seed.wrapping_add(17));
    let initial = nn::mse_loss(&model.forward(&x), &y).item() as f64;
    let mut opt = Adam::new(model.parameters(), 0.01);
    let mut run = Training::new("fraction of the loss removed", 0.8, Goal::AtLeast);
    let losses = train(&x, &y, &model, &nn::mse_loss, &mut opt, 300);
    assert_eq!(losses.len(), 300, "300 steps should give 300 losses, got {}", losses.len());
    for (step, loss) in losses.iter().enumerate() {
        run.step(step, *loss);
    }
    // Judge the trained model itself, not the losses reported.
    let last = nn::mse_loss(&model.forward(&x), &y).item() as f64;
    run.finish(1.0 - last / initial);
}
