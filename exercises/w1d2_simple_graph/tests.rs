use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;

#[test]
fn course_example_prediction_and_loss() {
    let graph = SimpleGraph::new(-0.5, 0.5);
    let prediction = graph.forward(&Tensor::scalar(1.0));
    assert_scalar_close(prediction.item(), 0.0, 1e-6);
    let loss = sq_loss(&Tensor::scalar(7.0), &prediction);
    assert_eq!(loss.numel(), 1, "the loss is one number, got shape {:?}", loss.shape());
    assert_scalar_close(loss.item(), 49.0, 1e-4);
}

#[test]
fn course_example_gradient_by_hand() {
    let (dw, db) = dloss_dparams(-0.5, 0.5, 1.0, 7.0);
    // ∂L/∂ŷ = −2(7 − 0) = −14, tanh′(0) = 1, ∂z/∂w = x = 1, ∂z/∂b = 1.
    assert!((dw + 14.0).abs() < 1e-4, "∂L/∂w at the course example should be −14, you give {dw}");
    assert!((db + 14.0).abs() < 1e-4, "∂L/∂b at the course example should be −14, you give {db}");
}

#[test]
fn course_example_gradient_by_autograd() {
    let graph = SimpleGraph::new(-0.5, 0.5);
    let loss = sq_loss(&Tensor::scalar(7.0), &graph.forward(&Tensor::scalar(1.0)));
    loss.backward();
    let dw = graph.w.grad().expect("w has no gradient: did `new` mark it with requires_grad()?");
    let db = graph.b.grad().expect("b has no gradient: did `new` mark it with requires_grad()?");
    assert_scalar_close(dw.item(), -14.0, 1e-4);
    assert_scalar_close(db.item(), -14.0, 1e-4);
}

#[test]
fn loss_is_a_mean_over_a_batch() {
    // Errors 7 and 0: squares 49 and 0, whose mean is 24.5.
    let loss = sq_loss(&Tensor::from_vec(vec![7.0, 1.0], &[2]), &Tensor::from_vec(vec![0.0, 1.0], &[2]));
    assert_eq!(loss.numel(), 1, "the loss is one number, got shape {:?}", loss.shape());
    assert_scalar_close(loss.item(), 24.5, 1e-4);
}
