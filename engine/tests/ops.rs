//! Forward values of every operation, against hand-computed values.
//! Transcendental references come from Python's `math` module (quoted to ~9
//! digits); everything else is worked out by hand in the comments.

use nma_engine::prelude::*;
#[allow(unused_imports)]
use nma_engine::{data::*, nn::*, testing::*, train::*};

const TOL: f32 = 1e-5;

fn t(data: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape)
}

fn check(got: &Tensor, shape: &[usize], expected: &[f32]) {
    assert_close(got, shape, expected, TOL);
}

/// Like `check`, but NaN must be NaN exactly where expected.
fn check_with_nans(got: &Tensor, expected: &[f32]) {
    let values = got.to_vec();
    assert_eq!(values.len(), expected.len());
    for (i, (g, e)) in values.iter().zip(expected).enumerate() {
        if e.is_nan() {
            assert!(
                g.is_nan(),
                "element {i}: expected NaN, got {g} (all: {values:?})"
            );
        } else {
            assert_eq!(g, e, "element {i} (all: {values:?})");
        }
    }
}

// ------------------------------------------------------------------ creation

#[test]
fn creation_functions() {
    check(
        &Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]),
        &[2, 3],
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    );
    let s = Tensor::scalar(2.5);
    assert_eq!(s.shape(), Vec::<usize>::new());
    assert_eq!(s.item(), 2.5);
    check(&Tensor::zeros(&[2, 2]), &[2, 2], &[0.0; 4]);
    check(&Tensor::ones(&[3]), &[3], &[1.0; 3]);
    check(&Tensor::full(&[2, 1], 7.0), &[2, 1], &[7.0, 7.0]);
    let base = Tensor::zeros(&[2, 3]);
    check(&Tensor::zeros_like(&base.t()), &[3, 2], &[0.0; 6]);
    check(&Tensor::ones_like(&base), &[2, 3], &[1.0; 6]);
    check(
        &Tensor::eye(3),
        &[3, 3],
        &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
    );
    check(
        &Tensor::one_hot(&[2, 0, 1], 3),
        &[3, 3],
        &[0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    );
}

#[test]
fn arange_excludes_the_end_like_torch() {
    check(
        &Tensor::arange(0.0, 5.0, 1.0),
        &[5],
        &[0.0, 1.0, 2.0, 3.0, 4.0],
    );
    check(&Tensor::arange(5.0, 0.0, -2.0), &[3], &[5.0, 3.0, 1.0]);
    check(
        &Tensor::arange(1.0, 2.0, 0.25),
        &[4],
        &[1.0, 1.25, 1.5, 1.75],
    );
    // torch.arange(0, 1, 0.1) has 10 elements, the last one 0.9.
    let tenths = Tensor::arange(0.0, 1.0, 0.1);
    assert_eq!(tenths.shape(), vec![10]);
    assert!((tenths.to_vec()[9] - 0.9).abs() < 1e-6);
    assert_eq!(Tensor::arange(3.0, 3.0, 1.0).shape(), vec![0]);
}

#[test]
fn inspection() {
    let x = Tensor::zeros(&[2, 3, 4]);
    assert_eq!(x.shape(), vec![2, 3, 4]);
    assert_eq!(x.ndim(), 3);
    assert_eq!(x.numel(), 24);
    assert_eq!(t(&[4.0], &[1, 1]).item(), 4.0);
}

// ------------------------------------------------------------- arithmetic

