//! Copying a strided view into a contiguous buffer.

use super::*;

/// Copies elements `start..start + dst.len()` (row-major over `v`'s logical
/// shape) of the view `v` of `src` into `dst`.
pub(crate) fn gather(src: &[f32], v: &Strided, start: usize, dst: &mut [f32]) {
    let nd = v.ndim;
    let mut idx = v.index_of(start);
    let last = nd - 1;
    let (row_len, step) = (v.shape[last], v.strides[last]);
    if step == 0 && row_len > 1 && nd > 1 && v.valid.is_none() {
        return gather_repeated(src, v, start, dst);
    }
    if row_len < 8 && nd > 1 && v.valid.is_none() {
        return gather_short_rows(src, v, idx, dst);
    }
    let mut written = 0;
    // The buffer offset of `idx`, kept in step with it.
    let mut base = v.offset_of(&idx[..nd]);
    while written < dst.len() {
        let count = (row_len - idx[last]).min(dst.len() - written);
        let out = &mut dst[written..written + count];
        match &v.valid {
            None => {
                if step == 1 {
                    let b = base as usize;
                    let from = &src[b..b + count];
                    if count <= 16 {
                        // Short rows: a call to memcpy costs more than the copy.
                        for (o, &x) in out.iter_mut().zip(from) {
                            *o = x;
                        }
                    } else {
                        out.copy_from_slice(from);
                    }
                } else if step == 0 {
                    out.fill(src[base as usize]);
                } else {
                    // Bounds checked once per row (indices are monotone along it).
                    let end = base + (count as isize - 1) * step;
                    assert!(base.min(end) >= 0 && (base.max(end) as usize) < src.len(), "strided read outside its buffer");
                    for (j, o) in out.iter_mut().enumerate() {
                        // SAFETY: between the row's first and last index, checked above.
                        *o = unsafe { *src.get_unchecked((base + j as isize * step) as usize) };
                    }
                }
            }
            Some(valid) => {
                let row_ok = (0..last).all(|a| idx[a] >= valid[a].0 && idx[a] < valid[a].1);
                // Zeros, except the valid span of this row segment.
                let (lo, hi) = valid[last];
                let from = lo.saturating_sub(idx[last]).min(count);
                let to = hi.saturating_sub(idx[last]).min(count).max(from);
                if !row_ok {
                    out.fill(0.0);
                } else if step == 1 {
                    out[..from].fill(0.0);
                    out[to..].fill(0.0);
                    if to > from {
                        let b = (base + from as isize) as usize;
                        out[from..to].copy_from_slice(&src[b..b + (to - from)]);
                    }
                } else {
                    out.fill(0.0);
                    for (j, o) in out.iter_mut().enumerate().take(to).skip(from) {
                        *o = src[(base + j as isize * step) as usize];
                    }
                }
            }
        }
        written += count;
        idx[last] += count;
        base += count as isize * step;
        let mut a = last;
        while idx[a] == v.shape[a] && a > 0 {
            base -= v.shape[a] as isize * v.strides[a];
            idx[a] = 0;
            a -= 1;
            idx[a] += 1;
            base += v.strides[a];
        }
    }
}

/// [`gather`] for views whose last axis is a broadcast (stride 0) of `r`
/// elements (a pooling window's gradient share, read once per tap): the
/// view without that axis is gathered, and each element written `r` times.
fn gather_repeated(src: &[f32], v: &Strided, start: usize, dst: &mut [f32]) {
    let r = v.shape[v.ndim - 1];
    let mut inner = *v;
    inner.ndim -= 1;
    let (first, skip) = (start / r, start % r);
    let count = (skip + dst.len()).div_ceil(r);
    let mut stack = [0.0f32; 512];
    let mut heap = Vec::new();
    let values: &mut [f32] = if count <= stack.len() {
        &mut stack[..count]
    } else {
        heap.resize(count, 0.0);
        &mut heap
    };
    gather(src, &inner, first, values);
    let (head, rest) = dst.split_at_mut((r - skip).min(dst.len()));
    head.fill(values[0]);
    if r == 2 {
        // The common 2×2 pooling window, without a loop per pair.
        let mut pairs = rest.chunks_exact_mut(2);
        for (pair, &x) in (&mut pairs).zip(&values[1..]) {
            pair[0] = x;
            pair[1] = x;
        }
        if let Some(o) = pairs.into_remainder().first_mut() {
            *o = values[count - 1];
        }
        return;
    }
    for (chunk, &x) in rest.chunks_mut(r).zip(&values[1..]) {
        chunk.fill(x);
    }
}

/// [`gather`] for views whose rows are short (a pooling window's broadcast
/// of 2): an element-by-element odometer that updates the offset
/// incrementally, instead of recomputing it for every few elements.
fn gather_short_rows(src: &[f32], v: &Strided, mut idx: [usize; 6], dst: &mut [f32]) {
    let nd = v.ndim;
    let last = nd - 1;
    let mut at = v.offset_of(&idx[..nd]);
    for o in dst.iter_mut() {
        *o = src[at as usize];
        let mut a = last;
        idx[a] += 1;
        at += v.strides[a];
        while idx[a] == v.shape[a] && a > 0 {
            at -= v.shape[a] as isize * v.strides[a];
            idx[a] = 0;
            a -= 1;
            idx[a] += 1;
            at += v.strides[a];
        }
    }
}
