//! Recurrent cells and layers, and embeddings.
//!
//! Forward values: PyTorch fixtures (`fixtures/seq_fixtures.rs`, generated
//! offline by `fixtures/seq_fixtures.py`) and hand computations. Gradients:
//! cells against an f64 reference differentiated by central differences,
//! layers against central differences of the engine's own forward pass.

mod seq_common;
#[allow(dead_code, clippy::excessive_precision)]
mod fixtures {
    include!("fixtures/seq_fixtures.rs");
}

use fixtures::*;
use nma_engine::nn::{self, Embedding, Gru, GruCell, Lstm, LstmCell, Rnn, RnnCell};
use nma_engine::prelude::*;
use nma_engine::runtime;
use nma_engine::testing::assert_close;
use seq_common::*;

const TOL: f32 = 2e-5;

// ------------------------------------------------------------------ cells vs torch

#[test]
fn rnn_cell_matches_torch() {
    let cell = RnnCell::new(3, 4, 0);
    load(&cell);
    let h = cell.step(&det_t(&[2, 3], 10), &det_t(&[2, 4], 11));
    assert_close(&h, RNN_CELL_H_SHAPE, RNN_CELL_H, TOL);
}

#[test]
fn lstm_cell_matches_torch() {
    let cell = LstmCell::new(3, 4, 0);
    load(&cell);
    let (h, c) = cell.step(&det_t(&[2, 3], 10), (&det_t(&[2, 4], 11), &det_t(&[2, 4], 12)));
    assert_close(&h, LSTM_CELL_H_SHAPE, LSTM_CELL_H, TOL);
    assert_close(&c, LSTM_CELL_C_SHAPE, LSTM_CELL_C, TOL);
}

#[test]
fn gru_cell_matches_torch() {
    let cell = GruCell::new(3, 4, 0);
    load(&cell);
    let h = cell.step(&det_t(&[2, 3], 10), &det_t(&[2, 4], 11));
    assert_close(&h, GRU_CELL_H_SHAPE, GRU_CELL_H, TOL);
}

#[test]
fn cell_module_forward_starts_from_zero_state() {
    let cell = LstmCell::new(3, 4, 5);
    let x = det_t(&[2, 3], 1);
    let z = Tensor::zeros(&[2, 4]);
    let (h, _) = cell.step(&x, (&z, &z));
    assert_eq!(cell.forward(&x).to_vec(), h.to_vec());
    assert_eq!(cell.parameters().len(), 4);
    assert_eq!(cell.weight_ih().shape(), vec![16, 3]);
}

// ------------------------------------------------------------------ layers vs torch

#[test]
fn lstm_two_layers_bidirectional_matches_torch() {
    let lstm = Lstm::with_layers(3, 2, 2, true, 0);
    load(&lstm);
    let (out, (h, c)) = lstm.forward_with(&det_t(&[2, 3, 3], 20), None);
    assert_close(&out, LSTM_OUT_SHAPE, LSTM_OUT, TOL);
    assert_close(&h, LSTM_HN_SHAPE, LSTM_HN, TOL);
    assert_close(&c, LSTM_CN_SHAPE, LSTM_CN, TOL);
    assert_eq!(lstm.forward(&det_t(&[2, 3, 3], 20)).to_vec(), out.to_vec());
}

#[test]
fn gru_bidirectional_with_initial_state_matches_torch() {
    let gru = Gru::with_layers(3, 2, 1, true, 0);
    load(&gru);
    let (out, h) = gru.forward_with(&det_t(&[2, 3, 3], 20), Some(&det_t(&[2, 2, 2], 21)));
    assert_close(&out, GRU_OUT_SHAPE, GRU_OUT, TOL);
    assert_close(&h, GRU_HN_SHAPE, GRU_HN, TOL);
}

#[test]
fn rnn_two_layers_matches_torch() {
    let rnn = Rnn::with_layers(3, 2, 2, false, 0);
    load(&rnn);
    let (out, h) = rnn.forward_with(&det_t(&[2, 3, 3], 20), None);
    assert_close(&out, RNN_OUT_SHAPE, RNN_OUT, TOL);
    assert_close(&h, RNN_HN_SHAPE, RNN_HN, TOL);
}

