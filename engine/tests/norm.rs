//! Normalisation and regularisation: values and gradients against PyTorch
//! (fixtures computed offline in float64 by `bench/conv_fixtures.py`),
//! gradients also against central finite differences, running statistics,
//! train/eval switching, dropout and the penalties.

use nma_engine::nn::{self, Module};
use nma_engine::testing::{assert_close, assert_scalar_close};
use nma_engine::Tensor;

#[allow(dead_code)]
mod fixtures {
    include!("fixtures/torch_reference.rs");
}
use fixtures::*;

mod torch_common;
use torch_common::{probe, wave, FiniteDiff};

/// The fixtures' check, with central differences at entries 5, 7924, ….
fn check(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor], y_shape: &[usize], y: &[f32], grads: &[&[f32]], tol: f32) {
    torch_common::check(f, inputs, y_shape, y, grads, tol, FiniteDiff { offset: 5, eps: 3e-3, tol: 2e-2 });
}

fn bn_input() -> Tensor {
    wave(&[4, 3, 2, 3], 0.57, 0.2).mul(2.0).add(0.5)
}

#[test]
fn batch_norm_matches_pytorch() {
    let inputs = [bn_input(), wave(&[3], 1.7, 0.3), wave(&[3], 0.9, 1.0)];
    check(
        |t| nn::batch_norm(&t[0], Some(&t[1]), Some(&t[2]), 1e-5),
        &inputs,
        &[4, 3, 2, 3],
        BATCHNORM2D_Y,
        &[BATCHNORM2D_G0, BATCHNORM2D_G1, BATCHNORM2D_G2],
        1e-4,
    );
    check(
        |t| nn::batch_norm(&t[0], None, None, 1e-5),
        &[wave(&[5, 4], 0.63, 0.1)],
        &[5, 4],
        BATCHNORM1D_Y,
        &[BATCHNORM1D_G0],
        1e-4,
    );
}

#[test]
fn batch_norm_module_tracks_running_stats_and_evaluates_with_them() {
    let mut bn = nn::BatchNorm2d::new(3);
    let x = bn_input();
    // In training mode the module is F.batch_norm with its weight (1) and bias (0).
    let y = bn.forward(&x);
    assert_close(
        &y,
        &[4, 3, 2, 3],
        &nn::batch_norm(&x, None, None, 1e-5).to_vec(),
        1e-6,
    );
    bn.forward(&x.mul(0.5).add(1.0));
    assert_close(&bn.running_mean(), &[3], BN_RUNNING_MEAN, 1e-5);
    assert_close(&bn.running_var(), &[3], BN_RUNNING_VAR, 1e-5);
    bn.set_training(false);
    assert_close(&bn.forward(&x), &[4, 3, 2, 3], BN_EVAL_Y, 1e-5);
    // Gradients reach weight and bias in training mode.
    bn.set_training(true);
    probe(&bn.forward(&x)).backward();
    assert!(bn.parameters().iter().all(|p| p.grad().is_some()));
    let mut bn1 = nn::BatchNorm1d::new(4);
    assert_eq!(bn1.forward(&Tensor::randn(&[6, 4], 0)).shape(), vec![6, 4]);
    assert_eq!(
        bn1.forward(&Tensor::randn(&[6, 4, 5], 0)).shape(),
        vec![6, 4, 5]
    );
    bn1.set_training(false);
    assert_eq!(bn1.forward(&Tensor::randn(&[1, 4], 0)).shape(), vec![1, 4]);
}

#[test]
fn layer_norm_and_group_norm_match_pytorch() {
    let inputs = [
        wave(&[2, 3, 4], 0.39, 0.8),
        wave(&[3, 4], 1.3, 0.1),
        wave(&[3, 4], 0.7, 0.2),
    ];
    check(
        |t| nn::layer_norm(&t[0], &[3, 4], Some(&t[1]), Some(&t[2]), 1e-5),
        &inputs,
        &[2, 3, 4],
        LAYERNORM_Y,
        &[LAYERNORM_G0, LAYERNORM_G1, LAYERNORM_G2],
        1e-4,
    );
    let inputs = [
        wave(&[2, 6, 2, 2], 0.51, 0.4),
        wave(&[6], 1.1, 0.3),
        wave(&[6], 0.6, 0.5),
    ];
    check(
        |t| nn::group_norm(&t[0], 3, Some(&t[1]), Some(&t[2]), 1e-5),
        &inputs,
        &[2, 6, 2, 2],
        GROUPNORM_Y,
        &[GROUPNORM_G0, GROUPNORM_G1, GROUPNORM_G2],
        1e-4,
    );
    let ln = nn::LayerNorm::new(&[4]);
    let y = ln.forward(&Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[1, 4]));
    // Hand-computed: mean 2.5, variance 1.25.
    let s = (1.25f32 + 1e-5).sqrt();
    assert_close(&y, &[1, 4], &[-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], 1e-6);
    let gn = nn::GroupNorm::new(2, 4);
    assert_eq!(
        gn.forward(&Tensor::randn(&[3, 4, 5], 1)).shape(),
        vec![3, 4, 5]
    );
    assert_eq!(gn.parameters().len(), 2);
}

