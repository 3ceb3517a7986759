//! Convolutions, pooling, flatten: forward values and gradients against
//! PyTorch (fixtures computed offline in float64 by `bench/conv_fixtures.py`),
//! gradients also against central finite differences, and a few hand-computed cases.

use nma_engine::nn::{self, Module};
use nma_engine::testing::assert_close;
use nma_engine::Tensor;

#[allow(dead_code)]
mod fixtures {
    include!("fixtures/torch_reference.rs");
}
use fixtures::*;

mod torch_common;
use torch_common::{wave, FiniteDiff};

/// The fixtures' check, with central differences at entries 13, 7932, ….
fn check(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor], y_shape: &[usize], y: &[f32], grads: &[&[f32]], tol: f32) {
    torch_common::check(f, inputs, y_shape, y, grads, tol, FiniteDiff { offset: 13, eps: 1e-2, tol: 2e-3 });
}

#[test]
fn conv2d_with_padding_and_bias_matches_pytorch() {
    let inputs = [
        wave(&[2, 3, 5, 6], 0.37, 0.1),
        wave(&[4, 3, 3, 3], 0.91, 0.3).mul(0.5),
        wave(&[4], 1.3, 0.0),
    ];
    check(
        |t| nn::conv2d(&t[0], &t[1], Some(&t[2]), 1, 1, 1, 1),
        &inputs,
        &[2, 4, 5, 6],
        CONV_BASIC_Y,
        &[CONV_BASIC_G0, CONV_BASIC_G1, CONV_BASIC_G2],
        1e-4,
    );
}

#[test]
fn conv2d_with_stride_padding_and_dilation_pairs_matches_pytorch() {
    let inputs = [
        wave(&[1, 2, 7, 8], 0.53, 0.2),
        wave(&[3, 2, 3, 2], 0.77, 0.4),
    ];
    check(
        |t| nn::conv2d(&t[0], &t[1], None, 2, (1, 2), (2, 1), 1),
        &inputs,
        &[1, 3, 3, 6],
        CONV_STRIDED_Y,
        &[CONV_STRIDED_G0, CONV_STRIDED_G1],
        1e-4,
    );
}

#[test]
fn grouped_and_depthwise_conv2d_match_pytorch() {
    let inputs = [
        wave(&[2, 4, 5, 5], 0.29, 0.5),
        wave(&[4, 2, 3, 3], 0.61, 0.1),
        wave(&[4], 0.9, 0.2),
    ];
    check(
        |t| nn::conv2d(&t[0], &t[1], Some(&t[2]), 1, 0, 1, 2),
        &inputs,
        &[2, 4, 3, 3],
        CONV_GROUPS_Y,
        &[CONV_GROUPS_G0, CONV_GROUPS_G1, CONV_GROUPS_G2],
        1e-4,
    );
    let inputs = [
        wave(&[1, 4, 6, 6], 0.41, 0.7),
        wave(&[4, 1, 3, 3], 0.83, 0.2),
    ];
    check(
        |t| nn::conv2d(&t[0], &t[1], None, 2, 1, 1, 4),
        &inputs,
        &[1, 4, 3, 3],
        CONV_DEPTHWISE_Y,
        &[CONV_DEPTHWISE_G0, CONV_DEPTHWISE_G1],
        1e-4,
    );
}

#[test]
fn conv1d_matches_pytorch() {
    let inputs = [
        wave(&[2, 3, 9], 0.47, 0.3),
        wave(&[2, 3, 3], 0.71, 0.6),
        wave(&[2], 1.1, 0.4),
    ];
    check(
        |t| nn::conv1d(&t[0], &t[1], Some(&t[2]), 2, 1, 2, 1),
        &inputs,
        &[2, 2, 4],
        CONV1D_Y,
        &[CONV1D_G0, CONV1D_G1, CONV1D_G2],
        1e-4,
    );
}

