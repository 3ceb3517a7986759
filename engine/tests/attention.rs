//! Positional encodings, attention, multi-head attention and the transformer
//! encoder block; VAE and freezing helpers (`nn::generative`).
//!
//! Forward values: hand computations and PyTorch fixtures
//! (`fixtures/seq_fixtures.rs`, generated offline by
//! `fixtures/seq_fixtures.py`). Gradients: attention against an f64
//! reference differentiated by central differences; modules against central
//! differences of the engine's own forward pass.

mod seq_common;
#[allow(dead_code, clippy::excessive_precision)]
mod fixtures {
    include!("fixtures/seq_fixtures.rs");
}

use fixtures::*;
use nma_engine::nn::{self, MultiHeadAttention, TransformerEncoderBlock};
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use seq_common::*;

const TOL: f32 = 2e-5;

#[test]
fn positional_encoding_matches_the_formula() {
    let pe = nn::positional_encoding(3, 4);
    // p = 1: sin(1), cos(1), sin(1/100), cos(1/100); p = 2: sin(2), cos(2), sin(0.02), cos(0.02)
    let expected = [
        0.0, 1.0, 0.0, 1.0,
        0.841_470_96, 0.540_302_3, 0.009_999_833, 0.999_95,
        0.909_297_4, -0.416_146_84, 0.019_998_667, 0.999_8,
    ];
    assert_close(&pe, &[3, 4], &expected, 1e-6);
    // odd dim: the last column is a sine
    assert_eq!(nn::positional_encoding(2, 3).shape(), vec![2, 3]);
}

#[test]
fn causal_mask_is_lower_triangular() {
    assert_eq!(nn::causal_mask(3).to_vec(), vec![1., 0., 0., 1., 1., 0., 1., 1., 1.]);
}

#[test]
fn attention_by_hand() {
    // one query, two keys: scores [1, 0] / √1 → weights [e/(1+e), 1/(1+e)]
    let q = Tensor::from_vec(vec![1.0], &[1, 1]);
    let k = Tensor::from_vec(vec![1.0, 0.0], &[2, 1]);
    let v = Tensor::from_vec(vec![10.0, 20.0], &[2, 1]);
    let e = std::f32::consts::E;
    let w0 = e / (1.0 + e);
    let out = nn::scaled_dot_product_attention(&q, &k, &v, None);
    assert_close(&out, &[1, 1], &[10.0 * w0 + 20.0 * (1.0 - w0)], 1e-6);
    // blocking the first key leaves only the second
    let mask = Tensor::from_vec(vec![0.0, 1.0], &[1, 2]);
    assert_close(&nn::scaled_dot_product_attention(&q, &k, &v, Some(&mask)), &[1, 1], &[20.0], 1e-6);
}

#[test]
fn attention_weights_rows_sum_to_one_and_masked_entries_are_zero() {
    let q = det_t(&[2, 3, 4], 30).mul(4.0);
    let k = det_t(&[2, 3, 4], 31).mul(4.0);
    let w = nn::attention_weights(&q, &k, Some(&nn::causal_mask(3)));
    assert_close(&w.sum_dim(2, false), &[2, 3], &[1.0; 6], 1e-6);
    let v = w.to_vec();
    for b in 0..2 {
        for i in 0..3 {
            for j in i + 1..3 {
                assert_eq!(v[b * 9 + i * 3 + j], 0.0);
            }
        }
    }
}

#[test]
fn attention_matches_torch() {
    let (q, k, v) = (det_t(&[2, 3, 4], 30), det_t(&[2, 3, 4], 31), det_t(&[2, 3, 2], 32));
    let plain = nn::scaled_dot_product_attention(&q, &k, &v, None);
    assert_close(&plain, SDPA_PLAIN_SHAPE, SDPA_PLAIN, TOL);
    let causal = nn::scaled_dot_product_attention(&q, &k, &v, Some(&nn::causal_mask(3)));
    assert_close(&causal, SDPA_CAUSAL_SHAPE, SDPA_CAUSAL, TOL);
}

#[test]
fn attention_gradients_match_f64_finite_differences() {
    let (lq, lk, d, dv) = (3, 4, 2, 2);
    let mask: Vec<f32> = vec![1., 1., 0., 1., 1., 1., 1., 0., 0., 1., 1., 1.];
    let mask_t = Tensor::from_vec(mask.clone(), &[lq, lk]);
    check_vs_f64(
        &[
            (det(lq * d, 1).iter().map(|v| v * 3.0).collect(), vec![lq, d]),
            (det(lk * d, 2).iter().map(|v| v * 3.0).collect(), vec![lk, d]),
            (det(lk * dv, 3), vec![lk, dv]),
        ],
        |t| nn::scaled_dot_product_attention(&t[0], &t[1], &t[2], Some(&mask_t)),
        |p| {
            let mut out = Vec::new();
            for i in 0..lq {
                let scores: Vec<f64> = (0..lk)
                    .map(|j| {
                        let s: f64 = (0..d).map(|c| p[0][i * d + c] * p[1][j * d + c]).sum();
                        s / (d as f64).sqrt()
                    })
                    .collect();
                let e: Vec<f64> = (0..lk)
                    .map(|j| if mask[i * lk + j] > 0.5 { scores[j].exp() } else { 0.0 })
                    .collect();
                let total: f64 = e.iter().sum();
                for c in 0..dv {
                    out.push((0..lk).map(|j| e[j] / total * p[2][j * dv + c]).sum());
                }
            }
            out
        },
        1e-4,
    );
}

