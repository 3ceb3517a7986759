//! Sums and maxima along one axis of a strided view.

use super::*;
use std::ops::Range;

widest_vectors!(
    /// Sum or max over axis `axis` of the view `v` of `src`, into the row-major
    /// `out` (the view's shape without that axis). Like luminal's reducers, the
    /// sum starts at 0 and adds in index order, the max starts at -inf and uses
    /// `f32::max` (which skips NaN), and padded positions are skipped.
    pub(crate) fn reduce(src: &[f32], v: &Strided, axis: usize, max: bool, out: &mut [f32]) => reduce_loops);

#[inline(always)]
fn reduce_loops(src: &[f32], v: &Strided, axis: usize, max: bool, out: &mut [f32]) {
    let init = if max { f32::NEG_INFINITY } else { 0.0 };
    out.fill(init);
    let nd = v.ndim;
    let (k_len, k_step) = (v.shape[axis], v.strides[axis]);
    let combine = |acc: f32, x: f32| if max { acc.max(x) } else { acc + x };
    // Axes kept in the output, in order, and the view over them (the source
    // at the reduced axis's first index, in the output's order).
    let kept: Vec<usize> = (0..nd).filter(|&a| a != axis).collect();
    let mut kept_view = Strided { ndim: kept.len(), ..*v };
    for (i, &a) in kept.iter().enumerate() {
        kept_view.shape[i] = v.shape[a];
        kept_view.strides[i] = v.strides[a];
    }
    if v.valid.is_none() && k_len <= 8 && !kept.is_empty() && out.len() >= 64 {
        // A short axis (a pooling window's 2): combine k whole slices, each
        // gathered row by row, instead of visiting the axis per output.
        let chunks = |out: &mut [f32], first: usize| short_axis_chunks(src, &kept_view, k_len, k_step, max, out, first);
        if !worth_splitting(out.len()) {
            return chunks(out, 0);
        }
        let mid = out.len() / 2 / CHUNK;
        let (a, b) = out.split_at_mut(mid * CHUNK);
        pool::run_parts([(a, 0), (b, mid)], &|(out, first)| chunks(out, first));
        return;
    }
    let inner_step = kept.last().map(|&a| v.strides[a]);
    if v.valid.is_none() && (inner_step.is_none() || (k_step == 1 && inner_step != Some(1))) {
        // The reduced axis is contiguous (or the only one): a plain strided
        // loop over the axis per output element, over the kept axes' view.
        let part = |out: &mut [f32], first: usize| along_contiguous_axis(src, &kept_view, k_len, k_step, max, out, first);
        if pool::threads() > 1 && out.len() >= 16 && out.len() * k_len >= PARALLEL_MIN_ELEMENTS {
            let mid = out.len() / 2;
            let (a, b) = out.split_at_mut(mid);
            pool::run_parts([(a, 0), (b, mid)], &|(out, first)| part(out, first));
        } else {
            part(out, 0);
        }
        return;
    }
    if v.valid.is_some() {
        // Padded views: one output element at a time, checking validity.
        let mut idx = [0usize; 6];
        for o in out.iter_mut() {
            let mut acc = *o;
            for k in 0..k_len {
                idx[axis] = k;
                if v.is_valid(&idx[..nd]) {
                    acc = combine(acc, src[v.offset_of(&idx[..nd]) as usize]);
                }
            }
            *o = acc;
            increment(&mut idx, v, &kept);
        }
        return;
    }
    // Otherwise accumulate whole output rows along the last axis, which
    // vectorises when that axis is contiguous.
    let inner = *kept.last().unwrap();
    let (i_len, i_step) = (v.shape[inner], v.strides[inner]);
    if i_step.abs() != 1 {
        // The contiguous kept axis is not the output's last (a bias gradient
        // read through a permutation): accumulate along it instead.
        if let Some(&c) = kept.iter().find(|&&a| v.strides[a] == 1 && v.shape[a] > 1) {
            return reduce_along_split(src, v, axis, c, max, out);
        }
    }
    let outer = &kept[..kept.len() - 1];
    let mut idx = [0usize; 6];
    for row in out.chunks_mut(i_len) {
        let base = v.offset_of(&idx[..nd]);
        for k in 0..k_len {
            let at = base + k as isize * k_step;
            if i_step == 1 {
                let s = &src[at as usize..at as usize + i_len];
                for (r, &x) in row.iter_mut().zip(s) {
                    *r = combine(*r, x);
                }
            } else {
                for (i, r) in row.iter_mut().enumerate() {
                    *r = combine(*r, src[(at + i as isize * i_step) as usize]);
                }
            }
        }
        increment(&mut idx, v, outer);
    }
}