#[test]
fn conv_transpose2d_matches_pytorch() {
    let inputs = [
        wave(&[1, 2, 3, 4], 0.59, 0.1),
        wave(&[2, 3, 3, 3], 0.67, 0.9),
        wave(&[3], 0.8, 0.3),
    ];
    check(
        |t| nn::conv_transpose2d(&t[0], &t[1], Some(&t[2]), 2, 1, 1, 1, 1),
        &inputs,
        &[1, 3, 6, 8],
        CONVT_Y,
        &[CONVT_G0, CONVT_G1, CONVT_G2],
        1e-4,
    );
    let inputs = [
        wave(&[1, 4, 3, 3], 0.31, 0.2),
        wave(&[4, 1, 2, 3], 0.73, 0.5),
    ];
    check(
        |t| nn::conv_transpose2d(&t[0], &t[1], None, (1, 2), (0, 1), 0, 2, (2, 1)),
        &inputs,
        &[1, 2, 5, 5],
        CONVT_GROUPS_Y,
        &[CONVT_GROUPS_G0, CONVT_GROUPS_G1],
        1e-4,
    );
}

#[test]
fn pooling_matches_pytorch() {
    let x = [wave(&[2, 2, 6, 8], 0.97, 0.3)];
    check(
        |t| nn::max_pool2d(&t[0], 2, 2, 0),
        &x,
        &[2, 2, 3, 4],
        MAXPOOL2_Y,
        &[MAXPOOL2_G0],
        1e-4,
    );
    check(
        |t| nn::max_pool2d(&t[0], 3, 2, 1),
        &x,
        &[2, 2, 3, 4],
        MAXPOOL3_Y,
        &[MAXPOOL3_G0],
        1e-4,
    );
    check(
        |t| nn::avg_pool2d(&t[0], 3, 2, 1),
        &x,
        &[2, 2, 3, 4],
        AVGPOOL3_Y,
        &[AVGPOOL3_G0],
        1e-4,
    );
    let x = [wave(&[2, 2, 5, 7], 0.43, 0.6)];
    check(
        |t| nn::adaptive_avg_pool2d(&t[0], (3, 2)),
        &x,
        &[2, 2, 3, 2],
        ADAPTIVE_Y,
        &[ADAPTIVE_G0],
        1e-4,
    );
}

#[test]
fn hand_computed_convolution_and_pooling() {
    // 3×3 input 1..9, 2×2 kernel [[1, 0], [0, -1]]: out[i][j] = x[i][j] - x[i+1][j+1] = -4.
    let x = Tensor::arange(1.0, 10.0, 1.0).reshape(&[1, 1, 3, 3]);
    let w = Tensor::from_vec(vec![1.0, 0.0, 0.0, -1.0], &[1, 1, 2, 2]);
    assert_close(
        &nn::conv2d(&x, &w, None, 1, 0, 1, 1),
        &[1, 1, 2, 2],
        &[-4.0; 4],
        0.0,
    );
    // Padding 1, stride 2: corners see only part of the kernel.
    assert_close(
        &nn::conv2d(&x, &w, None, 2, 1, 1, 1),
        &[1, 1, 2, 2],
        &[-1.0, -3.0, -7.0, -9.0 + 5.0],
        0.0,
    );
    // Max pooling 2×2 of a 4×4 ramp takes the bottom-right of each block.
    let x = Tensor::arange(0.0, 16.0, 1.0).reshape(&[1, 1, 4, 4]);
    assert_close(
        &nn::max_pool2d(&x, 2, 2, 0),
        &[1, 1, 2, 2],
        &[5.0, 7.0, 13.0, 15.0],
        0.0,
    );
    assert_close(
        &nn::avg_pool2d(&x, 2, 2, 0),
        &[1, 1, 2, 2],
        &[2.5, 4.5, 10.5, 12.5],
        0.0,
    );
    assert_close(&nn::adaptive_avg_pool2d(&x, 1), &[1, 1, 1, 1], &[7.5], 1e-6);
}

