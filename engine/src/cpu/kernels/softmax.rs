//! Softmax along contiguous rows ([`Op::SoftmaxRows`](crate::ir::Op)) as one
//! pass per eight rows: through the primitive operators it is a max
//! reduction, an exponential pass, a sum reduction and a scaling pass, four
//! trips through memory over attention's `[batch, heads, seq, seq]` scores.
//!
//! It gives the bits of that decomposition (`nn/functional.rs`): each row's
//! maximum `m` from -inf with `f32::max` in index order, `e = 2^((x + m·-1)
//! · log2 e)` with our `exp2`, their sum from 0 in index order, and
//! `y = e · (1/sum)`.

use super::rows::{dot_rows, max_rows, sum_rows, LANES, MAX_GROUPS};
use super::*;

/// The softmax of every row of `len` floats of `x`, into `out`.
pub(crate) fn softmax_rows(x: &[f32], len: usize, out: &mut [f32]) {
    check_rows("softmax", &[x], len, out);
    // Halves of whole groups of eight rows.
    let Some(mid) = row_halves(out.len(), len, LANES) else {
        return softmax_part(x, len, out);
    };
    let (a, b) = out.split_at_mut(mid);
    pool::run_parts([(&x[..mid], a), (&x[mid..], b)], &|(x, out)| softmax_part(x, len, out));
}

/// The gradient of every row's softmax from its output `y` and the
/// output's gradient `g`, `y·(g − Σ g·y)`, into `out`: per group of rows the
/// row dots, then one pass. Through the primitive operators it is a
/// product pass, a row-dot kernel and a pass of three operators, with the
/// dots written out and read back (attention's `[batch, heads, seq, seq]`:
/// ~110 µs of the transformer bench's step per block, on AVX2).
///
/// It gives the bits of those operators (the rule in `nn/functional.rs`):
/// each dot a chain from 0 in index order of rounded products `g·y`, then
/// `y · (g + s·-1)`.
pub(crate) fn softmax_rows_adjoint(y: &[f32], g: &[f32], len: usize, out: &mut [f32]) {
    check_rows("softmax's adjoint", &[y, g], len, out);
    let Some(mid) = row_halves(out.len(), len, LANES) else {
        return adjoint_part(y, g, len, out);
    };
    let (a, b) = out.split_at_mut(mid);
    pool::run_parts([(&y[..mid], &g[..mid], a), (&y[mid..], &g[mid..], b)], &|(y, g, out)| adjoint_part(y, g, len, out));
}

fn adjoint_part(y: &[f32], g: &[f32], len: usize, out: &mut [f32]) {
    let mut done = 0;
    if len <= MAX_LEN_FOR_GROUPS {
        done = adjoint_groups::<{ LANES * MAX_GROUPS }>(y, g, len, out);
    }
    done += adjoint_groups::<LANES>(&y[done..], &g[done..], len, &mut out[done..]);
    // The last rows, fewer than eight, one at a time.
    let rest = y[done..].chunks_exact(len).zip(g[done..].chunks_exact(len));
    for ((y, g), out) in rest.zip(out[done..].chunks_exact_mut(len)) {
        let dot = [g.iter().zip(y).fold(0.0, |s, (&g, &y)| s + g * y)];
        adjoint_rows(y, g, len, &dot, out);
    }
}

/// The adjoint of whole groups of `N` rows from the start of `y`; returns the floats done.
fn adjoint_groups<const N: usize>(y: &[f32], g: &[f32], len: usize, out: &mut [f32]) -> usize {
    let groups = y.chunks_exact(N * len).zip(g.chunks_exact(N * len)).zip(out.chunks_exact_mut(N * len));
    for ((y, g), out) in groups {
        let y_rows: [&[f32]; N] = std::array::from_fn(|l| &y[l * len..(l + 1) * len]);
        let g_rows: [&[f32]; N] = std::array::from_fn(|l| &g[l * len..(l + 1) * len]);
        let mut dot = [0.0; N];
        dot_rows(&g_rows, &y_rows, len, &mut dot);
        adjoint_rows(y, g, len, &dot, out);
    }
    y.len() / (N * len) * N * len
}

