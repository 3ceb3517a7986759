//! Known luminal 0.2.0 defects, and proof that the engine's API is not
//! affected by them; plus lazy evaluation and caching as seen from outside.

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

fn t(data: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape)
}

/// Reference matmul over row-major data, for checking the engine.
fn naive_matmul(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
    let mut out = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            out[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
        }
    }
    out
}

/// luminal's `MatMul2DCompiler` never fires, so it cannot be relied on for
/// 2-D products; our matmul is plain broadcast-multiply-sum and needs no
/// compiler. Non-square shapes catch transposition mistakes.
#[test]
fn matmul_2d_needs_no_compiler() {
    // [[1, 2], [3, 4], [5, 6]] · [[1, 0, 2, -1], [0, 1, 1, 1]]: row i is
    // [a, b, 2a + b, b - a] for row [a, b].
    let a = t(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    let b = t(&[1.0, 0.0, 2.0, -1.0, 0.0, 1.0, 1.0, 1.0], &[2, 4]);
    assert_close(
        &a.matmul(&b),
        &[3, 4],
        &[1.0, 2.0, 4.0, 1.0, 3.0, 4.0, 10.0, 1.0, 5.0, 6.0, 16.0, 1.0],
        0.0,
    );
}

/// luminal's `BatchedMatMul2D` ignores slice offsets. Our batched matmul on
/// sliced inputs (offset batch, offset rows, offset inner dimension) must
/// read the right elements.
#[test]
fn batched_matmul_respects_slice_offsets() {
    let a_full = Tensor::arange(0.0, 3.0 * 4.0 * 5.0, 1.0).reshape(&[3, 4, 5]);
    let b_full = Tensor::arange(0.0, 3.0 * 5.0 * 2.0, 1.0)
        .reshape(&[3, 5, 2])
        .mul(0.5);
    // Batches 1..3, rows 1..3, inner 2..5 of a; batches 1..3, inner 2..5 of b.
    let a = a_full.slice(0, 1, 3).slice(1, 1, 3).slice(2, 2, 5);
    let b = b_full.slice(0, 1, 3).slice(1, 2, 5);
    assert_eq!((a.shape(), b.shape()), (vec![2, 2, 3], vec![2, 3, 2]));
    let got = a.matmul(&b);

    let (av, bv) = (a.to_vec(), b.to_vec());
    // Spot-check the inputs themselves by hand: a[0][0] = a_full[1][1][2..5] = 20+5+2.. = [27, 28, 29].
    assert_eq!(av[..3], [27.0, 28.0, 29.0]);
    // b[0] column 0 = b_full[1][2..5][0] = 0.5 · [14, 16, 18].
    assert_eq!([bv[0], bv[2], bv[4]], [7.0, 8.0, 9.0]);
    let mut expected = naive_matmul(&av[..6], &bv[..6], 2, 3, 2);
    expected.extend(naive_matmul(&av[6..], &bv[6..], 2, 3, 2));
    // First entry by hand: 27·7 + 28·8 + 29·9 = 189 + 224 + 261 = 674.
    assert_eq!(expected[0], 674.0);
    assert_close(&got, &[2, 2, 2], &expected, 0.0);

    // And a sliced right-hand matrix shared by every batch ([B,M,K]·[K,N]).
    let w = b_full.slice(0, 2, 3).squeeze(0).slice(0, 1, 4); // [3, 2]
    let got = a.matmul(&w);
    let wv = w.to_vec();
    let mut expected = naive_matmul(&av[..6], &wv, 2, 3, 2);
    expected.extend(naive_matmul(&av[6..], &wv, 2, 3, 2));
    assert_close(&got, &[2, 2, 2], &expected, 0.0);
}

/// luminal's `clip` swaps min and max. `clamp(x, 0, 1)` must keep 0.5.
#[test]
fn clamp_keeps_min_and_max_in_order() {
    assert_close(
        &t(&[-1.0, 0.5, 2.0], &[3]).clamp(0.0, 1.0),
        &[3],
        &[0.0, 0.5, 1.0],
        0.0,
    );
}

/// luminal's unary operators skip views (padding, permutation, slicing,
/// broadcasting) and transform the raw buffer; the engine copies first.
#[test]
fn unary_ops_respect_every_kind_of_view() {
    let x = t(&[1.0, 4.0, 9.0, 16.0, 25.0, 36.0], &[2, 3]);
    // Transposed: sqrt of [[1, 16], [4, 25], [9, 36]].
    assert_close(&x.t().sqrt(), &[3, 2], &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0], 0.0);
    // Sliced: second column.
    assert_close(&x.slice(1, 1, 2).sqrt(), &[2, 1], &[2.0, 5.0], 0.0);
    // Broadcast: a row repeated.
    assert_close(
        &x.slice(0, 0, 1).expand(&[2, 3]).sqrt(),
        &[2, 3],
        &[1.0, 2.0, 3.0, 1.0, 2.0, 3.0],
        0.0,
    );
    // The result of cat (an Add of zero-padded views; the padded-view case
    // itself is covered by the engine's internal tests).
    let joined = Tensor::cat(&[&x.slice(1, 0, 1), &x.slice(1, 2, 3)], 1);
    assert_close(&joined.sqrt(), &[2, 2], &[1.0, 3.0, 4.0, 6.0], 0.0);
    assert_close(
        &joined.recip(),
        &[2, 2],
        &[1.0, 1.0 / 9.0, 1.0 / 16.0, 1.0 / 36.0],
        1e-7,
    );
}

