//! Helpers shared by `conv.rs` and `norm.rs`, whose fixtures come from
//! `bench/conv_fixtures.py`: its deterministic inputs, its scalar probe, and
//! one check of values and gradients against the fixtures and central
//! finite differences.
#![allow(dead_code)]

use nma_engine::testing::assert_close;
use nma_engine::Tensor;

/// Element i (row-major) is sin(a·i + b), as in the fixture script.
pub fn wave(shape: &[usize], a: f64, b: f64) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec((0..n).map(|i| (a * i as f64 + b).sin() as f32).collect(), shape)
}

/// sum(y · cos(0.7 i)): a scalar that gives every output element its own gradient.
pub fn probe(y: &Tensor) -> Tensor {
    let n = y.numel();
    let r: Vec<f32> = (0..n).map(|i| (0.7 * i as f64).cos() as f32).collect();
    y.mul(Tensor::from_vec(r, &y.shape())).sum()
}

/// Where and how finely [`check`] compares gradients with central differences:
/// 3 entries of each input (from `offset`, spread over the tensor), steps of
/// `±eps`, within `tol` relative (absolute below 1). f32 differences, so
/// looser than the fixtures, which are the tight check.
pub struct FiniteDiff {
    pub offset: usize,
    pub eps: f32,
    pub tol: f32,
}

/// Runs `f` on `inputs` made parameters, checks the output and each input's
/// gradient of `probe(f(..))` against the fixtures within `tol`, then
/// against central differences as `fd` says.
pub fn check(
    f: impl Fn(&[Tensor]) -> Tensor,
    inputs: &[Tensor],
    y_shape: &[usize],
    y: &[f32],
    grads: &[&[f32]],
    tol: f32,
    fd: FiniteDiff,
) {
    let params: Vec<Tensor> = inputs.iter().map(|t| t.detach().requires_grad()).collect();
    let out = f(&params);
    assert_close(&out, y_shape, y, tol);
    probe(&out).backward();
    for (i, (p, g)) in params.iter().zip(grads).enumerate() {
        let got = p.grad().unwrap_or_else(|| panic!("input {i} got no gradient"));
        assert_close(&got, &p.shape(), g, tol);
    }
    for (i, p) in params.iter().enumerate() {
        let grad = p.grad().unwrap().to_vec();
        let base = inputs[i].to_vec();
        for c in 0..3 {
            let at = (c * 7919 + fd.offset) % base.len();
            let eval = |delta: f32| {
                let mut v = base.clone();
                v[at] += delta;
                let mut args: Vec<Tensor> = inputs.to_vec();
                args[i] = Tensor::from_vec(v, &inputs[i].shape());
                probe(&f(&args)).item() as f64
            };
            let numeric = ((eval(fd.eps) - eval(-fd.eps)) / (2.0 * fd.eps as f64)) as f32;
            assert!(
                (numeric - grad[at]).abs() <= fd.tol * numeric.abs().max(1.0),
                "input {i}, element {at}: autograd {} vs finite differences {numeric}",
                grad[at]
            );
        }
    }
}
