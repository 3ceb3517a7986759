//! Max pooling over non-overlapping tiles ([`Op::MaxPoolTiles`](crate::ir::Op))
//! and its adjoint, as single passes: through the primitive operators the
//! forward pass is two reductions over axes of length 2, and the gradient six
//! strided passes, together a third of a small CNN's training step.
//!
//! Both give the bits of the primitive decomposition they replace
//! (`nn/pool.rs`): the maximum is taken along each window row first, then
//! over the rows, starting from -inf with `f32::max` (as the max reduction);
//! the gradient is `(1 - [x < y]) · (g · 1/ties)`.

use super::*;

/// The geometry of a tiled max pooling: `planes` (N·C) planes of `h × w`,
/// windows of `kh × kw`, which divide `h` and `w`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PoolTiles {
    pub planes: usize,
    pub h: usize,
    pub w: usize,
    pub kh: usize,
    pub kw: usize,
}

impl PoolTiles {
    fn out_plane(&self) -> usize {
        (self.h / self.kh) * (self.w / self.kw)
    }

    /// Runs `f(planes, out)` over `out` (`per_plane` floats a plane), for all
    /// planes or in two parts on two threads when `out` is long enough.
    fn split(&self, out: &mut [f32], per_plane: usize, f: &(dyn Fn(std::ops::Range<usize>, &mut [f32]) + Sync)) {
        if !worth_splitting(out.len()) || self.planes < 2 {
            return f(0..self.planes, out);
        }
        let mid = self.planes / 2;
        let (a, b) = out.split_at_mut(mid * per_plane);
        pool::run_parts([(0..mid, a), (mid..self.planes, b)], &|(planes, out)| f(planes, out));
    }
}

/// `out[p, i, j]` = the largest element of window `(i, j)` of plane `p` of `x`.
pub(crate) fn max_pool_tiles(t: &PoolTiles, x: &[f32], out: &mut [f32]) {
    assert_eq!(x.len(), t.planes * t.h * t.w, "max pooling: input of the wrong length");
    assert_eq!(out.len(), t.planes * t.out_plane(), "max pooling: output of the wrong length");
    t.split(out, t.out_plane(), &|planes, out| {
        let x = &x[planes.start * t.h * t.w..planes.end * t.h * t.w];
        max_pool_planes(t, x, out)
    });
}

widest_vectors!(fn max_pool_planes(t: &PoolTiles, x: &[f32], out: &mut [f32]) => max_pool_loops);

#[inline(always)]
fn max_pool_loops(t: &PoolTiles, x: &[f32], out: &mut [f32]) {
    let (w, kh, kw, wo) = (t.w, t.kh, t.kw, t.w / t.kw);
    let row_max = |row: &[f32]| row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    if (kh, kw) == (2, 2) {
        // The common 2×2 window, one window per iteration: indexed, so the
        // compiler vectorises it over windows (rows are short, 14 or 28).
        for (band, out_row) in x.chunks_exact(2 * w).zip(out.chunks_exact_mut(wo)) {
            let (r0, r1) = band.split_at(w);
            let (r0, r1) = (&r0[..2 * wo], &r1[..2 * wo]);
            for (j, o) in out_row.iter_mut().enumerate() {
                let (m0, m1) = (row_max(&r0[2 * j..2 * j + 2]), row_max(&r1[2 * j..2 * j + 2]));
                *o = f32::NEG_INFINITY.max(m0).max(m1);
            }
        }
        return;
    }
    for (band, out_row) in x.chunks_exact(kh * w).zip(out.chunks_exact_mut(wo)) {
        out_row.fill(f32::NEG_INFINITY);
        for row in band.chunks_exact(w) {
            for (o, window) in out_row.iter_mut().zip(row.chunks_exact(kw)) {
                *o = o.max(row_max(window));
            }
        }
    }
}