widest_vectors!(fn adjoint_rows(y: &[f32], g: &[f32], len: usize, dot: &[f32], out: &mut [f32]) => adjoint_loops);

/// `out = y · (g + s·-1)` per row, `s` the row's dot.
#[inline(always)]
fn adjoint_loops(y: &[f32], g: &[f32], len: usize, dot: &[f32], out: &mut [f32]) {
    let rows = y.chunks_exact(len).zip(g.chunks_exact(len)).zip(out.chunks_exact_mut(len));
    for (((y, g), out), &s) in rows.zip(dot) {
        let minus = s * -1.0;
        for ((o, &y), &g) in out.iter_mut().zip(y).zip(g) {
            *o = y * (g + minus);
        }
    }
}

/// Rows of at most this many floats are taken [`MAX_GROUPS`] groups of
/// eight at a time: their chains overlap, and the group's rows (16 KB)
/// stay in L1 from the maxima to the scaling. (Attention's rows of 32:
/// ~2× faster than a group of eight at a time, whose max chain waited on
/// itself.)
const MAX_LEN_FOR_GROUPS: usize = 128;

fn softmax_part(x: &[f32], len: usize, out: &mut [f32]) {
    let mut done = 0;
    if len <= MAX_LEN_FOR_GROUPS {
        done = softmax_groups::<{ LANES * MAX_GROUPS }>(x, len, out);
    }
    done += softmax_groups::<LANES>(&x[done..], len, &mut out[done..]);
    // The last rows, fewer than eight, one at a time.
    for (x, out) in x[done..].chunks_exact(len).zip(out[done..].chunks_exact_mut(len)) {
        let max = [x.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v))];
        exponentials(x, len, &max, out);
        let sum = [out.iter().fold(0.0, |s, &e| s + e)];
        scale_rows(out, len, &sum);
    }
}

/// Softmax of whole groups of `N` rows from the start of `x`; returns the
/// floats done.
fn softmax_groups<const N: usize>(x: &[f32], len: usize, out: &mut [f32]) -> usize {
    let mut groups = x.chunks_exact(N * len).zip(out.chunks_exact_mut(N * len));
    for (x, out) in &mut groups {
        let rows: [&[f32]; N] = std::array::from_fn(|l| &x[l * len..(l + 1) * len]);
        let mut max = [f32::NEG_INFINITY; N];
        max_rows(&rows, len, &mut max);
        exponentials(x, len, &max, out);
        let e: [&[f32]; N] = std::array::from_fn(|l| &out[l * len..(l + 1) * len]);
        let mut sum = [0.0; N];
        sum_rows(&e, len, &mut sum);
        scale_rows(out, len, &sum);
    }
    x.len() / (N * len) * N * len
}

widest_vectors!(fn exponentials(x: &[f32], len: usize, max: &[f32], out: &mut [f32]) => exponential_loops);
widest_vectors!(fn scale_rows(out: &mut [f32], len: usize, sum: &[f32]) => scale_loops);

/// `out = 2^((x + m·-1) · log2 e)` per row, `m` the row's maximum.
#[inline(always)]
fn exponential_loops(x: &[f32], len: usize, max: &[f32], out: &mut [f32]) {
    for ((x, out), &m) in x.chunks_exact(len).zip(out.chunks_exact_mut(len)).zip(max) {
        let shift = m * -1.0;
        for (o, &v) in out.iter_mut().zip(x) {
            *o = exp2((v + shift) * std::f32::consts::LOG2_E);
        }
    }
}

/// `out = out · (1/sum)` per row.
#[inline(always)]
fn scale_loops(out: &mut [f32], len: usize, sum: &[f32]) {
    for (out, &s) in out.chunks_exact_mut(len).zip(sum) {
        let scale = s.recip();
        for o in out.iter_mut() {
            *o *= scale;
        }
    }
}