/// The contiguous-axis path of [`reduce`] for output elements `first..`
/// (`out`, already holding the initial value), whose positions `rows` (the
/// view over the kept axes) gives. Each element is one chain of combines in index
/// order, which waits on its previous step, so eight elements run side by
/// side and their chains overlap.
#[inline(always)]
fn along_contiguous_axis(src: &[f32], rows: &Strided, k_len: usize, k_step: isize, max: bool, out: &mut [f32], first: usize) {
    use super::rows::{max_rows, sum_rows, LANES};
    let init = if max { f32::NEG_INFINITY } else { 0.0 };
    let combine = |acc: f32, x: f32| if max { acc.max(x) } else { acc + x };
    let nk = rows.ndim;
    let mut idx = rows.index_of(first);
    // The buffer offset of `idx`, kept in step with it.
    let mut base = rows.offset_of(&idx[..nk]);
    for group in out.chunks_mut(LANES) {
        let mut bases = [0isize; LANES];
        for b in &mut bases[..group.len()] {
            *b = base;
            for a in (0..nk).rev() {
                idx[a] += 1;
                base += rows.strides[a];
                if idx[a] < rows.shape[a] {
                    break;
                }
                idx[a] = 0;
                base -= rows.shape[a] as isize * rows.strides[a];
            }
        }
        if group.len() == LANES && k_step == 1 {
            // Sums and maxima along contiguous rows: eight at a time, transposed.
            let rows: [&[f32]; LANES] = bases.map(|b| &src[b as usize..b as usize + k_len]);
            let mut acc = [init; LANES];
            if max {
                max_rows(&rows, k_len, &mut acc);
            } else {
                sum_rows(&rows, k_len, &mut acc);
            }
            group.copy_from_slice(&acc);
        } else if group.len() == LANES {
            let mut acc = [init; LANES];
            for k in 0..k_len as isize {
                for (acc, &b) in acc.iter_mut().zip(&bases) {
                    *acc = combine(*acc, src[(b + k * k_step) as usize]);
                }
            }
            group.copy_from_slice(&acc);
        } else {
            for (o, &b) in group.iter_mut().zip(&bases) {
                for k in 0..k_len as isize {
                    *o = combine(*o, src[(b + k * k_step) as usize]);
                }
            }
        }
    }
}

/// The short-axis path of [`reduce`] over the output chunks in `out`, which
/// start at chunk number `first`: the `k_len` taps (`slice`, offset by
/// `k·k_step`) gathered and combined into `out` (already holding the
/// reduction's initial value).
#[inline(always)]
fn short_axis_chunks(src: &[f32], slice: &Strided, k_len: usize, k_step: isize, max: bool, out: &mut [f32], first: usize) {
    let mut part = [0.0f32; CHUNK];
    for (c, chunk) in out.chunks_mut(CHUNK).enumerate() {
        for k in 0..k_len {
            let tap = Strided { offset: slice.offset + k as isize * k_step, ..*slice }.coalesced();
            let part = &mut part[..chunk.len()];
            gather(src, &tap, (first + c) * CHUNK, part);
            if max {
                for (o, &x) in chunk.iter_mut().zip(part.iter()) {
                    *o = o.max(x);
                }
            } else {
                for (o, &x) in chunk.iter_mut().zip(part.iter()) {
                    *o += x;
                }
            }
        }
    }
}

