//! Layer normalisation along contiguous rows ([`Op::LayerNormRows`](crate::ir::Op))
//! and its adjoint, each one kernel per group of rows. Through the primitive
//! operators the forward pass is a mean, a centring pass, a row dot and a
//! scaling pass, and the adjoint that autograd derives from them some eight
//! kernels (the transformer bench's four layer norms: ~0.6 ms of a 9.5 ms
//! step on AVX2); a group of 32 rows of 64 (8 KB) stays in L1 from the
//! first sum to the last pass.
//!
//! The forward pass gives the bits of the decomposition (`nn/norm.rs`):
//! `m = Σx · (1/n)` (a chain from 0 in index order), `c = x + m·-1`,
//! `v = Σc·c · (1/n)`, `y = c · recip(sqrt(v + ε))`. The adjoint is the
//! closed form `r · (g + (Σg · (1/n))·-1 + y · (Σg·y · (1/n))·-1)`, `r`
//! the row's `recip(sqrt(v + ε))` recomputed from `x`: within rounding of
//! the chain autograd builds, not its bits.

use super::rows::{dot_rows, sum_rows, LANES, MAX_GROUPS};
use super::*;

/// Rows of at most this many floats are taken [`MAX_GROUPS`] groups of
/// eight at a time (their chains overlap), as softmax does.
const MAX_LEN_FOR_GROUPS: usize = 128;

/// The normalised rows (`len` floats each) of `x`, into `out`.
pub(crate) fn layer_norm_rows(x: &[f32], len: usize, eps: f32, out: &mut [f32]) {
    let rows = check_rows("layer norm", &[x], len, out);
    if !worth_splitting(out.len()) || rows < 2 * LANES {
        return forward_part(x, len, eps, out);
    }
    // Halves of whole groups of eight rows (each row's chains are its own).
    let mid = rows / 2 / LANES * LANES * len;
    let (a, b) = out.split_at_mut(mid);
    pool::run_parts([(&x[..mid], a), (&x[mid..], b)], &|(x, out)| forward_part(x, len, eps, out));
}

/// The gradient of [`layer_norm_rows`]' input from the input `x`, the
/// output `y` and the output's gradient `g`, into `out`.
pub(crate) fn layer_norm_rows_adjoint(x: &[f32], y: &[f32], g: &[f32], len: usize, eps: f32, out: &mut [f32]) {
    let rows = check_rows("layer norm's adjoint", &[x, y, g], len, out);
    if !worth_splitting(out.len()) || rows < 2 * LANES {
        return adjoint_part(x, y, g, len, eps, out);
    }
    let mid = rows / 2 / LANES * LANES * len;
    let (a, b) = out.split_at_mut(mid);
    let parts = [(&x[..mid], &y[..mid], &g[..mid], a), (&x[mid..], &y[mid..], &g[mid..], b)];
    pool::run_parts(parts, &|(x, y, g, out)| adjoint_part(x, y, g, len, eps, out));
}

/// Checks that every operand is as long as `out` and made of rows of `len`; returns the rows.
fn check_rows(what: &str, operands: &[&[f32]], len: usize, out: &[f32]) -> usize {
    assert!(operands.iter().all(|o| o.len() == out.len()), "{what}: operands of the wrong length");
    assert!(len > 0 && out.len().is_multiple_of(len), "{what}: rows of {len} do not tile {} floats", out.len());
    out.len() / len
}

/// Rows in groups of `N` where they are short, then of eight, then one at a time.
fn by_groups(rows: usize, len: usize, mut group: impl FnMut(usize, usize)) {
    let mut done = 0;
    let mut take = |n: usize, done: &mut usize| {
        while rows - *done >= n {
            group(*done, n);
            *done += n;
        }
    };
    if len <= MAX_LEN_FOR_GROUPS {
        take(LANES * MAX_GROUPS, &mut done);
    }
    take(LANES, &mut done);
    take(1, &mut done);
}

/// Each row's `recip(sqrt(Σc·c · (1/n) + ε))`, with its centred values
/// `c = x + m·-1` (`m = Σx · (1/n)`) written to `c`: `rows` rows from the
/// start of `x`.
fn centre(x: &[f32], len: usize, eps: f32, rows: usize, c: &mut [f32], r: &mut [f32]) {
    let per = 1.0 / len as f32;
    let mut mean = [0.0f32; LANES * MAX_GROUPS];
    row_sums(x, x, len, rows, false, &mut mean);
    for m in &mut mean[..rows] {
        *m *= per;
    }
    centre_rows(x, len, &mean[..rows], c);
    row_sums(c, c, len, rows, true, r);
    for v in &mut r[..rows] {
        *v = (*v * per + eps).sqrt().recip();
    }
}

