//! Forward values of activations, losses and layers against independent
//! references: textbook values (sources in comments) or the defining formula
//! evaluated in f64 in the test.

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

fn t(data: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape)
}

#[test]
fn softmax_values() {
    // e^[1,2,3] / Σ = [0.09003057, 0.24472847, 0.66524096] (e.g. the
    // torch.softmax documentation example; also e/(e+e²+e³) by hand).
    let x = t(&[1.0, 2.0, 3.0, 0.0, 0.0, 0.0], &[2, 3]);
    assert_close(
        &softmax(&x, 1),
        &[2, 3],
        &[
            0.09003057,
            0.24472847,
            0.66524096,
            1.0 / 3.0,
            1.0 / 3.0,
            1.0 / 3.0,
        ],
        1e-6,
    );
    assert_close(
        &Softmax(1).forward(&x),
        &[2, 3],
        &[
            0.09003057,
            0.24472847,
            0.66524096,
            1.0 / 3.0,
            1.0 / 3.0,
            1.0 / 3.0,
        ],
        1e-6,
    );
    // Columns: softmax over dim 0 of [[1, 2, 3], [0, 0, 0]] = e/(e + 1), …
    let e = |v: f32| v.exp() / (v.exp() + 1.0);
    assert_close(
        &softmax(&x, 0),
        &[2, 3],
        &[
            e(1.0),
            e(2.0),
            e(3.0),
            1.0 - e(1.0),
            1.0 - e(2.0),
            1.0 - e(3.0),
        ],
        1e-6,
    );
    assert_close(
        &log_softmax(&x, 1),
        &[2, 3],
        &[
            -2.407_606,
            -1.407_606,
            -0.407_606,
            -(3f32.ln()),
            -(3f32.ln()),
            -(3f32.ln()),
        ],
        1e-6,
    );
    assert_close(
        &LogSoftmax(1).forward(&x),
        &[2, 3],
        &[
            -2.407_606,
            -1.407_606,
            -0.407_606,
            -(3f32.ln()),
            -(3f32.ln()),
            -(3f32.ln()),
        ],
        1e-6,
    );
}

#[test]
fn softmax_is_stable_for_huge_logits() {
    let x = t(&[1000.0, 0.0, -1000.0], &[1, 3]);
    assert_close(&softmax(&x, 1), &[1, 3], &[1.0, 0.0, 0.0], 1e-6);
    assert_close(&log_softmax(&x, 1), &[1, 3], &[0.0, -1000.0, -2000.0], 1e-6);
    let loss = cross_entropy(&x, &[1]);
    assert_scalar_close(loss.item(), 1000.0, 1e-6);
}

