//! Optimizer updates against values worked out by hand from PyTorch's
//! formulas (see the docs of each optimizer), for two steps.
//!
//! Every test minimises `L(w) = ½ Σ w²` from `w = [1, -2]`, so the gradient
//! is `g = w` at each step and the optimizer's state matters in step 2.

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

fn param() -> Tensor {
    Tensor::from_vec(vec![1.0, -2.0], &[2]).requires_grad()
}

/// One training step; returns the weights after it.
fn step(w: &Tensor, opt: &mut dyn Optimizer) -> Vec<f32> {
    opt.zero_grad();
    w.square().sum().mul(0.5).backward();
    opt.step();
    w.to_vec()
}

fn close(got: &[f32], expected: &[f64]) {
    for (g, e) in got.iter().zip(expected) {
        assert!(
            (*g as f64 - e).abs() < 2e-6,
            "got {got:?}, expected {expected:?}"
        );
    }
}

#[test]
fn sgd() {
    let w = param();
    let mut opt = Sgd::new(vec![w.clone()], 0.1);
    // w - 0.1·w = 0.9·w
    close(&step(&w, &mut opt), &[0.9, -1.8]);
    close(&step(&w, &mut opt), &[0.81, -1.62]);
}

#[test]
fn sgd_momentum() {
    let w = param();
    let mut opt = Sgd::new(vec![w.clone()], 0.1).momentum(0.9);
    // step 1: b = g = [1, -2]; w = [1, -2] - 0.1·b = [0.9, -1.8]
    close(&step(&w, &mut opt), &[0.9, -1.8]);
    // step 2: g = [0.9, -1.8]; b = 0.9·[1, -2] + g = [1.8, -3.6]; w = [0.9 - 0.18, -1.8 + 0.36]
    close(&step(&w, &mut opt), &[0.72, -1.44]);
}

#[test]
fn sgd_nesterov() {
    let w = param();
    let mut opt = Sgd::new(vec![w.clone()], 0.1).momentum(0.9).nesterov(true);
    // step 1: b = g = [1, -2]; d = g + 0.9·b = [1.9, -3.8]; w = [1 - 0.19, -2 + 0.38]
    close(&step(&w, &mut opt), &[0.81, -1.62]);
    // step 2: g = [0.81, -1.62]; b = 0.9·[1, -2] + g = [1.71, -3.42];
    // d = g + 0.9·b = [2.349, -4.698]; w = [0.81 - 0.2349, -1.62 + 0.4698]
    close(&step(&w, &mut opt), &[0.5751, -1.1502]);
}

#[test]
fn sgd_weight_decay_and_dampening() {
    let w = param();
    let mut opt = Sgd::new(vec![w.clone()], 0.1).weight_decay(0.1);
    // d = g + 0.1·w = 1.1·w; w = w - 0.11·w = 0.89·w, twice
    close(&step(&w, &mut opt), &[0.89, -1.78]);
    close(&step(&w, &mut opt), &[0.7921, -1.5842]);

    let w = param();
    let mut opt = Sgd::new(vec![w.clone()], 0.1).momentum(0.5).dampening(0.5);
    // step 1: b = g (no dampening on the first step) = [1, -2]; w = [0.9, -1.8]
    close(&step(&w, &mut opt), &[0.9, -1.8]);
    // step 2: b = 0.5·[1, -2] + 0.5·[0.9, -1.8] = [0.95, -1.9]; w = [0.9 - 0.095, -1.8 + 0.19]
    close(&step(&w, &mut opt), &[0.805, -1.61]);
}

#[test]
fn rmsprop() {
    let w = param();
    let mut opt = RmsProp::new(vec![w.clone()], 0.01);
    // step 1: v = 0.01·g² = [0.01, 0.04]; √v = [0.1, 0.2];
    // w = w - 0.01·g/(√v + 1e-8) = [1 - 0.1, -2 + 0.1]
    close(&step(&w, &mut opt), &[0.9, -1.9]);
    // step 2: g = [0.9, -1.9]; v = 0.99·[0.01, 0.04] + 0.01·[0.81, 3.61] = [0.018, 0.0757];
    // √v = [0.1341641, 0.2751363]; w = [0.9 - 0.009/0.1341641, -1.9 + 0.019/0.2751363]
    close(&step(&w, &mut opt), &[0.832917975, -1.830943333]);
}