#[test]
fn multi_head_attention_matches_torch() {
    let mha = MultiHeadAttention::new(8, 2, 0);
    load(&mha);
    let x = det_t(&[2, 3, 8], 40);
    assert_close(&mha.forward(&x), MHA_OUT_SHAPE, MHA_OUT, TOL);
    let causal = mha.forward_masked(&x, Some(&nn::causal_mask(3)));
    assert_close(&causal, MHA_CAUSAL_OUT_SHAPE, MHA_CAUSAL_OUT, TOL);
    let (_, w) = mha.attend(&x, None);
    assert_eq!(w.shape(), vec![2, 2, 3, 3]);
    let names: Vec<String> = mha.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
}

#[test]
fn encoder_block_post_ln_relu_matches_torch() {
    let block = TransformerEncoderBlock::new(8, 2, 16, 0);
    assert!(!block.norm_first);
    load(&block);
    assert_close(&block.forward(&det_t(&[2, 3, 8], 40)), BLOCK_POST_RELU_SHAPE, BLOCK_POST_RELU, TOL);
}

#[test]
fn encoder_block_pre_ln_gelu_causal_matches_torch() {
    let block = TransformerEncoderBlock::with_options(8, 2, 16, Activation::Gelu, true, 0);
    load(&block);
    let y = block.forward_masked(&det_t(&[2, 3, 8], 40), Some(&nn::causal_mask(3)));
    assert_close(&y, BLOCK_PRE_GELU_CAUSAL_SHAPE, BLOCK_PRE_GELU_CAUSAL, TOL);
    assert_eq!(block.named_parameters()[11].0, "norm2.bias");
}

#[test]
fn multi_head_attention_gradients_match_finite_differences() {
    let mha = MultiHeadAttention::new(4, 2, 0);
    load(&mha);
    let x = det_t(&[2, 3, 4], 40).mul(2.0).requires_grad();
    let mut params = mha.parameters();
    params.push(x.clone());
    let mask = nn::causal_mask(3);
    check_vs_engine(&params, || mha.forward_masked(&x, Some(&mask)), 1e-2, 2e-3, 3);
}

#[test]
fn encoder_block_gradients_match_finite_differences() {
    let block = TransformerEncoderBlock::new(4, 2, 6, 0);
    load(&block);
    let x = det_t(&[1, 3, 4], 40).mul(2.0).requires_grad();
    let mut params = block.parameters();
    params.push(x.clone());
    check_vs_engine(&params, || block.forward(&x), 1e-2, 3e-3, 4);
}

// ------------------------------------------------------------------ generative

#[test]
fn reparameterize_uses_the_seeded_noise_and_its_gradients() {
    let mu = Tensor::from_vec(vec![0.5, -1.0, 2.0], &[3]).requires_grad();
    let logvar = Tensor::from_vec(vec![0.0, 1.0, -2.0], &[3]).requires_grad();
    let z = nn::reparameterize(&mu, &logvar, 7);
    let eps = Tensor::randn(&[3], 7).to_vec();
    let expected: Vec<f32> = (0..3)
        .map(|i| [0.5f32, -1.0, 2.0][i] + ([0.0f32, 1.0, -2.0][i] / 2.0).exp() * eps[i])
        .collect();
    assert_close(&z, &[3], &expected, 1e-6);
    z.sum().backward();
    assert_close(&mu.grad().unwrap(), &[3], &[1.0; 3], 1e-6);
    let dlogvar: Vec<f32> = (0..3).map(|i| 0.5 * ([0.0f32, 1.0, -2.0][i] / 2.0).exp() * eps[i]).collect();
    assert_close(&logvar.grad().unwrap(), &[3], &dlogvar, 1e-6);
    // same seed, same sample
    assert_eq!(nn::reparameterize(&mu, &logvar, 7).to_vec(), z.to_vec());
}

#[test]
fn kl_divergence_by_hand_and_gradients() {
    // standard normal: 0
    let zero = nn::kl_divergence_normal(&Tensor::zeros(&[2, 3]), &Tensor::zeros(&[2, 3]));
    assert_eq!(zero.item(), 0.0);
    // one row: mu = 1, logvar = ln 2 → -½ (1 + ln 2 - 1 - 2) = 1 - ln2/2; two such latents, one row
    // plus a second row at the standard normal (0): mean over the 2 rows
    let ln2 = std::f64::consts::LN_2;
    let mu = vec![1.0, 1.0, 0.0, 0.0];
    let lv = vec![ln2 as f32, ln2 as f32, 0.0, 0.0];
    let kl = nn::kl_divergence_normal(&Tensor::from_vec(mu.clone(), &[2, 2]), &Tensor::from_vec(lv.clone(), &[2, 2]));
    assert!((kl.item() as f64 - (1.0 - ln2 / 2.0)).abs() < 1e-6, "{}", kl.item());
    check_vs_f64(
        &[(vec![0.3, -1.2, 0.8, 0.1], vec![2, 2]), (vec![0.5, -0.4, 1.1, -2.0], vec![2, 2])],
        |t| nn::kl_divergence_normal(&t[0], &t[1]),
        |p| {
            let s: f64 = (0..4).map(|i| 1.0 + p[1][i] - p[0][i] * p[0][i] - p[1][i].exp()).sum();
            vec![-0.5 * s / 2.0]
        },
        1e-5,
    );
}

