use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn one_step_on_a_bowl() {
    // L = ½·Σ w², so the gradient is w itself; with lr 0.1 each weight shrinks by 10%.
    let w = Tensor::from_vec(vec![1.0, -2.0, 3.0], &[3]).requires_grad();
    (w.square().sum() * 0.5).backward();
    gradient_update(&[w.clone()], 0.1);
    assert_close(&w, &[3], &[0.9, -1.8, 2.7], 1e-6);
    // The gradient is still there afterwards: clearing it is `zero_grad`'s job, not the step's.
    let g = w.grad().expect("after gradient_update the gradient is gone: leave it in place, clearing it is zero_grad's job");
    assert_close(&g, &[3], &[1.0, -2.0, 3.0], 0.0);
}

#[test]
fn updates_a_weight_and_a_bias() {
    // y = x·Wᵀ + b with x = [1, 1] and loss = Σ y: every weight and bias has gradient 1.
    let layer = Linear::from_tensors(
        Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]),
        Some(Tensor::from_vec(vec![0.5, -0.5], &[2])),
    );
    layer.forward(&Tensor::ones(&[1, 2])).sum().backward();
    gradient_update(&layer.parameters(), 0.5);
    assert_close(&layer.weight, &[2, 2], &[0.5, 1.5, 2.5, 3.5], 1e-6);
    assert_close(layer.bias.as_ref().unwrap(), &[2], &[0.0, -1.0], 1e-6);
}