#[test]
fn dropout_is_seeded_inverted_and_off_in_eval() {
    let x = Tensor::ones(&[1000]);
    let y = nn::dropout(&x, 0.3, true, 7).to_vec();
    let kept = y.iter().filter(|&&v| v != 0.0).count();
    assert!((630..=770).contains(&kept), "kept {kept} of 1000");
    assert!(y.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.7).abs() < 1e-6));
    assert_eq!(y, nn::dropout(&x, 0.3, true, 7).to_vec());
    assert_eq!(nn::dropout(&x, 0.3, false, 7).to_vec(), x.to_vec());

    let mut d = nn::Dropout::new(0.5, 3);
    let a = d.forward(&x).to_vec();
    let b = d.forward(&x).to_vec();
    assert_ne!(a, b, "each call draws a new mask");
    assert_eq!(a, nn::dropout(&x, 0.5, true, 3).to_vec());
    d.set_training(false);
    assert_eq!(d.forward(&x).to_vec(), x.to_vec());
    // Gradient: the mask's scale where kept, 0 where dropped.
    let w = Tensor::ones(&[8]).requires_grad();
    nn::dropout(&w, 0.5, true, 1).sum().backward();
    let g = w.grad().unwrap().to_vec();
    assert!(g.iter().all(|&v| v == 0.0 || v == 2.0));
    assert_eq!(g, nn::dropout(&Tensor::ones(&[8]), 0.5, true, 1).to_vec());
}

#[test]
fn l1_and_l2_penalties() {
    let a = Tensor::from_vec(vec![1.0, -2.0], &[2]).requires_grad();
    let b = Tensor::from_vec(vec![-3.0], &[1]).requires_grad();
    assert_scalar_close(nn::l1_penalty(&[a.clone(), b.clone()]).item(), 6.0, 0.0);
    let l2 = nn::l2_penalty(&[a.clone(), b.clone()]);
    assert_scalar_close(l2.item(), 14.0, 0.0);
    l2.backward();
    assert_close(&a.grad().unwrap(), &[2], &[2.0, -4.0], 0.0);
    assert_scalar_close(nn::l1_penalty(&[]).item(), 0.0, 0.0);
}

/// `nn::layer_norm` with fused operators on or off: its output, the
/// gradients of its input, weight and bias under a weighted sum, and
/// whether the fused kernel and its adjoint ran (asserted to run together).
fn layer_norm_run(fused: bool, x: &[f32], shape: &[usize], normalized: &[usize]) -> (Vec<f32>, Vec<Vec<f32>>, bool) {
    nma_engine::runtime::set_fused_operators(fused);
    nma_engine::runtime::set_profiling(true);
    let inner: usize = normalized.iter().product();
    let x = Tensor::from_vec(x.to_vec(), shape).requires_grad();
    let w = Tensor::from_vec((0..inner).map(|i| 0.5 + (i % 7) as f32 * 0.25).collect(), normalized).requires_grad();
    let b = Tensor::from_vec((0..inner).map(|i| (i % 5) as f32 * 0.1 - 0.2).collect(), normalized).requires_grad();
    let y = nn::layer_norm(&x, normalized, Some(&w), Some(&b), 1e-5);
    let weights: Vec<f32> = (0..y.numel()).map(|i| (i % 13) as f32 - 6.5).collect();
    y.mul(Tensor::from_vec(weights, &y.shape())).sum().backward();
    let kinds: Vec<_> = nma_engine::runtime::take_profile().iter().map(|(kind, _, _)| *kind).collect();
    nma_engine::runtime::set_profiling(false);
    nma_engine::runtime::set_fused_operators(true);
    let ran = |name: &str| kinds.contains(&name);
    assert_eq!(ran("layer norm"), ran("layer norm (adjoint)"), "the fused layer norm ran without its adjoint, or the reverse");
    let grads = [&x, &w, &b].iter().map(|t| t.grad().unwrap().to_vec()).collect();
    (y.to_vec(), grads, ran("layer norm"))
}

/// The fused layer norm gives the mean, centring, variance and scaling it
/// replaces, and its closed-form adjoint the gradients autograd derives
/// from them, within rounding: rows of 1, 7, 12, 64 and 200, constant rows
/// (variance 0), on one and two threads (the larger split between them,
/// with the same bits).
#[test]
fn fused_layer_norm_gives_the_operators_values_and_gradients() {
    let cases: [(&[usize], &[usize]); 6] =
        [(&[3, 1], &[1]), (&[5, 7], &[7]), (&[2, 3, 4], &[3, 4]), (&[45, 64], &[64]), (&[19, 200], &[200]), (&[1024, 64], &[64])];
    for (shape, normalized) in cases {
        let n: usize = shape.iter().product();
        let mut x: Vec<f32> = (0..n).map(|i| ((i * 7919 + 13) % 101) as f32 * 0.173 - 8.0).collect();
        let row = normalized.iter().product::<usize>();
        if n >= 3 * row && row > 1 {
            // A constant row: variance 0, normalised to 0.
            x[row..2 * row].fill(3.0);
        }
        let mut fused_runs = Vec::new();
        for threads in [1, 2] {
            nma_engine::runtime::set_threads(threads);
            let fused = layer_norm_run(true, &x, shape, normalized);
            let reduced = layer_norm_run(false, &x, shape, normalized);
            assert!(fused.2 && !reduced.2, "{shape:?}: the fused kernels ran only where they were on");
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let outputs = [("output", &fused.0, &reduced.0)];
            let grads = ["x's gradient", "weight's gradient", "bias's gradient"].into_iter().zip(fused.1.iter().zip(&reduced.1));
            for (which, f, r) in outputs.into_iter().chain(grads.map(|(w, (f, r))| (w, f, r))) {
                let scale = r.iter().fold(1.0f32, |m, v| m.max(v.abs()));
                for (i, (a, b)) in f.iter().zip(r).enumerate() {
                    assert!((a - b).abs() <= 2e-5 * scale, "{shape:?} on {threads} threads: {which} {i}: fused {a}, operators {b}");
                }
            }
            fused_runs.push((bits(&fused.0), fused.1.iter().map(|g| bits(g)).collect::<Vec<_>>()));
        }
        assert!(fused_runs[0] == fused_runs[1], "{shape:?}: two threads gave other bits than one");
    }
    nma_engine::runtime::set_threads(1);
}