#[test]
fn window_trick_im2col_gives_the_same_results() {
    let x = wave(&[1, 2, 7, 8], 0.53, 0.2);
    let w = wave(&[3, 2, 3, 2], 0.77, 0.4);
    nn::set_im2col(nn::Im2col::Windows);
    let y = nn::conv2d(&x, &w, None, 2, (1, 2), (2, 1), 1);
    nn::set_im2col(nn::Im2col::StackedSlices);
    assert_close(&y, &[1, 3, 3, 6], CONV_STRIDED_Y, 1e-4);
}

#[test]
fn layers_have_pytorch_shapes_init_and_names() {
    let conv = nn::Conv2d::new(4, 8, 3, 0).padding(1).stride(2);
    assert_eq!(conv.weight.shape(), vec![8, 4, 3, 3]);
    let bound = 1.0 / (4.0f32 * 9.0).sqrt();
    let w = conv.weight.to_vec();
    assert!(w.iter().all(|v| v.abs() <= bound) && w.iter().any(|v| v.abs() > 0.8 * bound));
    let y = conv.forward(&Tensor::randn(&[2, 4, 9, 9], 1));
    assert_eq!(y.shape(), vec![2, 8, 5, 5]);
    let names: Vec<String> = conv
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["weight", "bias"]);

    let dw = nn::Conv2d::new(4, 4, 3, 0).groups(4);
    assert_eq!(dw.weight.shape(), vec![4, 1, 3, 3]);
    assert!(dw.weight.to_vec().iter().all(|v| v.abs() <= 1.0 / 3.0));
    let c1 = nn::Conv1d::new(3, 5, 4, 0).padding(1);
    assert_eq!(
        c1.forward(&Tensor::randn(&[2, 3, 10], 0)).shape(),
        vec![2, 5, 9]
    );
    let ct = nn::ConvTranspose2d::new(4, 2, 3, 0)
        .stride(2)
        .padding(1)
        .output_padding(1);
    assert_eq!(ct.weight.shape(), vec![4, 2, 3, 3]);
    assert_eq!(
        ct.forward(&Tensor::randn(&[1, 4, 5, 5], 0)).shape(),
        vec![1, 2, 10, 10]
    );

    let x = Tensor::randn(&[2, 3, 4, 5], 0);
    assert_eq!(nn::flatten(&x, 1).shape(), vec![2, 60]);
    assert_eq!(nn::Flatten::default().forward(&x).shape(), vec![2, 60]);
    assert_eq!(
        nn::unflatten(&nn::flatten(&x, 1), 1, &[3, 20]).shape(),
        vec![2, 3, 20]
    );
    assert_eq!(nn::MaxPool2d::new(2).forward(&x).shape(), vec![2, 3, 2, 2]);
    assert_eq!(
        nn::AdaptiveAvgPool2d::new((1, 1)).forward(&x).shape(),
        vec![2, 3, 1, 1]
    );
}

#[test]
fn a_small_cnn_learns_and_names_its_parameters() {
    use nma_engine::optim::{Optimizer, Sgd};
    let model = nn::Sequential::default()
        .add(nn::Conv2d::new(1, 4, 3, 1).padding(1))
        .add(nn::ReLU)
        .add(nn::MaxPool2d::new(2))
        .add(nn::Flatten::default())
        .add(nn::Linear::new(4 * 4 * 4, 2, 2));
    let names: Vec<String> = model
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["0.weight", "0.bias", "4.weight", "4.bias"]);
    // Class 1 has a bright top half.
    let mut data = Vec::new();
    let mut labels = Vec::new();
    for i in 0..16 {
        let label = i % 2;
        for p in 0..64 {
            let top = p < 32;
            data.push(
                if top == (label == 1) { 1.0 } else { 0.0 }
                    + 0.1 * ((i * 64 + p) as f32 * 0.37).sin(),
            );
        }
        labels.push(label);
    }
    let x = Tensor::from_vec(data, &[16, 1, 8, 8]);
    let mut opt = Sgd::new(model.parameters(), 0.2);
    let first = nn::cross_entropy(&model.forward(&x), &labels).item();
    let mut last = first;
    for _ in 0..15 {
        opt.zero_grad();
        let loss = nn::cross_entropy(&model.forward(&x), &labels);
        loss.backward();
        opt.step();
        last = loss.item();
    }
    assert!(last < 0.5 * first, "loss went from {first} to {last}");
}

