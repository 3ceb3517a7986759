//! Layer normalisation along contiguous rows ([`Op::LayerNormRows`](crate::ir::Op))
//! and its adjoint, each one kernel: every row from its first sum to its
//! last pass while it is in L1. Through the primitive operators the forward
//! pass is a mean, a centring pass, a row dot and a scaling pass, and the
//! adjoint autograd derives from them some eight kernels (the transformer
//! bench's four layer norms: ~0.6 ms of a 9.5 ms step on AVX2).
//!
//! A row's sums run in [`LANES`] interleaved partial sums (element `k` into
//! lane `k % LANES`), added pairwise at the end: vector adds along the row,
//! where a chain in index order (the operators' bits) needs each block of
//! eight rows transposed, which bounded the kernels by the shuffle port
//! (measured alone on the Xeon, 1024 rows of 64: forward 26–31 → 15–17 µs,
//! adjoint 44–59 → 25 µs). The lanes are explicit, so every vector width
//! and the baseline give the same bits. Forward: `m = Σx/n`, `c = x − m`, `v = Σc²/n`, `y = c · r` with
//! `r = 1/√(v + ε)`; adjoint the closed form `r · (g − Σg/n − y · Σg·y/n)`,
//! `r` recomputed from `x`. Both within rounding of the operators.

use super::*;

/// Interleaved partial sums per row.
const LANES: usize = 8;

/// Rows a thread takes at least when a kernel is split between two (its
/// half is whole groups of these; 16 rows or more are split).
const HALF_GROUP: usize = 8;

/// The normalised rows (`len` floats each) of `x`, into `out`.
pub(crate) fn layer_norm_rows(x: &[f32], len: usize, eps: f32, out: &mut [f32]) {
    check_rows("layer norm", &[x], len, out);
    let Some(mid) = row_halves(out.len(), len, HALF_GROUP) else {
        return forward_rows(x, len, eps, out);
    };
    let (a, b) = out.split_at_mut(mid);
    pool::run_parts([(&x[..mid], a), (&x[mid..], b)], &|(x, out)| forward_rows(x, len, eps, out));
}

/// The gradient of [`layer_norm_rows`]' input from the input `x`, the
/// output `y` and the output's gradient `g`, into `out`.
pub(crate) fn layer_norm_rows_adjoint(x: &[f32], y: &[f32], g: &[f32], len: usize, eps: f32, out: &mut [f32]) {
    check_rows("layer norm's adjoint", &[x, y, g], len, out);
    let Some(mid) = row_halves(out.len(), len, HALF_GROUP) else {
        return adjoint_rows(x, y, g, len, eps, out);
    };
    let (a, b) = out.split_at_mut(mid);
    let parts = [(&x[..mid], &y[..mid], &g[..mid], a), (&x[mid..], &y[mid..], &g[mid..], b)];
    pool::run_parts(parts, &|(x, y, g, out)| adjoint_rows(x, y, g, len, eps, out));
}

widest_vectors!(fn forward_rows(x: &[f32], len: usize, eps: f32, out: &mut [f32]) => forward_loops);
widest_vectors!(fn adjoint_rows(x: &[f32], y: &[f32], g: &[f32], len: usize, eps: f32, out: &mut [f32]) => adjoint_loops);

#[inline(always)]
fn forward_loops(x: &[f32], len: usize, eps: f32, out: &mut [f32]) {
    for (x, out) in x.chunks_exact(len).zip(out.chunks_exact_mut(len)) {
        let r = centre(x, eps, out);
        for o in out.iter_mut() {
            *o *= r;
        }
    }
}

#[inline(always)]
fn adjoint_loops(x: &[f32], y: &[f32], g: &[f32], len: usize, eps: f32, out: &mut [f32]) {
    let per = 1.0 / len as f32;
    let rows = x.chunks_exact(len).zip(y.chunks_exact(len)).zip(g.chunks_exact(len));
    for (((x, y), g), out) in rows.zip(out.chunks_exact_mut(len)) {
        // `out` holds the centred row until the last pass overwrites it.
        let r = centre(x, eps, out);
        let a = -(lane_sum(g, g, |g, _| g) * per);
        let b = -(lane_sum(g, y, |g, y| g * y) * per);
        for ((o, &y), &g) in out.iter_mut().zip(y).zip(g) {
            *o = r * (g + a + y * b);
        }
    }
}

/// Writes the row `x` centred (`x − Σx/n`) to `c`; returns `1/√(Σc²/n + ε)`.
#[inline(always)]
fn centre(x: &[f32], eps: f32, c: &mut [f32]) -> f32 {
    let per = 1.0 / x.len() as f32;
    let mean = lane_sum(x, x, |x, _| x) * per;
    for (c, &x) in c.iter_mut().zip(x) {
        *c = x - mean;
    }
    let var = lane_sum(c, c, |c, _| c * c) * per;
    (var + eps).sqrt().recip()
}

/// `Σ f(a[k], b[k])` in [`LANES`] interleaved partial sums (element `k`
/// into lane `k % LANES`), added pairwise.
#[inline(always)]
fn lane_sum(a: &[f32], b: &[f32], f: impl Fn(f32, f32) -> f32) -> f32 {
    let mut lanes = [0.0f32; LANES];
    let (a, b) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (a_rest, b_rest) = (a.remainder(), b.remainder());
    for (a, b) in a.zip(b) {
        for l in 0..LANES {
            lanes[l] += f(a[l], b[l]);
        }
    }
    for (lane, (&a, &b)) in lanes.iter_mut().zip(a_rest.iter().zip(b_rest)) {
        *lane += f(a, b);
    }
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            lanes[l] += lanes[l + width];
        }
    }
    lanes[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vector_width_gives_the_baseline_loops_bits() {
        // Rows of 64 (whole lanes), 13 and 200 (a remainder), a constant row.
        for len in [64, 13, 200] {
            let n = 24 * len;
            let mut x: Vec<f32> = (0..n).map(|i| ((i * 7919 + 3) % 1000) as f32 * 0.01 - 5.0).collect();
            x[len..2 * len].fill(2.5);
            let y: Vec<f32> = x.iter().map(|v| v * 0.3 - 0.1).collect();
            let g: Vec<f32> = x.iter().rev().map(|v| v * 0.7 + 0.2).collect();
            let (mut base, mut wide) = (vec![0.0; n], vec![0.0; n]);
            forward_loops(&x, len, 1e-5, &mut base);
            forward_rows(&x, len, 1e-5, &mut wide);
            assert!(base.iter().zip(&wide).all(|(a, b)| a.to_bits() == b.to_bits()), "rows of {len}: the forward pass differs");
            adjoint_loops(&x, &y, &g, len, 1e-5, &mut base);
            adjoint_rows(&x, &y, &g, len, 1e-5, &mut wide);
            assert!(base.iter().zip(&wide).all(|(a, b)| a.to_bits() == b.to_bits()), "rows of {len}: the adjoint differs");
            // The constant row normalises to 0.
            forward_rows(&x, len, 1e-5, &mut wide);
            assert!(wide[len..2 * len].iter().all(|&v| v == 0.0));
        }
    }
}