#[test]
fn frozen_module_passes_gradients_to_its_input_but_does_not_train() {
    let body = Linear::new(3, 4, 0);
    let w_before = body.weight.to_vec();
    let body = nn::freeze(body);
    let head = Linear::new(4, 1, 1);
    let x = det_t(&[5, 3], 1).requires_grad();
    let mut params = head.parameters();
    assert!(body.parameters().is_empty());
    params.push(x.clone());
    let mut opt = Sgd::new(params, 0.1);
    for _ in 0..3 {
        opt.zero_grad();
        head.forward(&body.forward(&x).tanh()).square().sum().backward();
        assert!(x.grad().is_some());
        opt.step();
    }
    assert_eq!(body.inner().weight.to_vec(), w_before);
    // Frozen parameters are constants to backward: no gradient at all.
    assert!(body.frozen_parameters().iter().all(|p| p.grad().is_none()));
    // The input's gradient is the same as through the unfrozen module.
    let frozen_grad = {
        x.zero_grad();
        head.forward(&body.forward(&x).tanh()).square().sum().backward();
        x.grad().unwrap().to_vec()
    };
    let body = nn::unfreeze(body);
    assert_eq!(body.parameters().len(), 2);
    x.zero_grad();
    head.forward(&body.forward(&x).tanh()).square().sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), frozen_grad);
    // Unfrozen, it trains again; freezing drops the gradient it had.
    assert!(body.weight.grad().is_some());
    let body = nn::freeze(body);
    assert!(body.frozen_parameters().iter().all(|p| p.grad().is_none()));
}

fn softmax_run(fused: bool, values: &[f32], shape: &[usize]) -> (Vec<f32>, Vec<f32>, bool) {
    nma_engine::runtime::set_fused_operators(fused);
    let x = Tensor::from_vec(values.to_vec(), shape).requires_grad();
    nma_engine::runtime::set_profiling(true);
    let y = nn::softmax(&x, shape.len() - 1);
    let weights: Vec<f32> = (0..y.numel()).map(|i| (i % 13) as f32 - 6.5).collect();
    y.mul(Tensor::from_vec(weights, &y.shape())).sum().backward();
    // Both the forward kernel and its adjoint, or neither.
    let kinds: Vec<_> = nma_engine::runtime::take_profile().iter().map(|(kind, _, _)| *kind).collect();
    let ran = |name: &str| kinds.contains(&name);
    assert_eq!(ran("softmax"), ran("softmax (adjoint)"), "the fused softmax ran without its adjoint, or the reverse");
    let ran_fused = ran("softmax");
    nma_engine::runtime::set_profiling(false);
    nma_engine::runtime::set_fused_operators(true);
    (y.to_vec(), x.grad().unwrap().to_vec(), ran_fused)
}

/// The fused softmax (one pass per 32 or eight rows) gives the bits of the
/// max reduction, exponentials, sum and scaling it replaces, and its fused
/// adjoint the bits of the row dots and the pass it replaces: rows of 1, 7, 32, 100 and 200, row counts with and without
/// groups of 32 and of eight and fewer rows left, attention masks' -1e9,
/// infinities and NaN, on one and two threads (the larger inputs are split
/// between them).
#[test]
fn fused_softmax_gives_the_bits_of_the_reductions() {
    let cases: [&[usize]; 7] = [&[3, 1], &[5, 7], &[2, 4, 32, 32], &[13, 100], &[45, 32], &[40, 200], &[64, 4, 32, 32]];
    for threads in [1, 2] {
        nma_engine::runtime::set_threads(threads);
        for shape in cases {
            let n: usize = shape.iter().product();
            let row = shape[shape.len() - 1];
            let mut values: Vec<f32> = (0..n).map(|i| ((i * 7919 + 13) % 101) as f32 * 0.173 - 8.0).collect();
            if row > 2 && n > 4 * row {
                values[1] = -1e9;
                values[row + 2] = f32::INFINITY;
                values[2 * row + 1] = f32::NEG_INFINITY;
                values[3 * row] = f32::NAN;
            }
            let fused = softmax_run(true, &values, shape);
            let reduced = softmax_run(false, &values, shape);
            assert!(fused.2 && !reduced.2, "{shape:?}: the fused kernel ran only where it was on");
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&fused.0), bits(&reduced.0), "{shape:?} on {threads} threads: outputs differ");
            assert_eq!(bits(&fused.1), bits(&reduced.1), "{shape:?} on {threads} threads: gradients differ");
        }
    }
    nma_engine::runtime::set_threads(1);
}