/// Max pooling splits a window's gradient evenly among the elements equal
/// to its maximum (PyTorch gives all of it to one), also when the input
/// is a view (here a transpose) and when the window is not 2×2.
#[test]
fn max_pooling_splits_gradients_among_ties() {
    // Window 0: all equal (4 ties); window 1: two maxima; windows 2, 3: one.
    let values = vec![
        1.0, 1.0, 5.0, 2.0, //
        1.0, 1.0, 5.0, 0.0, //
        0.0, 3.0, 9.0, 9.0, //
        -1.0, 0.5, 9.5, 9.0,
    ];
    let x = Tensor::from_vec(values.clone(), &[1, 1, 4, 4]).requires_grad();
    let y = nn::max_pool2d(&x, 2, 2, 0);
    assert_close(&y, &[1, 1, 2, 2], &[1.0, 5.0, 3.0, 9.5], 0.0);
    y.mul(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[1, 1, 2, 2])).sum().backward();
    let expected = [
        0.25, 0.25, 1.0, 0.0, //
        0.25, 0.25, 1.0, 0.0, //
        0.0, 3.0, 0.0, 0.0, //
        0.0, 0.0, 4.0, 0.0,
    ];
    assert_close(&x.grad().unwrap(), &[1, 1, 4, 4], &expected, 0.0);
    // Through a transposed view: the gradient comes back transposed.
    let xt = Tensor::from_vec(values, &[1, 1, 4, 4]).requires_grad();
    nn::max_pool2d(&xt.transpose(2, 3), 2, 2, 0)
        .mul(Tensor::from_vec(vec![1.0, 3.0, 2.0, 4.0], &[1, 1, 2, 2]))
        .sum()
        .backward();
    assert_close(&xt.grad().unwrap(), &[1, 1, 4, 4], &expected, 0.0);
    // A 3×1 window, 2 ties of 3.
    let x = Tensor::from_vec(vec![2.0, 7.0, 2.0, 7.0, 1.0, 7.0], &[1, 1, 3, 2]).requires_grad();
    nn::max_pool2d(&x, (3, 1), (3, 1), 0).sum().backward();
    assert_close(&x.grad().unwrap(), &[1, 1, 3, 2], &[0.5, 1.0 / 3.0, 0.5, 1.0 / 3.0, 0.0, 1.0 / 3.0], 1e-7);
}

/// The stacked-slices im2col carries its own col2im gradient (stride 1);
/// it must agree with the gradient derived through the window trick for
/// kernels that are not square, dilations, paddings and groups.
#[test]
fn col2im_gradient_rule_agrees_with_the_derived_gradient() {
    type Config = ((usize, usize), (usize, usize), (usize, usize), usize); // kernel, padding, dilation, groups
    let configs: [Config; 4] = [
        ((3, 3), (1, 1), (1, 1), 1),
        ((2, 3), (0, 2), (1, 1), 1),
        ((3, 2), (2, 1), (2, 1), 1),
        ((3, 3), (1, 1), (1, 2), 2),
    ];
    for (k, pad, dil, groups) in configs {
        let grads = [nn::Im2col::StackedSlices, nn::Im2col::Windows].map(|method| {
            nn::set_im2col(method);
            let x = wave(&[2, 4, 7, 6], 0.61, 0.1).requires_grad();
            let w = wave(&[3 * groups, 4 / groups, k.0, k.1], 0.37, 0.5).requires_grad();
            let y = nn::conv2d(&x, &w, None, 1, pad, dil, groups);
            // A weight per output element, so every position's gradient differs.
            let weights = wave(&y.shape(), 0.7, 0.3);
            y.mul(&weights).sum().backward();
            (x.grad().unwrap().to_vec(), w.grad().unwrap().to_vec())
        });
        nn::set_im2col(nn::Im2col::StackedSlices);
        for (which, (a, b)) in [("x", (&grads[0].0, &grads[1].0)), ("w", (&grads[0].1, &grads[1].1))] {
            for (i, (p, q)) in a.iter().zip(b.iter()).enumerate() {
                assert!((p - q).abs() <= 1e-3 * q.abs().max(1.0), "d/d{which}[{i}] with kernel {k:?} padding {pad:?} dilation {dil:?} groups {groups}: rule {p} vs derived {q}");
            }
        }
    }
}