#[test]
fn adam() {
    let w = param();
    let mut opt = Adam::new(vec![w.clone()], 0.1);
    // step 1: m = 0.1·g, v = 0.001·g²; step size 0.1/(1 - 0.9) = 1;
    // denominator √v/√0.001 + eps = |g|; w = w - 0.1·g/|g| = [0.9, -1.9]
    close(&step(&w, &mut opt), &[0.9, -1.9]);
    // step 2: g = [0.9, -1.9]; m = [0.18, -0.37]; v = [0.001809, 0.007606];
    // step size 0.1/0.19; denominator √v/√0.001999 = [0.9512, 1.9506];
    // w = [0.9 - 0.5263·0.18/0.9512, -1.9 + 0.5263·0.37/1.9506]
    close(&step(&w, &mut opt), &[0.800412230, -1.800166487]);
}

#[test]
fn adamw_decouples_weight_decay() {
    let w = param();
    let mut opt = AdamW::new(vec![w.clone()], 0.1).weight_decay(0.1);
    // step 1: w = 0.99·w = [0.99, -1.98], then the Adam step of ±0.1 (g is the old w)
    close(&step(&w, &mut opt), &[0.89, -1.88]);
    // step 2: w = 0.99·[0.89, -1.88], minus the Adam step with g = [0.89, -1.88]
    close(&step(&w, &mut opt), &[0.781571857, -1.761408951]);
}

#[test]
fn adam_with_l2_weight_decay_adds_it_to_the_gradient() {
    // With weight_decay = 1 the gradient becomes 2w; Adam's first step is
    // sign-based, so w still moves by exactly lr.
    let w = param();
    let mut opt = Adam::new(vec![w.clone()], 0.1).weight_decay(1.0);
    close(&step(&w, &mut opt), &[0.9, -1.9]);
}

#[test]
fn parameters_without_gradient_are_skipped_and_identity_is_kept() {
    let used = param();
    let unused = Tensor::from_vec(vec![5.0], &[1]).requires_grad();
    let mut opt = Adam::new(vec![used.clone(), unused.clone()], 0.1);
    let alias = used.clone();
    step(&used, &mut opt);
    assert_eq!(unused.to_vec(), vec![5.0]);
    assert_eq!(alias.to_vec(), used.to_vec(), "updated in place");
    assert!(used.is_parameter());
    // zero_grad clears every parameter's gradient.
    assert!(used.grad().is_some());
    opt.zero_grad();
    assert!(used.grad().is_none());
    // The learning rate can be changed between steps.
    opt.set_lr(0.5);
    assert_eq!(opt.lr(), 0.5);
}

#[test]
fn optimizers_reach_the_minimum() {
    for make in [
        (|w: Tensor| Box::new(Sgd::new(vec![w], 0.1).momentum(0.9)) as Box<dyn Optimizer>)
            as fn(Tensor) -> Box<dyn Optimizer>,
        |w| Box::new(RmsProp::new(vec![w], 0.01)),
        |w| Box::new(Adam::new(vec![w], 0.05)),
    ] {
        let w = param();
        let mut opt = make(w.clone());
        for _ in 0..300 {
            step(&w, opt.as_mut());
        }
        assert!(
            w.to_vec().iter().all(|v| v.abs() < 0.05),
            "{:?}",
            w.to_vec()
        );
    }
}

#[test]
#[should_panic(
    expected = "Sgd::new: tensor 1 of the parameter list (shape [3]) is not a parameter; create trainable tensors with .requires_grad()"
)]
fn optimizers_need_parameters() {
    Sgd::new(vec![param(), Tensor::zeros(&[3])], 0.1);
}

#[test]
#[should_panic(expected = "Adam::betas: beta2 must be in [0, 1), but got 1")]
fn bad_hyperparameters_are_reported() {
    let _ = Adam::new(vec![param()], 0.1).betas(0.9, 1.0);
}

#[test]
#[should_panic(expected = "Sgd: Nesterov momentum needs momentum > 0 and dampening = 0")]
fn nesterov_needs_momentum() {
    let w = param();
    let mut opt = Sgd::new(vec![w.clone()], 0.1).nesterov(true);
    step(&w, &mut opt);
}
