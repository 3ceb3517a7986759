//! Softmax along contiguous rows ([`Op::SoftmaxRows`](crate::ir::Op)) as one
//! pass per eight rows: through the primitive operators it is a max
//! reduction, an exponential pass, a sum reduction and a scaling pass, four
//! trips through memory over attention's `[batch, heads, seq, seq]` scores.
//!
//! It gives the bits of that decomposition (`nn/functional.rs`): each row's
//! maximum `m` from -inf with `f32::max` in index order, `e = 2^((x + m·-1)
//! · log2 e)` with our `exp2`, their sum from 0 in index order, and
//! `y = e · (1/sum)`.

use super::rows::{max_rows, sum_rows, LANES, MAX_GROUPS};
use super::*;

/// The softmax of every row of `len` floats of `x`, into `out`.
pub(crate) fn softmax_rows(x: &[f32], len: usize, out: &mut [f32]) {
    assert_eq!(x.len(), out.len(), "softmax: output of the wrong length");
    assert!(len > 0 && x.len() % len == 0, "softmax: rows of {len} do not tile {} floats", x.len());
    let rows = x.len() / len;
    if !worth_splitting(out.len()) || rows < 2 * LANES {
        return softmax_part(x, len, out);
    }
    // Halves of whole groups of eight rows (each row's chains are its own,
    // so where the halves meet changes no bit).
    let mid = rows / 2 / LANES * LANES * len;
    let (a, b) = out.split_at_mut(mid);
    pool::run_parts([(&x[..mid], a), (&x[mid..], b)], &|(x, out)| softmax_part(x, len, out));
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
