//! Sums of views: concatenations, pads and the gradients of slices, as one
//! loop over the output instead of a chain of additions.

use super::*;

/// The terms of a [`sum_of_views`]: (slot, view, times added), and whether
/// the terms' boxes tile the output exactly (disjoint, covering it, each
/// added once: a concatenation), so each box is written, not added.
#[derive(Clone, Debug)]
pub(crate) struct SumOfViews {
    pub terms: Vec<(usize, Strided, f32)>,
    pub tiles: bool,
}

/// The box of positions where `v` reads data: per axis `lo..hi`.
pub(crate) fn data_box(v: &Strided) -> ([usize; 6], [usize; 6]) {
    let mut lo = [0usize; 6];
    let mut hi = [0usize; 6];
    for a in 0..v.ndim {
        let (l, h) = v.valid.map_or((0, v.shape[a]), |valid| valid[a]);
        lo[a] = l.min(v.shape[a]);
        hi[a] = h.min(v.shape[a]);
    }
    (lo, hi)
}

/// `out = Σ times · view` over the given views of the slots' buffers. Each
/// term is added over the box of positions where it reads data (padding
/// adds nothing), row by row along its last axis; when the boxes tile the
/// output they are copied instead. Otherwise the first unpadded term (if
/// any) is gathered straight into `out` and the rest added.
pub(crate) fn sum_of_views(sum: &SumOfViews, slots: &dyn Slots, out: &mut [f32]) {
    sum_of_views_part(sum, slots, out, None)
}

/// Whether [`sum_of_views_parallel`] splits this sum: a long output whose
/// terms share one shape, split along its outermost axis.
pub(crate) fn splits_sum_of_views(sum: &SumOfViews, len: usize) -> bool {
    let (_, v0, _) = &sum.terms[0];
    let same_shape = sum.terms.iter().all(|(_, v, _)| v.ndim == v0.ndim && v.shape[..v.ndim] == v0.shape[..v0.ndim]);
    worth_splitting(len) && same_shape && v0.shape[0] >= 2
}

/// [`sum_of_views`] in two halves of the outermost axis on two threads (see
/// [`splits_sum_of_views`]).
pub(crate) fn sum_of_views_parallel(sum: &SumOfViews, slots: &SharedSlots, out: &mut [f32]) {
    let rows = sum.terms[0].1.shape[0];
    let row_len = out.len() / rows;
    let mid = rows / 2;
    let (a, b) = out.split_at_mut(mid * row_len);
    pool::run_parts([(a, 0..mid), (b, mid..rows)], &|(out, range)| {
        sum_of_views_part(sum, slots, out, Some(range))
    });
}

widest_vectors!(
    /// [`sum_of_views`] over the positions whose outermost index is in `outer`
    /// (all of them when `None`); `out` holds just those.
    fn sum_of_views_part(sum: &SumOfViews, slots: &dyn Slots, out: &mut [f32], outer: Option<std::ops::Range<usize>>) => sum_of_views_loops);

#[inline(always)]
fn sum_of_views_loops(sum: &SumOfViews, slots: &dyn Slots, out: &mut [f32], outer: Option<std::ops::Range<usize>>) {
    let terms = &sum.terms;
    let first = if sum.tiles {
        None
    } else {
        terms.iter().position(|(_, v, t)| v.valid.is_none() && *t == 1.0)
    };
    // Output positions before this part.
    let skip = outer.as_ref().map_or(0, |r| r.start * (out.len() / r.len().max(1)));
    match first {
        Some(f) => gather(slots.get(terms[f].0), &terms[f].1, skip, out),
        None if !sum.tiles => out.fill(0.0),
        None => {}
    }
    let mut row = Vec::new();
    for (i, (slot, v, times)) in terms.iter().enumerate() {
        if Some(i) == first {
            continue;
        }
        let src = slots.get(*slot);
        let nd = v.ndim;
        let (mut lo, mut hi) = data_box(v);
        if let Some(r) = &outer {
            lo[0] = lo[0].max(r.start);
            hi[0] = hi[0].min(r.end);
        }
        if (0..nd).any(|a| lo[a] >= hi[a]) {
            continue; // all padding (in this part)
        }
        // Row-major strides of the output over the view's shape.
        let mut out_stride = [0isize; 6];
        let mut acc = 1isize;
        for a in (0..nd).rev() {
            out_stride[a] = acc;
            acc *= v.shape[a] as isize;
        }
        let last = nd - 1;
        let (len, step) = (hi[last] - lo[last], v.strides[last]);
        let rows: usize = (0..last).map(|a| hi[a] - lo[a]).product();
        let mut idx = lo;
        // Offsets of the current row in `out` and in `src`, kept in step with `idx`.
        let mut o: isize = (0..nd).map(|a| idx[a] as isize * out_stride[a]).sum::<isize>() - skip as isize;
        let mut s = v.offset_of(&idx[..nd]);
        for _ in 0..rows {
            let dst = &mut out[o as usize..o as usize + len];
            if step == 1 && *times == 1.0 {
                let from = &src[s as usize..s as usize + len];
                if sum.tiles {
                    dst.copy_from_slice(from);
                } else {
                    for (d, x) in dst.iter_mut().zip(from) {
                        *d += x;
                    }
                }
            } else {
                row.clear();
                row.extend((0..len).map(|j| times * src[(s + j as isize * step) as usize]));
                if sum.tiles {
                    dst.copy_from_slice(&row);
                } else {
                    for (d, x) in dst.iter_mut().zip(&row) {
                        *d += x;
                    }
                }
            }
            // The next row of the box (the last axis is the row itself).
            for a in (0..last).rev() {
                idx[a] += 1;
                o += out_stride[a];
                s += v.strides[a];
                if idx[a] < hi[a] {
                    break;
                }
                let span = (hi[a] - lo[a]) as isize;
                o -= span * out_stride[a];
                s -= span * v.strides[a];
                idx[a] = lo[a];
            }
        }
    }
}