/// luminal's `GenericCompiler` folds `exp2(log2(x))` into `x`, so
/// `exp(log(-1))` would be -1 instead of NaN. We do not run it.
#[test]
fn exp_of_log_of_negative_is_nan() {
    let v = Tensor::from_vec(vec![-1.0], &[1]).log().exp().item();
    assert!(v.is_nan(), "exp(log(-1)) should be NaN, got {v}");
    // For positive inputs the round trip is (nearly) the identity.
    assert_close(&t(&[0.5, 3.0], &[2]).log().exp(), &[2], &[0.5, 3.0], 1e-6);
}

/// luminal never recomputes an output that was not dropped after reading.
/// Each realization uses a fresh luminal graph, so new data always gives new
/// results, and a shared input can feed any number of realizations.
#[test]
fn every_realization_computes_fresh_results() {
    let double = |x: &Tensor| x * 2.0;
    assert_eq!(double(&t(&[1.0, 2.0], &[2])).to_vec(), vec![2.0, 4.0]);
    assert_eq!(double(&t(&[5.0, 7.0], &[2])).to_vec(), vec![10.0, 14.0]);

    let x = t(&[1.0, 2.0], &[2]);
    let plus_one = &x + 1.0;
    assert_eq!(plus_one.to_vec(), vec![2.0, 3.0]);
    let plus_two = &x + 2.0;
    assert_eq!(plus_two.to_vec(), vec![3.0, 4.0]);
    assert_eq!((&plus_one * &plus_two).to_vec(), vec![6.0, 12.0]);
}

/// luminal's `execute_debug` panics without a terminal; tests run without
/// one, so realizing (and printing) here proves it is not used.
#[test]
fn realization_works_without_a_terminal() {
    let text = format!("{}", t(&[1.0, 2.0], &[2]).exp());
    assert_eq!(text, "tensor([2.7183, 7.3891], shape=[2])");
}

// ------------------------------------------------------------------ laziness

#[test]
fn tensors_are_lazy_and_cache_their_values() {
    let x = t(&[1.0, 2.0, 3.0], &[3]);
    assert!(x.is_realized(), "data tensors hold their values");
    let y = (&x * &x).sum();
    assert!(!y.is_realized(), "building an expression computes nothing");
    assert_eq!(y.item(), 14.0);
    assert!(y.is_realized());
    assert_eq!(y.item(), 14.0, "realizing twice gives the same value");

    // A realized tensor feeds new expressions as a leaf.
    let z = &y * 2.0 + &x;
    assert_eq!(z.to_vec(), vec![29.0, 30.0, 31.0]);
    // Clones share the cache.
    let w = (&x + 1.0).exp();
    let w2 = w.clone();
    w.to_vec();
    assert!(w2.is_realized());
}

#[test]
fn detach_cuts_the_history_but_keeps_the_values() {
    let x = t(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let y = x.t() * 3.0;
    let d = y.detach();
    assert!(d.is_realized());
    assert_eq!(d.shape(), vec![2, 2]);
    assert_eq!(d.to_vec(), vec![3.0, 9.0, 6.0, 12.0]);
    // Works on views too (here a transposed view of a realized node).
    assert_eq!(d.t().detach().to_vec(), vec![3.0, 6.0, 9.0, 12.0]);
}

#[test]
fn a_training_style_loop_stays_correct() {
    // Gradient descent on f(w) = (w - 3)², gradient 2(w - 3), step 0.25:
    // w_{k+1} = w_k - 0.5 (w_k - 3), so the distance to 3 halves every step.
    let mut w = Tensor::scalar(11.0);
    for _ in 0..10 {
        let grad = (&w - 3.0) * 2.0;
        w = (&w - &grad * 0.25).detach();
    }
    assert_scalar_close(w.item(), 3.0 + 8.0 / 1024.0, 1e-6);
}