#[test]
fn activation_values() {
    let xs = [-2.0f32, -1.0, 0.0, 0.5, 1.0, 2.0];
    let x = t(&xs, &[6]);
    let reference =
        |f: fn(f64) -> f64| -> Vec<f32> { xs.iter().map(|&v| f(v as f64) as f32).collect() };
    assert_close(&relu(&x), &[6], &reference(|v| v.max(0.0)), 1e-7);
    assert_close(&ReLU.forward(&x), &[6], &reference(|v| v.max(0.0)), 1e-7);
    assert_close(
        &leaky_relu(&x, 0.1),
        &[6],
        &reference(|v| if v > 0.0 { v } else { 0.1 * v }),
        1e-7,
    );
    assert_close(
        &LeakyReLU::default().forward(&x),
        &[6],
        &reference(|v| if v > 0.0 { v } else { 0.01 * v }),
        1e-7,
    );
    assert_close(
        &sigmoid(&x),
        &[6],
        &reference(|v| 1.0 / (1.0 + (-v).exp())),
        1e-6,
    );
    assert_close(
        &Sigmoid.forward(&x),
        &[6],
        &reference(|v| 1.0 / (1.0 + (-v).exp())),
        1e-6,
    );
    assert_close(&tanh(&x), &[6], &reference(f64::tanh), 1e-6);
    assert_close(&Tanh.forward(&x), &[6], &reference(f64::tanh), 1e-6);
    // GELU, tanh approximation (Hendrycks & Gimpel 2016, eq. in section 2).
    let gelu_tanh = |v: f64| {
        0.5 * v * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (v + 0.044715 * v.powi(3))).tanh())
    };
    assert_close(&gelu(&x), &[6], &reference(gelu_tanh), 1e-6);
    assert_close(&GELU.forward(&x), &[6], &reference(gelu_tanh), 1e-6);
    // … within 5e-4 of the exact x·Φ(x): Φ(1) = 0.8413447, Φ(2) = 0.9772499,
    // Φ(0.5) = 0.6914625 (standard normal table).
    let exact = [
        -2.0 * (1.0 - 0.9772499),
        -(1.0 - 0.8413447),
        0.0,
        0.5 * 0.6914625,
        0.8413447,
        2.0 * 0.9772499,
    ];
    assert_close(&gelu(&x), &[6], &exact, 5e-4);
    for (a, expected) in [
        (Activation::Relu, reference(|v| v.max(0.0))),
        (Activation::Tanh, reference(f64::tanh)),
        (Activation::Identity, xs.to_vec()),
        (
            Activation::LeakyRelu(0.5),
            reference(|v| if v > 0.0 { v } else { 0.5 * v }),
        ),
    ] {
        assert_close(&a.forward(&x), &[6], &expected, 1e-6);
    }
}

#[test]
fn loss_values() {
    // -log softmax([1, 2, 3])[2] = log(e + e² + e³) - 3 = 0.407_606
    let logits = t(&[1.0, 2.0, 3.0, 0.0, 0.0, 0.0], &[2, 3]);
    assert_scalar_close(
        cross_entropy(&logits.slice(0, 0, 1), &[2]).item(),
        0.407_606,
        1e-6,
    );
    // Uniform scores: ln 3 per row, whatever the label.
    assert_scalar_close(
        cross_entropy(&logits.slice(0, 1, 2), &[0]).item(),
        3f32.ln(),
        1e-6,
    );
    // The mean of both rows.
    assert_scalar_close(
        cross_entropy(&logits, &[2, 0]).item(),
        (0.407_606 + 3f32.ln()) / 2.0,
        1e-6,
    );
    assert_scalar_close(
        nll_loss(&log_softmax(&logits, 1), &[2, 0]).item(),
        (0.407_606 + 3f32.ln()) / 2.0,
        1e-6,
    );
    assert_scalar_close(
        nll_loss(&t(&[-1.0, -2.0, -3.0, -4.0], &[2, 2]), &[1, 0]).item(),
        2.5,
        1e-7,
    );

    // ((1-0)² + (2-4)² + (3-3)²) / 3 = 5/3
    assert_scalar_close(
        mse_loss(&t(&[1.0, 2.0, 3.0], &[3]), &t(&[0.0, 4.0, 3.0], &[3])).item(),
        5.0 / 3.0,
        1e-6,
    );

    // -(ln 0.8 + ln(1 - 0.4)) / 2
    let p = t(&[0.8, 0.4], &[2]);
    let y = t(&[1.0, 0.0], &[2]);
    assert_scalar_close(
        bce_loss(&p, &y).item(),
        -(0.8f32.ln() + 0.6f32.ln()) / 2.0,
        1e-6,
    );
    // Certain and wrong costs 100 per element (PyTorch clamps the log at -100).
    assert_scalar_close(
        bce_loss(&t(&[0.0, 1.0], &[2]), &t(&[1.0, 0.0], &[2])).item(),
        100.0,
        1e-3,
    );
    assert_scalar_close(
        bce_loss(&t(&[1.0, 0.0], &[2]), &t(&[1.0, 0.0], &[2])).item(),
        0.0,
        1e-6,
    );

    // With logits, softplus(x) - t·x, stable for big |x|:
    // x = 100, t = 0 → 100; x = -100, t = 0 → ~0; x = 100, t = 1 → ~0; x = 0 → ln 2.
    let x = t(&[100.0, -100.0, 100.0, 0.0], &[4]);
    let y = t(&[0.0, 0.0, 1.0, 0.3], &[4]);
    assert_scalar_close(
        bce_with_logits(&x, &y).item(),
        (100.0 + 2f32.ln()) / 4.0,
        1e-6,
    );
    // Agrees with bce_loss(sigmoid(x)) where both are accurate.
    let x = t(&[-1.5, 0.2, 2.0], &[3]);
    let y = t(&[0.0, 1.0, 0.7], &[3]);
    assert_scalar_close(
        bce_with_logits(&x, &y).item(),
        bce_loss(&sigmoid(&x), &y).item(),
        1e-6,
    );
}