/// [`reduce`] of an unpadded view accumulating rows along kept axis `c`
/// (contiguous in the source), split between two threads by halves of `c`
/// when large. Each output element is still one thread's chain in index
/// order, so the bits do not depend on the split. (A bias gradient's first
/// stage, `[256, 32, 32]/[1, 8192, 256]`: its halves are the halves of the
/// columns the product before it wrote on each thread, split by panels.)
fn reduce_along_split(src: &[f32], v: &Strided, axis: usize, c: usize, max: bool, out: &mut [f32]) {
    let c_len = v.shape[c];
    let out = OutFloats(out.as_mut_ptr(), out.len());
    // Halves on a whole number of AVX-512 vectors.
    let mid = c_len / 2 / 16 * 16;
    if pool::threads() > 1 && mid > 0 && out.1 * v.shape[axis] >= PARALLEL_MIN_ELEMENTS {
        pool::run2(&|part| {
            let cols = if part == 0 { 0..mid } else { mid..c_len };
            reduce_along_part(src, v, axis, c, max, cols, &out)
        });
    } else {
        reduce_along_part(src, v, axis, c, max, 0..c_len, &out);
    }
}

/// The output of [`reduce_along_split`], written by two threads.
struct OutFloats(*mut f32, usize);

// SAFETY: each thread writes only the output elements of its own columns
// (see `reduce_along`), while the caller waits for both.
unsafe impl Sync for OutFloats {}

widest_vectors!(
    fn reduce_along_part(src: &[f32], v: &Strided, axis: usize, c: usize, max: bool, cols: Range<usize>, out: &OutFloats) => reduce_along);

/// Columns `cols` of axis `c` of [`reduce_along_split`]: each output row
/// accumulated along `c` in a temporary, then scattered into `out` with
/// `c`'s output stride. Sums still add in index order along `axis`.
#[inline(always)]
fn reduce_along(src: &[f32], v: &Strided, axis: usize, c: usize, max: bool, cols: Range<usize>, out: &OutFloats) {
    // One loop per combine, so that each vectorises on its own.
    if max {
        reduce_along_with(src, v, axis, c, cols, out, f32::NEG_INFINITY, f32::max)
    } else {
        reduce_along_with(src, v, axis, c, cols, out, 0.0, |acc, x| acc + x)
    }
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn reduce_along_with(
    src: &[f32],
    v: &Strided,
    axis: usize,
    c: usize,
    cols: Range<usize>,
    out: &OutFloats,
    init: f32,
    combine: impl Fn(f32, f32) -> f32,
) {
    let nd = v.ndim;
    let (k_len, k_step) = (v.shape[axis], v.strides[axis]);
    let kept: Vec<usize> = (0..nd).filter(|&a| a != axis).collect();
    // Row-major strides of the output over the kept axes.
    let mut out_stride = [0usize; 6];
    let mut acc = 1;
    for &a in kept.iter().rev() {
        out_stride[a] = acc;
        acc *= v.shape[a];
    }
    assert_eq!(acc, out.1, "a reduction's output of the wrong length");
    let others: Vec<usize> = kept.iter().copied().filter(|&a| a != c).collect();
    let mut row = vec![init; cols.len()];
    let mut idx = [0usize; 6];
    let rows = out.1 / v.shape[c].max(1);
    for _ in 0..rows {
        row.fill(init);
        let base = v.offset_of(&idx[..nd]);
        for k in 0..k_len {
            let at = (base + k as isize * k_step) as usize;
            for (r, &x) in row.iter_mut().zip(&src[at + cols.start..at + cols.end]) {
                *r = combine(*r, x);
            }
        }
        let o: usize = others.iter().map(|&a| idx[a] * out_stride[a]).sum();
        for (j, &r) in cols.clone().zip(&row) {
            let at = o + j * out_stride[c];
            assert!(at < out.1, "a reduction's output index outside it");
            // SAFETY: inside the output (checked); only this call writes
            // the elements of its columns.
            unsafe { *out.0.add(at) = r };
        }
        increment(&mut idx, v, &others);
    }
}

/// Advances the multi-index `idx` over the axes `axes` (row-major, last fastest).
fn increment(idx: &mut [usize; 6], v: &Strided, axes: &[usize]) {
    for &a in axes.iter().rev() {
        idx[a] += 1;
        if idx[a] < v.shape[a] {
            return;
        }
        idx[a] = 0;
    }
}