#[test]
fn arithmetic_same_shape() {
    let a = t(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let b = t(&[10.0, 20.0, -5.0, 0.5], &[2, 2]);
    check(&(&a + &b), &[2, 2], &[11.0, 22.0, -2.0, 4.5]);
    check(&(&a - &b), &[2, 2], &[-9.0, -18.0, 8.0, 3.5]);
    check(&(&a * &b), &[2, 2], &[10.0, 40.0, -15.0, 2.0]);
    check(&(&a / &b), &[2, 2], &[0.1, 0.1, -0.6, 8.0]);
    check(&(-&a), &[2, 2], &[-1.0, -2.0, -3.0, -4.0]);
    // Methods agree with operators, and accept tensors or numbers.
    check(&a.add(&b), &[2, 2], &[11.0, 22.0, -2.0, 4.5]);
    check(&a.sub(1.0), &[2, 2], &[0.0, 1.0, 2.0, 3.0]);
    check(&a.mul(b.clone()), &[2, 2], &[10.0, 40.0, -15.0, 2.0]);
    check(&a.div(2.0), &[2, 2], &[0.5, 1.0, 1.5, 2.0]);
    check(&a.neg(), &[2, 2], &[-1.0, -2.0, -3.0, -4.0]);
}

#[test]
fn operators_for_every_combination_of_owned_borrowed_and_f32() {
    let a = t(&[2.0, 4.0], &[2]);
    let b = t(&[1.0, 8.0], &[2]);
    check(&(a.clone() + b.clone()), &[2], &[3.0, 12.0]);
    check(&(a.clone() - &b), &[2], &[1.0, -4.0]);
    check(&(&a * b.clone()), &[2], &[2.0, 32.0]);
    check(&(&a / &b), &[2], &[2.0, 0.5]);
    check(&(a.clone() + 1.0), &[2], &[3.0, 5.0]);
    check(&(&a - 1.0), &[2], &[1.0, 3.0]);
    check(&(10.0 - &a), &[2], &[8.0, 6.0]);
    check(&(8.0 / a.clone()), &[2], &[4.0, 2.0]);
    check(&(3.0 * &a), &[2], &[6.0, 12.0]);
    check(&(1.0 + a.clone()), &[2], &[3.0, 5.0]);
    check(&(-a.clone()), &[2], &[-2.0, -4.0]);

    let mut w = a.clone();
    w -= 0.5 * &b; // [2 - 0.5, 4 - 4]
    check(&w, &[2], &[1.5, 0.0]);
    w += &b;
    check(&w, &[2], &[2.5, 8.0]);
    w *= 2.0;
    check(&w, &[2], &[5.0, 16.0]);
    w /= b.clone();
    check(&w, &[2], &[5.0, 2.0]);
}

#[test]
fn broadcasting_follows_numpy_rules() {
    let a = t(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    // [2, 3] + [3]: the row is added to every row.
    check(
        &(&a + &t(&[10.0, 20.0, 30.0], &[3])),
        &[2, 3],
        &[11.0, 22.0, 33.0, 14.0, 25.0, 36.0],
    );
    // [2, 3] + [2, 1]: the column is added to every column.
    check(
        &(&a + &t(&[100.0, 200.0], &[2, 1])),
        &[2, 3],
        &[101.0, 102.0, 103.0, 204.0, 205.0, 206.0],
    );
    // [3, 1] - [1, 2] -> [3, 2]: out[i][j] = col[i] - row[j].
    let col = t(&[1.0, 2.0, 3.0], &[3, 1]);
    let row = t(&[10.0, 20.0], &[1, 2]);
    check(
        &(&col - &row),
        &[3, 2],
        &[-9.0, -19.0, -8.0, -18.0, -7.0, -17.0],
    );
    // A scalar tensor broadcasts against anything.
    check(
        &(&a * &Tensor::scalar(2.0)),
        &[2, 3],
        &[2.0, 4.0, 6.0, 8.0, 10.0, 12.0],
    );
    // [2, 1, 3] * [4, 1] -> [2, 4, 3]; spot-check via sums:
    // sum = (sum of a) * (sum of the [4,1] column) = 21 * 10.
    let big = a.reshape(&[2, 1, 3]) * t(&[1.0, 2.0, 3.0, 4.0], &[4, 1]);
    assert_eq!(big.shape(), vec![2, 4, 3]);
    assert_scalar_close(big.sum().item(), 210.0, TOL);
    // Division broadcasts the divisor: [2, 3] / [3].
    check(
        &(&a / &t(&[1.0, 2.0, 4.0], &[3])),
        &[2, 3],
        &[1.0, 1.0, 0.75, 4.0, 2.5, 1.5],
    );
}

#[test]
fn fmod_keeps_the_sign_of_the_dividend() {
    // C fmod: fmod(-7, 3) = -1, fmod(7, -3) = 1, fmod(5.5, 2) = 1.5.
    let a = t(&[-7.0, 7.0, 5.5], &[3]);
    check(&a.fmod(t(&[3.0, -3.0, 2.0], &[3])), &[3], &[-1.0, 1.0, 1.5]);
}

// -------------------------------------------------------------- unary math

#[test]
fn exp_and_log() {
    // math.exp(0, 1, -1, 2)
    check(
        &t(&[0.0, 1.0, -1.0, 2.0], &[4]).exp(),
        &[4],
        &[1.0, 2.7182817, 0.36787945, 7.389056],
    );
    // log(1, e, 10, 0.5) = 0, 1, ln 10 (2.302585093), -ln 2 (-0.693147181)
    use std::f32::consts::{E, LN_10, LN_2};
    check(
        &t(&[1.0, E, 10.0, 0.5], &[4]).log(),
        &[4],
        &[0.0, 1.0, LN_10, -LN_2],
    );
    let edge = t(&[0.0, -1.0], &[2]).log().to_vec();
    assert_eq!(edge[0], f32::NEG_INFINITY);
    assert!(edge[1].is_nan());
}

#[test]
fn sqrt_recip_square_abs() {
    check(
        &t(&[0.0, 1.0, 4.0, 2.0], &[4]).sqrt(),
        &[4],
        &[0.0, 1.0, 2.0, std::f32::consts::SQRT_2],
    );
    assert!(t(&[-4.0], &[1]).sqrt().item().is_nan());
    check(
        &t(&[2.0, -4.0, 0.5], &[3]).recip(),
        &[3],
        &[0.5, -0.25, 2.0],
    );
    assert_eq!(t(&[0.0], &[1]).recip().item(), f32::INFINITY);
    check(
        &t(&[-3.0, 0.5, 0.0], &[3]).square(),
        &[3],
        &[9.0, 0.25, 0.0],
    );
    check(
        &t(&[-2.0, -0.5, 0.0, 0.5, 3.0], &[5]).abs(),
        &[5],
        &[2.0, 0.5, 0.0, 0.5, 3.0],
    );
    check_with_nans(
        &t(&[f32::NEG_INFINITY, f32::NAN], &[2]).abs(),
        &[f32::INFINITY, f32::NAN],
    );
}

#[test]
fn sin_and_cos() {
    use std::f32::consts::{FRAC_PI_2, FRAC_PI_6, PI};
    let x = t(&[0.0, FRAC_PI_6, FRAC_PI_2, -FRAC_PI_2, PI], &[5]);
    // sin(0, π/6, π/2, -π/2, π) = 0, 1/2, 1, -1, 0
    check(&x.sin(), &[5], &[0.0, 0.5, 1.0, -1.0, 0.0]);
    // cos(0, π/6, π/2, -π/2, π) = 1, √3/2 (math.cos: 0.866025404), 0, 0, -1
    check(&x.cos(), &[5], &[1.0, 0.8660254, 0.0, 0.0, -1.0]);
}

#[test]
fn activations() {
    // math.tanh(0, 0.5, -1, 3)
    check(
        &t(&[0.0, 0.5, -1.0, 3.0], &[4]).tanh(),
        &[4],
        &[0.0, 0.46211717, -0.7615942, 0.9950548],
    );
    // 1 / (1 + math.exp(-x)) for x = 0, 1, -2, 10
    check(
        &t(&[0.0, 1.0, -2.0, 10.0], &[4]).sigmoid(),
        &[4],
        &[0.5, 0.7310586, 0.11920292, 0.9999546],
    );
    // Saturation must not produce NaN.
    check(&t(&[-100.0, 100.0], &[2]).sigmoid(), &[2], &[0.0, 1.0]);
    check(&t(&[-100.0, 100.0], &[2]).tanh(), &[2], &[-1.0, 1.0]);
    check(
        &t(&[-2.0, -0.5, 0.0, 0.5, 3.0], &[5]).relu(),
        &[5],
        &[0.0, 0.0, 0.0, 0.5, 3.0],
    );
    check_with_nans(
        &t(&[f32::NAN, f32::INFINITY], &[2]).relu(),
        &[f32::NAN, f32::INFINITY],
    );
}

#[test]
fn pow_handles_whole_and_fractional_exponents() {
    let x = t(&[-3.0, -2.0, 0.5, 2.0], &[4]);
    check(&x.pow(2.0), &[4], &[9.0, 4.0, 0.25, 4.0]);
    check(&x.pow(3.0), &[4], &[-27.0, -8.0, 0.125, 8.0]);
    check(&x.pow(1.0), &[4], &[-3.0, -2.0, 0.5, 2.0]);
    check(&x.pow(0.0), &[4], &[1.0, 1.0, 1.0, 1.0]);
    check(&x.pow(-1.0), &[4], &[-1.0 / 3.0, -0.5, 2.0, 0.5]);
    check(&x.pow(-2.0), &[4], &[1.0 / 9.0, 0.25, 4.0, 0.25]);
    check(&t(&[2.0], &[1]).pow(10.0), &[1], &[1024.0]);
    // Fractional exponents: 4^0.5 = 2, 9^0.5 = 3, 0.25^0.5 = 0.5, 0^0.5 = 0, 8^(1/3) = 2.
    check(
        &t(&[4.0, 9.0, 0.25, 0.0], &[4]).pow(0.5),
        &[4],
        &[2.0, 3.0, 0.5, 0.0],
    );
    assert_close(&t(&[8.0], &[1]).pow(1.0 / 3.0), &[1], &[2.0], 1e-5);
    // 2^1.5 = 2.828427125 (math.pow)
    assert_close(&t(&[2.0], &[1]).pow(1.5), &[1], &[2.828427], 1e-5);
    assert!(t(&[-4.0], &[1]).pow(0.5).item().is_nan());
}

// ----------------------------------------------------- max, min and clamp

#[test]
fn maximum_minimum_and_clamp() {
    let a = t(&[1.0, 5.0, -2.0, 3.0], &[4]);
    let b = t(&[4.0, 2.0, -2.0, -7.0], &[4]);
    check(&a.maximum(&b), &[4], &[4.0, 5.0, -2.0, 3.0]);
    check(&a.minimum(&b), &[4], &[1.0, 2.0, -2.0, -7.0]);
    check(&a.maximum(0.0), &[4], &[1.0, 5.0, 0.0, 3.0]);
    // Broadcast: rows of [[1, 5], [-3, 0]] against [2, -1].
    let m = t(&[1.0, 5.0, -3.0, 0.0], &[2, 2]);
    check(
        &m.maximum(t(&[2.0, -1.0], &[2])),
        &[2, 2],
        &[2.0, 5.0, 2.0, 0.0],
    );
    check(
        &m.minimum(t(&[2.0, -1.0], &[2])),
        &[2, 2],
        &[1.0, -1.0, -3.0, -1.0],
    );
    // clamp(x, 0, 1): below -> 0, inside unchanged, above -> 1.
    let x = t(&[-1.0, 0.2, 0.5, 2.0], &[4]);
    check(&x.clamp(0.0, 1.0), &[4], &[0.0, 0.2, 0.5, 1.0]);
    check(&x.clamp(-0.5, 0.3), &[4], &[-0.5, 0.2, 0.3, 0.3]);
    // Like PyTorch, min > max makes every element max.
    check(&x.clamp(2.0, 1.0), &[4], &[1.0, 1.0, 1.0, 1.0]);
    check_with_nans(&t(&[f32::NAN, 1.0], &[2]).maximum(0.0), &[f32::NAN, 1.0]);
}

#[test]
fn comparisons_return_zero_or_one() {
    let a = t(&[1.0, 2.0, 3.0], &[3]);
    let b = t(&[2.0, 2.0, 2.0], &[3]);
    check(&a.lt(&b), &[3], &[1.0, 0.0, 0.0]);
    check(&a.gt(&b), &[3], &[0.0, 0.0, 1.0]);
    check(&a.le(&b), &[3], &[1.0, 1.0, 0.0]);
    check(&a.ge(&b), &[3], &[0.0, 1.0, 1.0]);
    check(&a.eq_elem(&b), &[3], &[0.0, 1.0, 0.0]);
    check(&a.ne_elem(&b), &[3], &[1.0, 0.0, 1.0]);
    check(&a.gt(1.5), &[3], &[0.0, 1.0, 1.0]);
    // Broadcast [2, 1] against [3].
    check(
        &t(&[1.0, 3.0], &[2, 1]).lt(&a),
        &[2, 3],
        &[0.0, 1.0, 1.0, 0.0, 0.0, 0.0],
    );
}

#[test]
fn comparisons_with_nan_and_infinity_match_ieee() {
    let nan = f32::NAN;
    let inf = f32::INFINITY;
    let a = t(&[nan, nan, 1.0, inf, -inf], &[5]);
    let b = t(&[nan, 1.0, nan, inf, -inf], &[5]);
    check(&a.eq_elem(&b), &[5], &[0.0, 0.0, 0.0, 1.0, 1.0]);
    check(&a.ne_elem(&b), &[5], &[1.0, 1.0, 1.0, 0.0, 0.0]);
    check(&a.le(&b), &[5], &[0.0, 0.0, 0.0, 1.0, 1.0]);
    check(&a.ge(&b), &[5], &[0.0, 0.0, 0.0, 1.0, 1.0]);
    check(&a.lt(&b), &[5], &[0.0; 5]);
}

// ---------------------------------------------------------------- reductions

#[test]
fn full_reductions() {
    let x = t(&[1.0, -2.0, 3.0, 4.0, 5.0, -6.0], &[2, 3]);
    let sum = x.sum();
    assert_eq!(sum.shape(), Vec::<usize>::new());
    assert_scalar_close(sum.item(), 5.0, TOL);
    assert_scalar_close(x.mean().item(), 5.0 / 6.0, TOL);
    assert_scalar_close(x.max().item(), 5.0, TOL);
    assert_scalar_close(x.min().item(), -6.0, TOL);
    // Reductions of views: the transpose has the same sum, max and min.
    assert_scalar_close(x.t().sum().item(), 5.0, TOL);
    assert_scalar_close(x.t().max().item(), 5.0, TOL);
    assert_scalar_close(Tensor::scalar(3.0).sum().item(), 3.0, TOL);
    assert_scalar_close(Tensor::zeros(&[0]).sum().item(), 0.0, TOL);
    assert!(Tensor::zeros(&[0]).mean().item().is_nan());
}

#[test]
fn reductions_along_a_dimension() {
    // x = [[1, -2, 3], [4, 5, -6]]
    let x = t(&[1.0, -2.0, 3.0, 4.0, 5.0, -6.0], &[2, 3]);
    check(&x.sum_dim(0, false), &[3], &[5.0, 3.0, -3.0]);
    check(&x.sum_dim(1, false), &[2], &[2.0, 3.0]);
    check(&x.sum_dim(1, true), &[2, 1], &[2.0, 3.0]);
    check(&x.mean_dim(1, false), &[2], &[2.0 / 3.0, 1.0]);
    check(&x.mean_dim(0, true), &[1, 3], &[2.5, 1.5, -1.5]);
    check(&x.max_dim(0, false), &[3], &[4.0, 5.0, 3.0]);
    check(&x.max_dim(1, true), &[2, 1], &[3.0, 5.0]);
    check(&x.min_dim(0, false), &[3], &[1.0, -2.0, -6.0]);
    check(&x.min_dim(1, false), &[2], &[-2.0, -6.0]);
    assert_eq!(x.argmax_dim(1), vec![2, 1]);
    assert_eq!(x.argmax_dim(0), vec![1, 1, 0]);
    // Ties go to the first maximum, NaN counts as the largest.
    assert_eq!(t(&[2.0, 7.0, 7.0, 1.0], &[4]).argmax_dim(0), vec![1]);
    assert_eq!(t(&[2.0, f32::NAN, 7.0], &[3]).argmax_dim(0), vec![1]);

    // 3-D: x[i][j][k] = 12i + 4j + k; summing over j gives 36i + 12 + 3k.
    let cube = Tensor::arange(0.0, 24.0, 1.0).reshape(&[2, 3, 4]);
    check(
        &cube.sum_dim(1, false),
        &[2, 4],
        &[12.0, 15.0, 18.0, 21.0, 48.0, 51.0, 54.0, 57.0],
    );
    // Max over k is 12i + 4j + 3.
    check(
        &cube.max_dim(2, false),
        &[2, 3],
        &[3.0, 7.0, 11.0, 15.0, 19.0, 23.0],
    );
    assert_eq!(cube.argmax_dim(1), vec![2; 8]);
}

#[test]
fn reductions_of_sliced_views_count_only_the_slice() {
    // Row 1..3 and columns 1..3 of [[0,1,2,3],[4,5,6,7],[8,9,10,11]]: [[5,6],[9,10]].
    let x = Tensor::arange(0.0, 12.0, 1.0).reshape(&[3, 4]);
    let window = x.slice(0, 1, 3).slice(1, 1, 3);
    check(&window.sum_dim(1, false), &[2], &[11.0, 19.0]);
    check(&window.sum_dim(0, false), &[2], &[14.0, 16.0]);
    check(&window.max_dim(0, false), &[2], &[9.0, 10.0]);
    assert_scalar_close(window.sum().item(), 30.0, TOL);
}

#[test]
fn softmax_built_from_primitives() {
    // softmax([1, 2, 3]) = [0.090030573, 0.244728471, 0.665240956] (math.exp)
    let logits = t(&[1.0, 2.0, 3.0, 1.0, 1.0, 1.0], &[2, 3]);
    let shifted = &logits - &logits.max_dim(1, true);
    let e = shifted.exp();
    let p = &e / &e.sum_dim(1, true);
    check(
        &p,
        &[2, 3],
        &[
            0.09003057,
            0.24472847,
            0.66524096,
            1.0 / 3.0,
            1.0 / 3.0,
            1.0 / 3.0,
        ],
    );
}

// -------------------------------------------------------------- linear algebra

#[test]
fn matmul_of_matrices() {
    // [[1,2,3],[4,5,6]] · [[7,8],[9,10],[11,12]] = [[58, 64], [139, 154]]
    let a = t(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    let b = t(&[7.0, 8.0, 9.0, 10.0, 11.0, 12.0], &[3, 2]);
    check(&a.matmul(&b), &[2, 2], &[58.0, 64.0, 139.0, 154.0]);
    // bᵀ·aᵀ = (a·b)ᵀ, using transposed views as inputs.
    check(&b.t().matmul(&a.t()), &[2, 2], &[58.0, 139.0, 64.0, 154.0]);
    // [3,2]·[2,3]: row i of b times columns of a.
    check(
        &b.matmul(&a),
        &[3, 3],
        &[39.0, 54.0, 69.0, 49.0, 68.0, 87.0, 59.0, 82.0, 105.0],
    );
}

#[test]
fn matmul_batched_and_broadcast() {
    // Batch 0: [[1,2],[3,4]]·[[1,0],[0,1]] = itself; batch 1: [[1,1],[1,1]]·[[2,3],[4,5]] = [[6,8],[6,8]].
    let a = t(&[1.0, 2.0, 3.0, 4.0, 1.0, 1.0, 1.0, 1.0], &[2, 2, 2]);
    let b = t(&[1.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0], &[2, 2, 2]);
    check(
        &a.matmul(&b),
        &[2, 2, 2],
        &[1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 6.0, 8.0],
    );
    // [B, M, K]·[K, N]: the same matrix for every batch. [[1,2],[3,4]]·[[0,1],[1,0]] swaps columns.
    let swap = t(&[0.0, 1.0, 1.0, 0.0], &[2, 2]);
    check(
        &a.matmul(&swap),
        &[2, 2, 2],
        &[2.0, 1.0, 4.0, 3.0, 1.0, 1.0, 1.0, 1.0],
    );
    // [1, M, K]·[B, K, N] broadcasts the batch dimension.
    let first = a.slice(0, 0, 1);
    check(
        &first.matmul(&b),
        &[2, 2, 2],
        &[1.0, 2.0, 3.0, 4.0, 10.0, 13.0, 22.0, 29.0],
    );
}

#[test]
fn matmul_with_vectors_and_dot() {
    let m = t(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    // [2,3]·[3] = [1+4+9, 4+10+18] for v = [1, 2, 3]
    check(&m.matmul(&t(&[1.0, 2.0, 3.0], &[3])), &[2], &[14.0, 32.0]);
    // [2]·[2,3] = [1·1 + 1·4, 1·2 + 1·5, 1·3 + 1·6] for v = [1, 1]
    check(&t(&[1.0, 1.0], &[2]).matmul(&m), &[3], &[5.0, 7.0, 9.0]);
    // 1·4 + 2·5 + 3·6 = 32
    let d = t(&[1.0, 2.0, 3.0], &[3]).dot(&t(&[4.0, 5.0, 6.0], &[3]));
    assert_eq!(d.shape(), Vec::<usize>::new());
    assert_scalar_close(d.item(), 32.0, TOL);
    // An empty inner dimension gives zeros, as in PyTorch.
    check(
        &Tensor::zeros(&[2, 0]).matmul(&Tensor::zeros(&[0, 3])),
        &[2, 3],
        &[0.0; 6],
    );
}

#[test]
fn matmul_agrees_with_a_naive_loop_on_random_data() {
    let (m, k, n) = (7, 5, 3);
    let a = Tensor::randn(&[m, k], 11);
    let b = Tensor::randn(&[k, n], 12);
    let (av, bv) = (a.to_vec(), b.to_vec());
    let mut expected = vec![0.0f32; m * n];
    for i in 0..m {
        for j in 0..n {
            expected[i * n + j] = (0..k).map(|p| av[i * k + p] * bv[p * n + j]).sum();
        }
    }
    assert_close(&a.matmul(&b), &[m, n], &expected, 1e-5);
}