#[test]
fn accuracy_counts_argmax_hits() {
    let scores = t(&[0.1, 0.9, 0.8, 0.2, 0.5, 0.5, 0.3, 0.7], &[4, 2]);
    assert_eq!(accuracy(&scores, &[1, 0, 0, 0]), 0.75); // the tie goes to class 0
    assert_eq!(accuracy(&scores, &[0, 1, 1, 0]), 0.0);
    // One logit per example: class 1 where it is above 0.
    let logits = t(&[2.0, -1.0, 0.0, 0.5], &[4, 1]);
    assert_eq!(accuracy(&logits, &[1, 0, 0, 0]), 0.75);
}

#[test]
fn linear_matches_x_wt_plus_b() {
    let w = t(&[1.0, 2.0, 3.0, -1.0, 0.0, 0.5], &[2, 3]);
    let b = t(&[0.5, -1.0], &[2]);
    let layer = Linear::from_tensors(w, Some(b));
    let x = t(&[1.0, 1.0, 1.0, 2.0, 0.0, -2.0], &[2, 3]);
    // [1+2+3+0.5, -1+0+0.5-1] and [2-6+0.5, -2-1-1]
    assert_close(&layer.forward(&x), &[2, 2], &[6.5, -1.5, -3.5, -4.0], 1e-6);
    // A single example without a batch dimension works too.
    assert_close(
        &layer.forward(&t(&[1.0, 1.0, 1.0], &[3])),
        &[2],
        &[6.5, -1.5],
        1e-6,
    );
    assert_eq!(layer.parameters().len(), 2);
    assert!(layer.parameters().iter().all(Tensor::is_parameter));
    assert_eq!(layer.num_parameters(), 8);
    let no_bias = Linear::without_bias(3, 2, 0);
    assert_eq!(no_bias.parameters().len(), 1);
}

#[test]
fn linear_init_is_seeded_kaiming_uniform() {
    let a = Linear::new(16, 8, 42);
    let b = Linear::new(16, 8, 42);
    let c = Linear::new(16, 8, 43);
    assert_eq!(a.weight.to_vec(), b.weight.to_vec());
    assert_ne!(a.weight.to_vec(), c.weight.to_vec());
    assert_eq!(a.weight.shape(), vec![8, 16]);
    let bound = 1.0 / 4.0; // 1/√16
    let w = a.weight.to_vec();
    let bias = a.bias.as_ref().unwrap().to_vec();
    assert!(w.iter().chain(&bias).all(|v| v.abs() <= bound));
    // Linear(100, 100): uniform on [-0.1, 0.1], so mean ≈ 0 and variance ≈ 0.1²/3 (10,000 samples).
    let big = Linear::new(100, 100, 1).weight.to_vec();
    let mean = big.iter().sum::<f32>() / big.len() as f32;
    let var = big.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / big.len() as f32;
    assert!(mean.abs() < 0.005, "mean {mean}");
    assert!((var - 0.01 / 3.0).abs() < 0.0003, "variance {var}");
    // The first weight is the first uniform number of Rng::new(42), scaled.
    let first = (2.0 * Rng::new(42).uniform() - 1.0) * bound;
    assert_eq!(w[0], first);
}