/// Per row of the first `rows` rows, `Σa` (or `Σa·b` when `dot`), each a
/// chain from 0 in index order, into `acc` (rows 1, 8 or 32).
fn row_sums(a: &[f32], b: &[f32], len: usize, rows: usize, dot: bool, acc: &mut [f32]) {
    fn run<const N: usize>(a: &[f32], b: &[f32], len: usize, dot: bool, acc: &mut [f32]) {
        let ar: [&[f32]; N] = std::array::from_fn(|l| &a[l * len..(l + 1) * len]);
        let br: [&[f32]; N] = std::array::from_fn(|l| &b[l * len..(l + 1) * len]);
        let mut sums = [0.0; N];
        if dot {
            dot_rows(&ar, &br, len, &mut sums);
        } else {
            sum_rows(&ar, len, &mut sums);
        }
        acc[..N].copy_from_slice(&sums);
    }
    match rows {
        32 => run::<32>(a, b, len, dot, acc),
        8 => run::<8>(a, b, len, dot, acc),
        _ => {
            for (l, s) in acc[..rows].iter_mut().enumerate() {
                let (a, b) = (&a[l * len..(l + 1) * len], &b[l * len..(l + 1) * len]);
                *s = if dot { a.iter().zip(b).fold(0.0, |s, (&a, &b)| s + a * b) } else { a.iter().fold(0.0, |s, &a| s + a) };
            }
        }
    }
}

fn forward_part(x: &[f32], len: usize, eps: f32, out: &mut [f32]) {
    by_groups(x.len() / len, len, |first, rows| {
        let span = first * len..(first + rows) * len;
        let out = &mut out[span.clone()];
        let mut r = [0.0f32; LANES * MAX_GROUPS];
        centre(&x[span], len, eps, rows, out, &mut r);
        scale_rows(out, len, &r[..rows]);
    });
}

fn adjoint_part(x: &[f32], y: &[f32], g: &[f32], len: usize, eps: f32, out: &mut [f32]) {
    let per = 1.0 / len as f32;
    by_groups(x.len() / len, len, |first, rows| {
        let span = first * len..(first + rows) * len;
        let out = &mut out[span.clone()];
        let (y, g) = (&y[span.clone()], &g[span.clone()]);
        // `out` holds the centred rows until the last pass overwrites them.
        let mut r = [0.0f32; LANES * MAX_GROUPS];
        centre(&x[span], len, eps, rows, out, &mut r);
        let (mut sg, mut sgy) = ([0.0f32; LANES * MAX_GROUPS], [0.0f32; LANES * MAX_GROUPS]);
        row_sums(g, g, len, rows, false, &mut sg);
        row_sums(g, y, len, rows, true, &mut sgy);
        let mut terms = [[0.0f32; 3]; LANES * MAX_GROUPS];
        for (l, t) in terms[..rows].iter_mut().enumerate() {
            *t = [r[l], sg[l] * per * -1.0, sgy[l] * per * -1.0];
        }
        adjoint_rows(y, g, len, &terms[..rows], out);
    });
}

widest_vectors!(fn centre_rows(x: &[f32], len: usize, mean: &[f32], c: &mut [f32]) => centre_loops);
widest_vectors!(fn scale_rows(out: &mut [f32], len: usize, r: &[f32]) => scale_loops);
widest_vectors!(fn adjoint_rows(y: &[f32], g: &[f32], len: usize, terms: &[[f32; 3]], out: &mut [f32]) => adjoint_loops);

/// `c = x + m·-1` per row.
#[inline(always)]
fn centre_loops(x: &[f32], len: usize, mean: &[f32], c: &mut [f32]) {
    for ((x, c), &m) in x.chunks_exact(len).zip(c.chunks_exact_mut(len)).zip(mean) {
        let shift = m * -1.0;
        for (c, &x) in c.iter_mut().zip(x) {
            *c = x + shift;
        }
    }
}

/// `out = out · r` per row.
#[inline(always)]
fn scale_loops(out: &mut [f32], len: usize, r: &[f32]) {
    for (out, &r) in out.chunks_exact_mut(len).zip(r) {
        for o in out.iter_mut() {
            *o *= r;
        }
    }
}

/// `out = r · (g + a + y·b)` per row, `[r, a, b]` its terms.
#[inline(always)]
fn adjoint_loops(y: &[f32], g: &[f32], len: usize, terms: &[[f32; 3]], out: &mut [f32]) {
    let rows = y.chunks_exact(len).zip(g.chunks_exact(len)).zip(out.chunks_exact_mut(len));
    for (((y, g), out), &[r, a, b]) in rows.zip(terms) {
        for ((o, &y), &g) in out.iter_mut().zip(y).zip(g) {
            *o = r * (g + a + y * b);
        }
    }
}