#[test]
fn parameter_names_follow_pytorch() {
    let lstm = Lstm::with_layers(3, 2, 2, true, 0);
    let names: Vec<String> = lstm.named_parameters().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 16);
    assert_eq!(&names[..5], ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse"]);
    assert_eq!(names[15], "bias_hh_l1_reverse");
    // layer 1 reads both directions of layer 0
    assert_eq!(lstm.cell(1, 0).weight_ih().shape(), vec![8, 4]);
}

#[test]
fn initialization_is_uniform_within_one_over_sqrt_hidden() {
    let gru = Gru::new(5, 16, 3);
    let bound = 1.0 / 4.0;
    for p in gru.parameters() {
        assert!(p.to_vec().iter().all(|v| v.abs() <= bound));
    }
    // seeded: same seed, same numbers; another seed, others
    assert_eq!(Gru::new(5, 16, 3).parameters()[0].to_vec(), gru.parameters()[0].to_vec());
    assert_ne!(Gru::new(5, 16, 4).parameters()[0].to_vec(), gru.parameters()[0].to_vec());
}

#[test]
#[should_panic(expected = "expects inputs of shape [batch, seq, 3]")]
fn layer_rejects_wrong_feature_size() {
    Lstm::new(3, 2, 0).forward(&Tensor::zeros(&[2, 4, 5]));
}

// ------------------------------------------------------------------ gradients

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `y[b, r] = Σ_i w[r, i] x[b, i]` for row-major `w` `[rows, cols]`.
fn affine(w: &[f64], b: &[f64], x: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let batch = x.len() / cols;
    let mut y = vec![0.0; batch * rows];
    for n in 0..batch {
        for r in 0..rows {
            y[n * rows + r] = b[r] + (0..cols).map(|i| w[r * cols + i] * x[n * cols + i]).sum::<f64>();
        }
    }
    y
}

const B: usize = 2;
const I: usize = 3;
const H: usize = 2;

fn cell_inputs(gates: usize, states: usize) -> Vec<(Vec<f32>, Vec<usize>)> {
    let mut v = vec![
        (det(gates * H * I, 0), vec![gates * H, I]),
        (det(gates * H * H, 1), vec![gates * H, H]),
        (det(gates * H, 2), vec![gates * H]),
        (det(gates * H, 3), vec![gates * H]),
        (det(B * I, 4), vec![B, I]),
    ];
    for s in 0..states {
        v.push((det(B * H, 5 + s).iter().map(|x| x * 1.6).collect(), vec![B, H]));
    }
    v
}

#[test]
fn lstm_cell_gradients_match_f64_finite_differences() {
    check_vs_f64(
        &cell_inputs(4, 2),
        |t| {
            let cell = LstmCell::from_tensors(t[0].clone(), t[1].clone(), t[2].clone(), t[3].clone());
            let (h, c) = cell.step(&t[4], (&t[5], &t[6]));
            Tensor::cat(&[&h, &c], 1)
        },
        |p| {
            let gx = affine(&p[0], &p[2], &p[4], 4 * H, I);
            let gh = affine(&p[1], &p[3], &p[5], 4 * H, H);
            let mut out = Vec::new();
            for n in 0..B {
                let g = |k: usize, j: usize| gx[n * 4 * H + k * H + j] + gh[n * 4 * H + k * H + j];
                let (mut hs, mut cs) = (Vec::new(), Vec::new());
                for j in 0..H {
                    let c = sigmoid(g(1, j)) * p[6][n * H + j] + sigmoid(g(0, j)) * g(2, j).tanh();
                    hs.push(sigmoid(g(3, j)) * c.tanh());
                    cs.push(c);
                }
                out.extend(hs);
                out.extend(cs);
            }
            out
        },
        1e-4,
    );
}

