//! A [`View`] (luminal's `ShapeTracker` layout) turned into strides once, at compile time:
//! per logical axis a size, a stride into the source buffer and (for padded
//! views) the range of indices that read real data; plus one start offset.
//! Kernels then index with integer arithmetic instead of interpreting
//! luminal's symbolic index expressions element by element.
//!
//! The arithmetic follows `ShapeTracker::index_expression` and
//! `valid_expression` exactly (fake dimensions have stride 0 and are always
//! valid; padding reads as 0), so results match luminal's own operators.

use crate::view::{View, MAX_DIMS};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Strided {
    pub ndim: usize,
    pub shape: [usize; MAX_DIMS],
    pub strides: [isize; MAX_DIMS],
    pub offset: isize,
    /// Per axis, the indices `lo..hi` that read the buffer; the others read 0.
    /// `None` when every index is valid (no padding).
    pub valid: Option<[(usize, usize); MAX_DIMS]>,
}

impl Strided {
    pub(crate) fn from_tracker(st: &View) -> Strided {
        let n = st.dims.len();
        let mut physical = [0isize; MAX_DIMS];
        let mut acc = 1isize;
        for p in (0..n).rev() {
            physical[p] = acc;
            if !st.fake[p] {
                acc *= st.dims[p] as isize;
            }
        }
        let mut out = Strided {
            ndim: st.indexes.len(),
            shape: [1; MAX_DIMS],
            strides: [0; MAX_DIMS],
            offset: 0,
            valid: None,
        };
        let mut valid = [(0usize, usize::MAX); MAX_DIMS];
        let mut padded = false;
        for (axis, &p) in st.indexes.iter().enumerate() {
            let dim = st.dims[p];
            let (p0, p1) = st.padding[p];
            let (s0, s1) = st.slices[p];
            let size = (dim + p0 + p1).min(s1).saturating_sub(s0);
            out.shape[axis] = size;
            if st.fake[p] {
                continue;
            }
            let stride = physical[p];
            out.strides[axis] = stride;
            out.offset += (s0 as isize - s0.min(p0) as isize - p0 as isize) * stride;
            let (lo, hi) = (p0 - s0.min(p0), (dim + p0).min(s1));
            if lo > 0 || hi < size {
                padded = true;
            }
            valid[axis] = (lo, hi);
        }
        if padded {
            out.valid = Some(valid);
        }
        out
    }

    /// A plain row-major view of a buffer of `shape`.
    pub(crate) fn plain(shape: &[usize]) -> Strided {
        let mut out = Strided {
            ndim: shape.len(),
            shape: [1; MAX_DIMS],
            strides: [0; MAX_DIMS],
            offset: 0,
            valid: None,
        };
        let mut acc = 1isize;
        for a in (0..shape.len()).rev() {
            out.shape[a] = shape[a];
            out.strides[a] = acc;
            acc *= shape[a] as isize;
        }
        out
    }

    /// The same reads with size-1 axes dropped and mergeable neighbours merged
    /// (so a plain view becomes one stride-1 axis); at least one axis remains.
    /// Only for elementwise reads, where the logical axes do not matter.
    pub(crate) fn coalesced(&self) -> Strided {
        let mut out = Strided {
            ndim: 0,
            shape: [1; MAX_DIMS],
            strides: [0; MAX_DIMS],
            offset: self.offset,
            valid: None,
        };
        let mut valid = [(0usize, usize::MAX); MAX_DIMS];
        for a in 0..self.ndim {
            let (size, stride) = (self.shape[a], self.strides[a]);
            let range = self.valid.map(|v| v[a]).unwrap_or((0, usize::MAX));
            let full = range.0 == 0 && range.1 >= size;
            if size == 1 && full {
                continue;
            }
            if out.ndim > 0 {
                let last = out.ndim - 1;
                let last_full = valid[last].0 == 0 && valid[last].1 >= out.shape[last];
                if full && last_full && out.strides[last] == stride * size as isize {
                    out.shape[last] *= size;
                    out.strides[last] = stride;
                    valid[last] = (0, usize::MAX);
                    continue;
                }
            }
            out.shape[out.ndim] = size;
            out.strides[out.ndim] = stride;
            valid[out.ndim] = range;
            out.ndim += 1;
        }
        if out.ndim == 0 {
            out.ndim = 1;
        }
        if valid[..out.ndim]
            .iter()
            .zip(&out.shape)
            .any(|(&(lo, hi), &size)| lo > 0 || hi < size)
        {
            out.valid = Some(valid);
        }
        out
    }

    /// The multi-index of the element `flat` places into the row-major logical shape.
    #[inline]
    pub(crate) fn index_of(&self, flat: usize) -> [usize; 6] {
        let mut idx = [0usize; 6];
        let mut rest = flat;
        for a in (0..self.ndim).rev() {
            idx[a] = rest % self.shape[a];
            rest /= self.shape[a];
        }
        idx
    }

    /// Buffer offset of the element at multi-index `idx` (ignoring validity).
    #[inline]
    pub(crate) fn offset_of(&self, idx: &[usize]) -> isize {
        let strides = &self.strides[..self.ndim];
        self.offset + idx.iter().zip(strides).map(|(&i, &s)| i as isize * s).sum::<isize>()
    }

    #[inline]
    pub(crate) fn is_valid(&self, idx: &[usize]) -> bool {
        match &self.valid {
            None => true,
            Some(v) => (0..self.ndim).all(|a| idx[a] >= v[a].0 && idx[a] < v[a].1),
        }
    }
}
