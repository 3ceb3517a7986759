use super::*;
use nma_engine::prelude::*;

fn line() -> (Tensor, Tensor) {
    let x = Tensor::arange(-1.0, 1.0, 0.1).reshape(&[20, 1]);
    let y = &x * 3.0 - 1.0;
    (x, y)
}

#[test]
fn one_loss_per_step_starting_from_the_initial_loss() {
    let (x, y) = line();
    let model = Linear::new(1, 1, 0);
    let initial = nn::mse_loss(&model.forward(&x), &y).item();
    let mut opt = Sgd::new(model.parameters(), 0.1);
    let losses = train(&x, &y, &model, &nn::mse_loss, &mut opt, 25);
    assert_eq!(losses.len(), 25, "25 steps should give 25 losses, got {}", losses.len());
    assert!(
        (losses[0] - initial).abs() < 1e-5,
        "the first loss is that of the untrained model, {initial}; you report {}",
        losses[0]
    );
}

#[test]
fn fits_a_line() {
    let (x, y) = line();
    let model = Linear::new(1, 1, 0);
    let mut opt = Sgd::new(model.parameters(), 0.5);
    let losses = train(&x, &y, &model, &nn::mse_loss, &mut opt, 200);
    assert!(losses.len() == 200, "200 steps should give 200 losses, got {}", losses.len());
    let (w, b) = (model.weight.item(), model.bias.as_ref().unwrap().item());
    assert!(
        (w - 3.0).abs() < 1e-2 && (b + 1.0).abs() < 1e-2,
        "after 200 steps the line y = 3x − 1 should be learned; the model has w = {w}, b = {b}"
    );
}