#[test]
fn gru_cell_gradients_match_f64_finite_differences() {
    check_vs_f64(
        &cell_inputs(3, 1),
        |t| GruCell::from_tensors(t[0].clone(), t[1].clone(), t[2].clone(), t[3].clone()).step(&t[4], &t[5]),
        |p| {
            let gx = affine(&p[0], &p[2], &p[4], 3 * H, I);
            let gh = affine(&p[1], &p[3], &p[5], 3 * H, H);
            let mut out = Vec::new();
            for n in 0..B {
                for j in 0..H {
                    let at = |v: &[f64], k: usize| v[n * 3 * H + k * H + j];
                    let r = sigmoid(at(&gx, 0) + at(&gh, 0));
                    let z = sigmoid(at(&gx, 1) + at(&gh, 1));
                    let m = (at(&gx, 2) + r * at(&gh, 2)).tanh();
                    out.push((1.0 - z) * m + z * p[5][n * H + j]);
                }
            }
            out
        },
        1e-4,
    );
}

#[test]
fn rnn_cell_gradients_match_f64_finite_differences() {
    check_vs_f64(
        &cell_inputs(1, 1),
        |t| RnnCell::from_tensors(t[0].clone(), t[1].clone(), t[2].clone(), t[3].clone()).step(&t[4], &t[5]),
        |p| {
            let gx = affine(&p[0], &p[2], &p[4], H, I);
            let gh = affine(&p[1], &p[3], &p[5], H, H);
            gx.iter().zip(&gh).map(|(a, b)| (a + b).tanh()).collect()
        },
        1e-4,
    );
}

#[test]
fn lstm_layer_gradients_match_finite_differences() {
    let lstm = Lstm::with_layers(3, 2, 1, true, 0);
    load(&lstm);
    let x = det_t(&[2, 4, 3], 20).requires_grad();
    let h0 = det_t(&[2, 2, 2], 21).requires_grad();
    let c0 = det_t(&[2, 2, 2], 22).requires_grad();
    let mut params = lstm.parameters();
    params.extend([x.clone(), h0.clone(), c0.clone()]);
    check_vs_engine(
        &params,
        || {
            let (out, (h, c)) = lstm.forward_with(&x, Some((&h0, &c0)));
            Tensor::cat(&[&out.flatten(), &h.flatten(), &c.flatten()], 0)
        },
        1e-2,
        2e-3,
        3,
    );
}

#[test]
fn gru_two_layer_gradients_match_finite_differences() {
    let gru = Gru::with_layers(3, 2, 2, false, 0);
    load(&gru);
    let x = det_t(&[2, 3, 3], 20).requires_grad();
    let mut params = gru.parameters();
    params.push(x.clone());
    check_vs_engine(&params, || gru.forward_with(&x, None).0, 1e-2, 2e-3, 2);
}

// ------------------------------------------------------------------ training