#[test]
fn mlp_and_sequential() {
    let mlp = Mlp::new(&[4, 8, 6, 3], Activation::Relu, 0);
    assert_eq!(mlp.layers.len(), 3);
    let shapes: Vec<Vec<usize>> = mlp.parameters().iter().map(Tensor::shape).collect();
    assert_eq!(
        shapes,
        vec![
            vec![8, 4],
            vec![8],
            vec![6, 8],
            vec![6],
            vec![3, 6],
            vec![3]
        ]
    );
    assert_eq!(mlp.num_parameters(), 8 * 4 + 8 + 6 * 8 + 6 + 3 * 6 + 3);
    let x = Tensor::randn(&[5, 4], 1);
    let y = mlp.forward(&x);
    assert_eq!(y.shape(), vec![5, 3]);
    // The same network written out by hand: no activation after the last layer.
    let l = &mlp.layers;
    let manual = l[2].forward(&relu(&l[1].forward(&relu(&l[0].forward(&x)))));
    assert_eq!(y.to_vec(), manual.to_vec());
    let mut seq = Sequential::default()
        .add(Linear::new(4, 8, 0))
        .add(ReLU)
        .add(Linear::new(8, 3, 1))
        .add(Softmax(1));
    assert_eq!(seq.len(), 4);
    assert_eq!(seq.parameters().len(), 4);
    seq.set_training(false);
    let probs = seq.forward(&x).sum_dim(1, false).to_vec();
    assert!(probs.iter().all(|p| (p - 1.0).abs() < 1e-6));
    // Same seed, same model.
    assert_eq!(
        Mlp::new(&[4, 8, 3], Activation::Tanh, 5)
            .forward(&x)
            .to_vec(),
        Mlp::new(&[4, 8, 3], Activation::Tanh, 5)
            .forward(&x)
            .to_vec()
    );
}

#[test]
#[should_panic(
    expected = "Linear(3 -> 2): expects inputs whose last dimension is 3, but got shape [4, 5]"
)]
fn linear_reports_the_input_shape() {
    Linear::new(3, 2, 0).forward(&Tensor::zeros(&[4, 5]));
}

#[test]
#[should_panic(
    expected = "cross_entropy: label 3 (at position 1) is too big for 3 classes (logits of shape [2, 3]); labels must be between 0 and 2"
)]
fn cross_entropy_reports_bad_labels() {
    cross_entropy(&Tensor::zeros(&[2, 3]), &[0, 3]);
}

#[test]
#[should_panic(
    expected = "cross_entropy: the logits have shape [2, 3] (2 rows), but 3 labels were given; there must be one label per row"
)]
fn cross_entropy_reports_label_count() {
    cross_entropy(&Tensor::zeros(&[2, 3]), &[0, 1, 2]);
}

#[test]
#[should_panic(
    expected = "cross_entropy: expects logits of shape [batch, classes], but got shape [3]"
)]
fn cross_entropy_needs_a_batch() {
    cross_entropy(&Tensor::zeros(&[3]), &[0]);
}

#[test]
#[should_panic(
    expected = "mse_loss: the prediction has shape [4, 1] but the target has shape [4]; they must be equal"
)]
fn mse_reports_shapes() {
    mse_loss(&Tensor::zeros(&[4, 1]), &Tensor::zeros(&[4]));
}

#[test]
#[should_panic(
    expected = "bce_with_logits: the logits have shape [2] but the targets have shape [2, 1]; they must be equal"
)]
fn bce_reports_shapes() {
    bce_with_logits(&Tensor::zeros(&[2]), &Tensor::zeros(&[2, 1]));
}

#[test]
#[should_panic(expected = "softmax: dimension 2 is out of range for a tensor of shape [2, 3]")]
fn softmax_reports_the_dimension() {
    softmax(&Tensor::zeros(&[2, 3]), 2);
}

#[test]
#[should_panic(
    expected = "Mlp::new: needs at least an input and an output size, but got sizes [4]"
)]
fn mlp_needs_two_sizes() {
    Mlp::new(&[4], Activation::Relu, 0);
}
