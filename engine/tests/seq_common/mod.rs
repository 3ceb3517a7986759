//! Helpers shared by `rnn.rs` and `attention.rs`: deterministic numbers (the
//! same as `fixtures/seq_fixtures.py`), and gradient checks against central
//! finite differences.
#![allow(dead_code)]

use nma_engine::prelude::*;

/// `det(n, k)[i] = 0.5 · sin(0.9 i + 1.7 k + 0.3)` (computed in f64, rounded).
pub fn det(n: usize, k: usize) -> Vec<f32> {
    (0..n)
        .map(|i| (0.5 * (0.9 * i as f64 + 1.7 * k as f64 + 0.3).sin()) as f32)
        .collect()
}

pub fn det_t(shape: &[usize], k: usize) -> Tensor {
    Tensor::from_vec(det(shape.iter().product(), k), shape)
}

/// Sets parameter `k` of `module` to `det(numel, k)` (fixtures' convention).
pub fn load(module: &dyn Module) {
    for (k, p) in module.parameters().iter().enumerate() {
        p.set_data(&det_t(&p.shape(), k));
    }
}

/// Fixed weights in [-1, 1) for reducing an output to a scalar.
pub fn weights(n: usize) -> Vec<f32> {
    let mut rng = Rng::new(12345);
    (0..n).map(|_| rng.uniform() * 2.0 - 1.0).collect()
}

/// `Σ out · W` with fixed weights, so every element of the Jacobian matters.
pub fn weighted(out: &Tensor) -> Tensor {
    out.mul(Tensor::from_vec(weights(out.numel()), &out.shape())).sum()
}

pub fn compare(what: &str, got: &[f32], expected: &[f64], tol: f64) {
    assert_eq!(got.len(), expected.len(), "{what}: lengths");
    for (i, (&g, &e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g as f64 - e).abs() <= tol * e.abs().max(1.0),
            "{what}: element {i}: got {g}, expected {e} (tolerance {tol})"
        );
    }
}

/// Checks `f`'s forward values against `reference` (the same function in
/// f64) and the gradients of `Σ f · W` with respect to every input against
/// central differences of the f64 reference (step 1e-6).
#[track_caller]
pub fn check_vs_f64(
    inputs: &[(Vec<f32>, Vec<usize>)],
    f: impl Fn(&[Tensor]) -> Tensor,
    reference: impl Fn(&[Vec<f64>]) -> Vec<f64>,
    tol: f64,
) {
    let params: Vec<Tensor> = inputs
        .iter()
        .map(|(d, s)| Tensor::from_vec(d.clone(), s).requires_grad())
        .collect();
    let out = f(&params);
    let values = out.to_vec();
    weighted(&out).backward();
    let point: Vec<Vec<f64>> = inputs
        .iter()
        .map(|(d, _)| d.iter().map(|&v| v as f64).collect())
        .collect();
    let ref_values = reference(&point);
    compare("forward values", &values, &ref_values, tol);
    let w: Vec<f64> = weights(ref_values.len()).iter().map(|&v| v as f64).collect();
    let loss = |x: &[Vec<f64>]| -> f64 { reference(x).iter().zip(&w).map(|(a, b)| a * b).sum() };
    let h = 1e-6;
    for (j, p) in params.iter().enumerate() {
        let grad = p.grad().map(|g| g.to_vec()).unwrap_or(vec![0.0; p.numel()]);
        let numeric: Vec<f64> = (0..point[j].len())
            .map(|k| {
                let mut plus = point.clone();
                plus[j][k] += h;
                let mut minus = point.clone();
                minus[j][k] -= h;
                (loss(&plus) - loss(&minus)) / (2.0 * h)
            })
            .collect();
        compare(&format!("gradient of input {j}"), &grad, &numeric, tol);
    }
}

/// Checks the gradients of `Σ f() · W` with respect to `params` (every
/// `stride`-th element) against central differences of the engine's own f32
/// forward pass with step `h`, perturbing the parameters in place.
#[track_caller]
pub fn check_vs_engine(params: &[Tensor], f: impl Fn() -> Tensor, h: f32, tol: f64, stride: usize) {
    for p in params {
        p.zero_grad();
    }
    weighted(&f()).backward();
    let grads: Vec<Vec<f32>> = params
        .iter()
        .map(|p| p.grad().map(|g| g.to_vec()).unwrap_or(vec![0.0; p.numel()]))
        .collect();
    let mut checked = 0;
    for (j, p) in params.iter().enumerate() {
        let base = p.to_vec();
        let shape = p.shape();
        let at = |v: Vec<f32>| {
            p.set_data(&Tensor::from_vec(v, &shape));
            weighted(&f()).item() as f64
        };
        for k in (j % stride..base.len()).step_by(stride) {
            let (mut plus, mut minus) = (base.clone(), base.clone());
            plus[k] += h;
            minus[k] -= h;
            let step = (plus[k] - minus[k]) as f64;
            let numeric = (at(plus) - at(minus)) / step;
            let g = grads[j][k] as f64;
            assert!(
                (g - numeric).abs() <= tol * numeric.abs().max(1.0),
                "parameter {j} element {k}: analytic {g}, numeric {numeric} (tolerance {tol})"
            );
            checked += 1;
        }
        p.set_data(&Tensor::from_vec(base, &shape));
    }
    assert!(checked > 0);
}