#[test]
fn lstm_learns_next_step_of_sine_waves() {
    let data = data::sine_sequences(16, 12, 0);
    let x = data.x().reshape(&[16, 12, 1]);
    let y = data.y().reshape(&[16, 12, 1]);
    let lstm = Lstm::new(1, 8, 1);
    let head = Linear::new(8, 1, 2);
    let mut params = lstm.parameters();
    params.extend(head.parameters());
    let mut opt = Adam::new(params, 0.03);
    let mut losses = Vec::new();
    for _ in 0..60 {
        opt.zero_grad();
        let loss = nn::mse_loss(&head.forward(&lstm.forward(&x)), &y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
    }
    assert!(losses[59] < 0.2 * losses[0], "loss went from {} to {}", losses[0], losses[59]);
}

// ------------------------------------------------------------------ embeddings

#[test]
fn embedding_lookup_returns_rows_and_scatters_gradients() {
    let table: Vec<f32> = (0..12).map(|v| v as f32).collect();
    let emb = Embedding::from_tensor(Tensor::from_vec(table, &[4, 3]));
    let ids = [2, 0, 2, 3];
    let out = emb.lookup(&ids);
    assert_close(&out, &[4, 3], &[6., 7., 8., 0., 1., 2., 6., 7., 8., 9., 10., 11.], 0.0);
    assert_eq!(emb.lookup_by_slices(&ids).to_vec(), out.to_vec());
    // d/dW of Σ out · G: row r gets the sum of G's rows looked up from r
    let g: Vec<f32> = (1..=12).map(|v| v as f32).collect();
    out.mul(Tensor::from_vec(g, &[4, 3])).sum().backward();
    assert_close(
        &emb.weight.grad().unwrap(),
        &[4, 3],
        &[4., 5., 6., 0., 0., 0., 8., 10., 12., 10., 11., 12.],
        0.0,
    );
}

#[test]
fn embedding_lookup_by_slices_has_the_same_gradient() {
    let emb = Embedding::new(5, 3, 0);
    let ids = [4, 1, 1, 0];
    let w = Tensor::from_vec(weights(12), &[4, 3]);
    emb.lookup(&ids).mul(&w).sum().backward();
    let a = emb.weight.grad().unwrap().to_vec();
    emb.zero_grad();
    emb.lookup_by_slices(&ids).mul(&w).sum().backward();
    assert_close(&emb.weight.grad().unwrap(), &[5, 3], &a, 1e-6);
}

#[test]
fn embedding_module_reads_ids_from_a_tensor_and_keeps_their_shape() {
    let emb = Embedding::new(10, 4, 0);
    let ids = Tensor::from_vec(vec![1.0, 9.0, 3.0, 3.0, 0.0, 2.0], &[2, 3]);
    let out = emb.forward(&ids);
    assert_eq!(out.shape(), vec![2, 3, 4]);
    assert_eq!(out.to_vec(), emb.lookup(&[1, 9, 3, 3, 0, 2]).to_vec());
}

#[test]
fn embedding_bag_mean_averages_rows() {
    let table: Vec<f32> = (0..8).map(|v| v as f32).collect();
    let emb = Embedding::from_tensor(Tensor::from_vec(table, &[4, 2]));
    let out = emb.bag_mean(&[vec![0, 2], vec![3], vec![], vec![1, 1, 3]]);
    // bag 3: (2 + 2 + 6) / 3 = 10/3, (3 + 3 + 7) / 3 = 13/3
    assert_close(&out, &[4, 2], &[2., 3., 6., 7., 0., 0., 10. / 3., 13. / 3.], 1e-6);
    let w = Tensor::from_vec(vec![1.0; 8], &[4, 2]);
    out.mul(&w).sum().backward();
    // row 1 appears twice in a bag of 3, row 3 once in a bag of 1 and once in a bag of 3
    assert_close(&emb.weight.grad().unwrap(), &[4, 2], &[0.5, 0.5, 2. / 3., 2. / 3., 0.5, 0.5, 4. / 3., 4. / 3.], 1e-6);
}

#[test]
#[should_panic(expected = "id 7 (at position 1) is out of range")]
fn embedding_rejects_out_of_range_ids() {
    Embedding::new(5, 2, 0).lookup(&[1, 7]);
}

// ------------------------------------------------------------ fused LSTM loop
//
// On the CPU backend an LSTM layer runs each direction's time loop as one
// fused operator; `runtime::set_fused_operators(false)` makes it unroll its
// cells instead, which is the reference here.

/// Outputs and gradients of one LSTM configuration, with the loop fused or unrolled.
struct LstmRun {
    values: Vec<Vec<f32>>,
    grads: Vec<Vec<f32>>,
    kernels: Vec<String>,
}

/// Runs an LSTM (`layers`, `bidirectional`, input 3, `hidden`) on `[batch, steps, 3]`,
/// with initial states if `initial`, and differentiates `loss(out, h, c)`.
fn lstm_run(
    fused: bool,
    (batch, steps, hidden, layers, bidirectional, initial): (usize, usize, usize, usize, bool, bool),
    loss: impl Fn(&Tensor, &Tensor, &Tensor) -> Tensor,
) -> LstmRun {
    runtime::set_fused_operators(fused);
    let lstm = Lstm::with_layers(3, hidden, layers, bidirectional, 7);
    let slots = layers * if bidirectional { 2 } else { 1 };
    let x = det_t(&[batch, steps, 3], 30).requires_grad();
    let h0 = det_t(&[slots, batch, hidden], 31).requires_grad();
    let c0 = det_t(&[slots, batch, hidden], 32).requires_grad();
    let mut params = lstm.parameters();
    params.push(x.clone());
    if initial {
        params.extend([h0.clone(), c0.clone()]);
    }
    runtime::set_profiling(true);
    let (out, (h, c)) = lstm.forward_with(&x, initial.then_some((&h0, &c0)));
    loss(&out, &h, &c).backward();
    let kernels = runtime::take_profile().into_iter().map(|(k, _, _)| k.to_string()).collect();
    runtime::set_profiling(false);
    runtime::set_fused_operators(true);
    LstmRun {
        values: vec![out.to_vec(), h.to_vec(), c.to_vec()],
        grads: params.iter().map(|p| p.grad().expect("every input gets a gradient").to_vec()).collect(),
        kernels,
    }
}

fn assert_all_close(what: &str, got: &[Vec<f32>], want: &[Vec<f32>], tol: f32) {
    assert_eq!(got.len(), want.len());
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.len(), w.len(), "{what} {k}: lengths");
        for (i, (a, b)) in g.iter().zip(w).enumerate() {
            assert!(
                (a - b).abs() <= tol * (1.0 + b.abs()),
                "{what} {k}[{i}]: fused {a}, unrolled {b}"
            );
        }
    }
}