/// Max pooling over tiles (input `values` of `shape`, windows `k`) with the
/// fused operator on or off: the output, the input's gradient under the
/// weights `0.5, 1.5, 2.5, …`, and whether a fused kernel ran.
fn max_pool_run(fused: bool, values: &[f32], shape: &[usize], k: (usize, usize)) -> (Vec<f32>, Vec<f32>, bool) {
    nma_engine::runtime::set_fused_operators(fused);
    let x = Tensor::from_vec(values.to_vec(), shape).requires_grad();
    nma_engine::runtime::set_profiling(true);
    let y = nn::max_pool2d(&x, k, k, 0);
    let weights: Vec<f32> = (0..y.numel()).map(|i| i as f32 + 0.5).collect();
    y.mul(Tensor::from_vec(weights, &y.shape())).sum().backward();
    let ran_fused = nma_engine::runtime::take_profile().iter().any(|(kind, _, _)| kind.starts_with("max pool"));
    nma_engine::runtime::set_profiling(false);
    nma_engine::runtime::set_fused_operators(true);
    (y.to_vec(), x.grad().unwrap().to_vec(), ran_fused)
}

/// The fused max pooling (one kernel forward, one backward) gives the bits
/// of the two reductions it replaces, forward and gradient: with ties
/// (values on a coarse grid), infinities and NaN, windows of 2×2, 3×2 and
/// 1×4, planes too wide for the 2×2 fast path, and on one and two threads
/// (the larger inputs are split between them).
#[test]
fn fused_max_pooling_gives_the_bits_of_the_reductions() {
    let cases: [(&[usize], (usize, usize)); 5] =
        [(&[2, 3, 6, 8], (2, 2)), (&[1, 2, 6, 4], (3, 2)), (&[2, 1, 4, 8], (1, 4)), (&[8, 16, 32, 32], (2, 2)), (&[1, 2, 4, 1100], (2, 2))];
    for threads in [1, 2] {
        nma_engine::runtime::set_threads(threads);
        for (shape, k) in cases {
            let n: usize = shape.iter().product();
            let mut values: Vec<f32> = (0..n).map(|i| ((i * 7919 + 13) % 11) as f32 - 5.0).collect();
            values[3] = f32::INFINITY;
            values[n / 2] = f32::NEG_INFINITY;
            values[n - 2] = f32::NAN;
            // The first window all NaN: its maximum is -inf, as `f32::max` skips NaN.
            for a in 0..k.0 {
                for b in 0..k.1 {
                    values[a * shape[3] + b] = f32::NAN;
                }
            }
            let fused = max_pool_run(true, &values, shape, k);
            let reduced = max_pool_run(false, &values, shape, k);
            assert!(fused.2 && !reduced.2, "{shape:?}: the fused kernel ran only where it was on");
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&fused.0), bits(&reduced.0), "{shape:?} {k:?} on {threads} threads: outputs differ");
            assert_eq!(bits(&fused.1), bits(&reduced.1), "{shape:?} {k:?} on {threads} threads: gradients differ");
        }
    }
    nma_engine::runtime::set_threads(1);
}