/// The gradient of [`max_pool_tiles`]: `g` and `y` are the output's gradient
/// and the output, `x` the input; every element of `x` equal to its window's
/// maximum gets the window's gradient divided by the number of such elements.
pub(crate) fn max_pool_tiles_adjoint(t: &PoolTiles, g: &[f32], x: &[f32], y: &[f32], out: &mut [f32]) {
    let per_out = t.planes * t.out_plane();
    assert!(g.len() == per_out && y.len() == per_out, "max pooling's gradient: pooled inputs of the wrong length");
    assert!(x.len() == out.len() && x.len() == t.planes * t.h * t.w, "max pooling's gradient: input of the wrong length");
    t.split(out, t.h * t.w, &|planes, out| {
        let (big, small) = (t.h * t.w, t.out_plane());
        let x = &x[planes.start * big..planes.end * big];
        let g = &g[planes.start * small..planes.end * small];
        let y = &y[planes.start * small..planes.end * small];
        max_pool_adjoint_planes(t, g, x, y, out)
    });
}

widest_vectors!(fn max_pool_adjoint_planes(t: &PoolTiles, g: &[f32], x: &[f32], y: &[f32], out: &mut [f32]) => max_pool_adjoint_loops);

/// Works a band of `kh` input rows at a time, on rows of the input's width:
/// each window's maximum and share are first spread over its columns, so
/// every pass is a plain elementwise loop the compiler vectorises.
#[inline(always)]
fn max_pool_adjoint_loops(t: &PoolTiles, g: &[f32], x: &[f32], y: &[f32], out: &mut [f32]) {
    let (w, kh, kw, wo) = (t.w, t.kh, t.kw, t.w / t.kw);
    let not_below = |v: f32, m: f32| if v < m { 0.0f32 } else { 1.0 };
    if (kh, kw) == (2, 2) {
        // The common 2×2 window, one window per iteration: indexed, so the
        // compiler vectorises it over windows (rows are short, 14 or 28).
        let bands = x.chunks_exact(2 * w).zip(out.chunks_exact_mut(2 * w));
        for ((band, out_band), (g_row, y_row)) in bands.zip(g.chunks_exact(wo).zip(y.chunks_exact(wo))) {
            let (r0, r1) = band.split_at(w);
            let (o0, o1) = out_band.split_at_mut(w);
            let (r0, r1, o0, o1) = (&r0[..2 * wo], &r1[..2 * wo], &mut o0[..2 * wo], &mut o1[..2 * wo]);
            for j in 0..wo {
                let m = y_row[j];
                let t = [r0[2 * j], r0[2 * j + 1], r1[2 * j], r1[2 * j + 1]].map(|v| not_below(v, m));
                let share = g_row[j] * (t[0] + t[1] + t[2] + t[3]).recip();
                o0[2 * j] = t[0] * share;
                o0[2 * j + 1] = t[1] * share;
                o1[2 * j] = t[2] * share;
                o1[2 * j + 1] = t[3] * share;
            }
        }
        return;
    }
    // Per column of the band: its window's maximum, its count of maxima, its share.
    let (mut max, mut count, mut share) = (vec![0.0f32; w], vec![0.0f32; w], vec![0.0f32; w]);
    let bands = x.chunks_exact(kh * w).zip(out.chunks_exact_mut(kh * w));
    for ((band, out_band), (g_row, y_row)) in bands.zip(g.chunks_exact(wo).zip(y.chunks_exact(wo))) {
        for (m, &y) in max.chunks_exact_mut(kw).zip(y_row) {
            m.fill(y);
        }
        count.fill(0.0);
        for row in band.chunks_exact(w) {
            for ((c, &v), &m) in count.iter_mut().zip(row).zip(&max) {
                *c += not_below(v, m);
            }
        }
        for ((s, c), &g) in share.chunks_exact_mut(kw).zip(count.chunks_exact(kw)).zip(g_row) {
            // Counts are small integers: their sum is exact in any order.
            let ties: f32 = c.iter().sum();
            s.fill(g * ties.recip());
        }
        for (row, out_row) in band.chunks_exact(w).zip(out_band.chunks_exact_mut(w)) {
            for (((o, &v), &m), &s) in out_row.iter_mut().zip(row).zip(&max).zip(&share) {
                *o = not_below(v, m) * s;
            }
        }
    }
}