fn fused_matches_unrolled(config: (usize, usize, usize, usize, bool, bool), loss: impl Fn(&Tensor, &Tensor, &Tensor) -> Tensor + Copy) {
    let fused = lstm_run(true, config, loss);
    let unrolled = lstm_run(false, config, loss);
    assert!(fused.kernels.iter().any(|k| k == "LSTM loop"), "the fused loop ran: {:?}", fused.kernels);
    assert!(fused.kernels.iter().any(|k| k == "LSTM loop (adjoint)"), "its adjoint ran: {:?}", fused.kernels);
    assert!(!unrolled.kernels.iter().any(|k| k.starts_with("LSTM loop")), "unrolled means no loop kernel");
    assert_all_close(&format!("{config:?} values"), &fused.values, &unrolled.values, 1e-5);
    assert_all_close(&format!("{config:?} gradients"), &fused.grads, &unrolled.grads, 1e-4);
}

#[test]
fn fused_lstm_loop_matches_unrolled_cells_everywhere() {
    // Every output used with its own weights: each step's h, the final h and c.
    let all = |out: &Tensor, h: &Tensor, c: &Tensor| weighted(out) + weighted(h).mul(0.7) + weighted(c).mul(-1.3);
    // Hidden sizes below, at and above the cell's 16 lanes; batch 1 (one half
    // of the rows empty) and odd; both directions, two layers, initial states.
    for config in [
        (2, 4, 5, 1, false, false),
        (3, 5, 16, 2, true, false),
        (3, 5, 16, 2, true, true),
        (1, 3, 20, 1, true, true),
        (4, 6, 33, 2, false, true),
    ] {
        fused_matches_unrolled(config, all);
    }
}

#[test]
fn fused_lstm_loop_gradient_from_one_output_alone() {
    // Only the final h carries a gradient: the adjoint then reads it through
    // a padded view that has data in one time slot only.
    let final_h = |_: &Tensor, h: &Tensor, _: &Tensor| weighted(h);
    fused_matches_unrolled((3, 5, 18, 1, false, false), final_h);
    fused_matches_unrolled((3, 5, 18, 1, true, true), final_h);
    // Only the final c: data in the c columns of one slot only.
    let final_c = |_: &Tensor, _: &Tensor, c: &Tensor| weighted(c);
    fused_matches_unrolled((3, 5, 18, 2, true, true), final_c);
    // Only some steps' outputs.
    let some_steps = |out: &Tensor, _: &Tensor, _: &Tensor| weighted(&out.slice(1, 1, 3));
    fused_matches_unrolled((2, 5, 7, 2, true, false), some_steps);
}

#[test]
fn fused_lstm_loop_gives_the_same_bits_on_one_and_two_threads() {
    // Large enough (steps × batch × hidden ≥ 2^14) for the two halves of
    // the batch rows to run on two threads.
    let config = (32, 8, 64, 1, true, true);
    let all = |out: &Tensor, h: &Tensor, c: &Tensor| weighted(out) + weighted(h) + weighted(c);
    runtime::set_threads(1);
    let one = lstm_run(true, config, all);
    runtime::set_threads(2);
    let two = lstm_run(true, config, all);
    assert_eq!(one.values, two.values);
    assert_eq!(one.grads, two.grads);
}

/// From a zero state the fused loop leaves out the first step's recurrent
/// product (and, with no gradient wanted for the state, the adjoint's last).
/// A start of 1e-30 in h, too small to move a bit of any sum it joins, takes
/// the whole path: the outputs and gradients are the same bits, in both
/// directions, on one and two threads.
#[test]
fn an_lstm_from_zeros_leaves_out_its_first_products_and_no_bit_changes() {
    let (batch, steps, hidden) = (8, 32, 64);
    let run = |start: Option<f32>, threads: usize| {
        runtime::set_threads(threads);
        let lstm = Lstm::with_layers(3, hidden, 2, true, 7);
        let x = det_t(&[batch, steps, 3], 30).requires_grad();
        let (h0, c0) = (Tensor::full(&[4, batch, hidden], start.unwrap_or(0.0)), Tensor::zeros(&[4, batch, hidden]));
        let (out, (h, c)) = lstm.forward_with(&x, start.map(|_| (&h0, &c0)));
        (weighted(&out) + weighted(&h).mul(0.7) + weighted(&c).mul(-1.3)).backward();
        let mut grads: Vec<Vec<f32>> = lstm.parameters().iter().map(|p| p.grad().expect("a gradient").to_vec()).collect();
        grads.push(x.grad().expect("x's gradient").to_vec());
        (vec![out.to_vec(), h.to_vec(), c.to_vec()], grads)
    };
    for threads in [1, 2] {
        let (zero, tiny) = (run(None, threads), run(Some(1e-30), threads));
        assert!(zero.0 == tiny.0, "{threads} thread(s): the outputs differ");
        for (k, (a, b)) in zero.1.iter().zip(&tiny.1).enumerate() {
            let (a, b): (Vec<u32>, Vec<u32>) = (a.iter().map(|v| v.to_bits()).collect(), b.iter().map(|v| v.to_bits()).collect());
            assert!(a == b, "{threads} thread(s): gradient {k} differs");
        }
    }
    runtime::set_threads(1);
}

/// The first product is left out only where it is zero: with an infinity in
/// `W_hh`, 0 · ∞ makes the first step's gates NaN, fused as unrolled.
#[test]
fn an_lstm_from_zeros_with_an_infinite_recurrent_weight_is_nan_from_its_first_step() {
    for fused in [true, false] {
        runtime::set_fused_operators(fused);
        let lstm = Lstm::with_layers(3, 4, 1, false, 7);
        let (_, w_hh) = lstm.named_parameters().into_iter().find(|(n, _)| n == "weight_hh_l0").expect("weight_hh_l0");
        let mut w = w_hh.to_vec();
        w[5] = f32::INFINITY;
        w_hh.set_data(&Tensor::from_vec(w, &w_hh.shape()));
        let (out, _) = lstm.forward_with(&det_t(&[2, 3, 3], 30), None);
        // out is [batch, steps, H]: the first step of every row.
        let first: Vec<f32> = out.slice(1, 0, 1).to_vec();
        assert!(first.iter().any(|v| v.is_nan()), "fused {fused}: the first step's outputs {first:?} hold no NaN");
    }
    runtime::set_fused_operators(true);
}

/// The fused loop's adjoint differentiates the input projection itself
/// (`W_ih`'s gradient in one product with `W_hh`'s): with the layer frozen,
/// only the input's gradient is left, and it matches the unrolled cells'.
#[test]
fn a_frozen_fused_lstm_still_passes_its_input_a_gradient() {
    let run = |fused: bool| {
        runtime::set_fused_operators(fused);
        let lstm = nn::freeze(Lstm::with_layers(3, 20, 2, true, 7));
        let x = det_t(&[4, 6, 3], 30).requires_grad();
        weighted(&lstm.forward(&x)).backward();
        runtime::set_fused_operators(true);
        assert!(lstm.frozen_parameters().iter().all(|p| p.grad().is_none()), "a frozen weight got a gradient");
        x.grad().expect("the input's gradient").to_vec()
    };
    assert_all_close("x's gradient", &[run(true)], &[run(false)], 1e-4);
}
