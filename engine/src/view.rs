//! The view carried by every tensor edge: how a node's contiguous buffer is
//! read (permuted, broadcast, sliced, padded).
//!
//! [`View`] has the same layout and semantics as luminal's `ShapeTracker`
//! (physical `dims`, a permutation `indexes`, `fake` broadcast dims, per-dim
//! `slices` and `padding`), but stores plain numbers. A `ShapeTracker` holds
//! symbolic `Expression`s of 20 terms each, about 5 KB per tracker, and every
//! tensor operation copied several of them: that alone was a large part of
//! building a training step's graph. The engine only ever uses concrete sizes,
//! so views stay compact (a few hundred bytes, `Copy`) and are converted to a
//! `ShapeTracker` only when a graph is lowered into luminal
//! ([`View::to_tracker`]).
//!
//! The logical shape is computed here: luminal's `ShapeTracker::shape()`
//! mis-sizes a dimension that is sliced at both ends, so it is never used.

use std::ops::{Deref, DerefMut};

use luminal::prelude::symbolic::Expression;
use luminal::prelude::ShapeTracker;

/// Maximum number of dimensions a view (and so a tensor) can have.
pub(crate) const MAX_DIMS: usize = 6;

/// The end of a slice that does not cut anything (luminal's convention).
pub(crate) const UNSLICED: usize = i32::MAX as usize;

/// A list of at most [`MAX_DIMS`] items, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Dims<T: Copy + Default> {
    len: u8,
    items: [T; MAX_DIMS],
}

impl<T: Copy + Default> Default for Dims<T> {
    fn default() -> Self {
        Dims {
            len: 0,
            items: [T::default(); MAX_DIMS],
        }
    }
}

impl<T: Copy + Default> Deref for Dims<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items[..self.len as usize]
    }
}

impl<T: Copy + Default> DerefMut for Dims<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.items[..self.len as usize]
    }
}

impl<T: Copy + Default + std::fmt::Debug> std::fmt::Debug for Dims<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Copy + Default> Dims<T> {
    #[track_caller]
    pub(crate) fn push(&mut self, item: T) {
        assert!(
            (self.len as usize) < MAX_DIMS,
            "a view has at most {MAX_DIMS} dimensions"
        );
        self.items[self.len as usize] = item;
        self.len += 1;
    }

    #[track_caller]
    pub(crate) fn insert(&mut self, at: usize, item: T) {
        let len = self.len as usize;
        assert!(
            len < MAX_DIMS && at <= len,
            "a view has at most {MAX_DIMS} dimensions"
        );
        self.items.copy_within(at..len, at + 1);
        self.items[at] = item;
        self.len += 1;
    }

    #[track_caller]
    pub(crate) fn remove(&mut self, at: usize) -> T {
        let len = self.len as usize;
        assert!(at < len, "removing dimension {at} of {len}");
        let item = self.items[at];
        self.items.copy_within(at + 1..len, at);
        self.items[len - 1] = T::default();
        self.len -= 1;
        item
    }
}

/// A size given to a view: a plain number, or (for code written against
/// luminal's trackers) a concrete luminal `Expression`.
pub(crate) trait ViewSize {
    fn to_size(self) -> usize;
}

impl ViewSize for usize {
    fn to_size(self) -> usize {
        self
    }
}

impl ViewSize for Expression {
    fn to_size(self) -> usize {
        self.to_usize()
            .expect("engine views only ever hold concrete sizes")
    }
}

/// How a node's contiguous buffer is read; luminal's `ShapeTracker` with numbers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct View {
    /// Physical dimensions (sizes before slicing and padding).
    pub dims: Dims<usize>,
    /// Logical axis `a` reads physical dimension `indexes[a]`.
    pub indexes: Dims<usize>,
    /// Broadcast physical dimensions (stride 0).
    pub fake: Dims<bool>,
    /// Per physical dimension, `(start, end)` in padded coordinates;
    /// `end == UNSLICED` when not cut.
    pub slices: Dims<(usize, usize)>,
    /// Per physical dimension, zeros `(before, after)`.
    pub padding: Dims<(usize, usize)>,
}

impl View {
    /// A plain row-major view of a buffer with this shape.
    pub(crate) fn new(shape: &[usize]) -> View {
        let mut v = View {
            dims: Dims::default(),
            indexes: Dims::default(),
            fake: Dims::default(),
            slices: Dims::default(),
            padding: Dims::default(),
        };
        for (i, &d) in shape.iter().enumerate() {
            v.dims.push(d);
            v.indexes.push(i);
            v.fake.push(false);
            v.slices.push((0, UNSLICED));
            v.padding.push((0, 0));
        }
        v
    }

    /// Number of dimensions.
    pub(crate) fn len(&self) -> usize {
        self.dims.len()
    }

    /// Inserts a new real dimension of `size` as logical axis `axis`.
    pub(crate) fn add_dim(&mut self, axis: usize, size: impl ViewSize) {
        self.indexes.insert(axis, self.dims.len());
        self.dims.push(size.to_size());
        self.fake.push(false);
        self.slices.push((0, UNSLICED));
        self.padding.push((0, 0));
    }

    /// Inserts a broadcast dimension of `size` as logical axis `axis`.
    pub(crate) fn expand(&mut self, axis: usize, size: impl ViewSize) {
        self.add_dim(axis, size);
        let p = self.indexes[axis];
        self.fake[p] = true;
    }

    /// Removes logical axis `axis`, returning its physical size.
    pub(crate) fn remove_dim(&mut self, axis: usize) -> usize {
        let index = self.indexes.remove(axis);
        self.fake.remove(index);
        for i in self.indexes.iter_mut() {
            if *i > index {
                *i -= 1;
            }
        }
        self.slices.remove(index);
        self.padding.remove(index);
        self.dims.remove(index)
    }

    /// Permutes the logical axes.
    #[track_caller]
    pub(crate) fn permute(&mut self, axes: &[usize]) {
        assert_eq!(
            axes.len(),
            self.indexes.len(),
            "permute needs one entry per dimension"
        );
        let old = self.indexes;
        for (a, &i) in axes.iter().enumerate() {
            self.indexes[a] = old[i];
        }
    }

    /// No permutation and no broadcast dimension.
    pub(crate) fn is_contiguous(&self) -> bool {
        self.indexes.iter().enumerate().all(|(a, &b)| a == b) && self.fake.iter().all(|&f| !f)
    }

    pub(crate) fn is_sliced(&self) -> bool {
        self.slices.iter().any(|&(b, e)| b != 0 || e != UNSLICED)
    }

    pub(crate) fn is_padded(&self) -> bool {
        self.padding.iter().any(|&(b, e)| b != 0 || e != 0)
    }

    /// The same view as a luminal `ShapeTracker` (for lowering into luminal).
    pub(crate) fn to_tracker(self) -> ShapeTracker {
        let e = |n: usize| Expression::from(n);
        let mut st = ShapeTracker::new(&[]);
        for p in 0..self.len() {
            st.dims.push(e(self.dims[p]));
            st.fake.push(self.fake[p]);
            st.slices.push((e(self.slices[p].0), e(self.slices[p].1)));
            st.padding
                .push((e(self.padding[p].0), e(self.padding[p].1)));
        }
        for &i in self.indexes.iter() {
            st.indexes.push(i);
        }
        st
    }
}

/// A plain row-major view of a buffer with this shape.
pub(crate) fn plain(shape: &[usize]) -> View {
    View::new(shape)
}

/// A size stored in a view (a number, or a concrete luminal `Expression`).
pub(crate) fn to_usize(e: impl ViewSize) -> usize {
    e.to_size()
}

/// The shape a tensor seen through `view` has.
pub(crate) fn logical_shape(view: &View) -> Vec<usize> {
    view.indexes
        .iter()
        .map(|&p| logical_size(view, p))
        .collect()
}

/// Size of physical dimension `p` after padding and slicing.
#[inline]
pub(crate) fn logical_size(view: &View, p: usize) -> usize {
    let (pad_before, pad_after) = view.padding[p];
    let padded = view.dims[p] + pad_before + pad_after;
    let (start, end) = view.slices[p];
    padded.min(end).saturating_sub(start)
}

/// True when the view reads the whole buffer in order: no permutation,
/// broadcasting, slicing or padding.
pub(crate) fn is_plain(view: &View) -> bool {
    view.is_contiguous() && !view.is_sliced() && !view.is_padded()
}

/// Physical dimension `p` is neither sliced nor padded.
pub(crate) fn dim_untouched(view: &View, p: usize) -> bool {
    view.slices[p] == (0, UNSLICED) && view.padding[p] == (0, 0)
}

/// Can logical axis `axis` (of size 1) be dropped from the view without
/// changing which elements are read? True for broadcast dims and for real dims
/// that are physically size 1 and untouched.
pub(crate) fn unit_dim_removable(view: &View, axis: usize) -> bool {
    let p = view.indexes[axis];
    view.fake[p] || (view.dims[p] == 1 && dim_untouched(view, p))
}

/// `view` read in logical shape `shape` (the same elements in the same
/// row-major order), when a view can say it, so that a reshape needs no copy:
/// the query, key and value slices of one projection split into heads, or a
/// broadcast gradient folded back into its input's shape. Axes are grouped
/// where the two shapes' products meet; a group of old axes merges when they
/// are all broadcast, or all real and adjacent in the buffer with only the
/// outermost sliced, and splits when its slice falls on the split's
/// boundaries (padding the same: a slice's adjoint, padded back to its
/// source, keeps its padding through the reshape to the source's shape).
/// `None` (a copy is needed) for axes permuted, sliced or padded across a group.
pub(crate) fn reshaped(view: &View, shape: &[usize]) -> Option<View> {
    if shape.contains(&0) {
        return None;
    }
    // The stride of each physical dimension (broadcast ones count for nothing).
    let n = view.len();
    let mut stride = [0usize; MAX_DIMS];
    let mut acc = 1;
    for p in (0..n).rev() {
        stride[p] = acc;
        if !view.fake[p] {
            acc *= view.dims[p];
        }
    }
    // Logical axes as physical dimensions, less those of one element that
    // read nothing of their own (one sliced out of a longer dimension stays,
    // to be merged into the axes after it).
    let axes: Vec<usize> = (0..view.indexes.len())
        .filter(|&a| logical_size(view, view.indexes[a]) > 1 || !unit_dim_removable(view, a))
        .map(|a| view.indexes[a])
        .collect();
    let sizes: Vec<usize> = shape.iter().copied().filter(|&s| s > 1).collect();
    // (physical dims in buffer order, the group's first old physical dim) per group.
    let mut groups: Vec<(Vec<Physical>, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < axes.len() || j < sizes.len() {
        let (i0, j0) = (i, j);
        if i == axes.len() || j == sizes.len() {
            return None;
        }
        let (mut old, mut new) = (logical_size(view, axes[i]), sizes[j]);
        (i, j) = (i + 1, j + 1);
        while old != new {
            if old < new && i < axes.len() {
                old *= logical_size(view, axes[i]);
                i += 1;
            } else if new < old && j < sizes.len() {
                new *= sizes[j];
                j += 1;
            } else {
                return None;
            }
        }
        let merged = merge(view, &stride, &axes[i0..i])?;
        groups.push((split(merged, &sizes[j0..j])?, axes[i0]));
    }
    // Real dimensions keep the buffer order of the groups they came from;
    // broadcast ones go last, where they change no stride.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| (groups[g].0[0].fake, groups[g].1));
    let mut first_physical = vec![0; groups.len()];
    let mut out = View::new(&[]);
    for &g in &order {
        first_physical[g] = out.dims.len();
        for d in &groups[g].0 {
            out.dims.push(d.size);
            out.fake.push(d.fake);
            out.slices.push(d.slice);
            out.padding.push(d.padding);
        }
    }
    for (g, (dims, _)) in groups.iter().enumerate() {
        for k in 0..dims.len() {
            out.indexes.push(first_physical[g] + k);
        }
    }
    if out.is_contiguous() && !out.is_sliced() && !out.is_padded() {
        return Some(plain(shape));
    }
    for (a, &s) in shape.iter().enumerate() {
        if s == 1 {
            out.add_dim(a, 1usize);
        }
    }
    Some(out)
}

/// One physical dimension of a view being built by [`reshaped`].
#[derive(Clone, Copy)]
struct Physical {
    size: usize,
    fake: bool,
    slice: (usize, usize),
    padding: (usize, usize),
}

const WHOLE: (usize, usize) = (0, UNSLICED);

/// Old logical axes (physical dims `dims`, outermost first) as one dimension.
fn merge(view: &View, stride: &[usize], dims: &[usize]) -> Option<Physical> {
    let logical: usize = dims.iter().map(|&p| logical_size(view, p)).product();
    if dims.iter().all(|&p| view.fake[p]) {
        return Some(Physical { size: logical, fake: true, slice: WHOLE, padding: (0, 0) });
    }
    let first = dims[0];
    // Each inner dimension whole, and directly inside the one before it in the buffer.
    let adjacent = dims.windows(2).all(|w| {
        !view.fake[w[1]] && dim_untouched(view, w[1]) && stride[w[0]] == stride[w[1]] * view.dims[w[1]]
    });
    if view.fake[first] || !adjacent {
        return None;
    }
    // Coordinates of the first dimension (padded, then sliced) scale by the inner size.
    let inner: usize = dims[1..].iter().map(|&p| view.dims[p]).product();
    let start = view.slices[first].0;
    let (before, after) = view.padding[first];
    Some(Physical {
        size: view.dims[first] * inner,
        fake: false,
        slice: (start * inner, start * inner + logical),
        padding: (before * inner, after * inner),
    })
}

/// `d` as dimensions of `sizes` (their product is `d`'s logical size).
fn split(d: Physical, sizes: &[usize]) -> Option<Vec<Physical>> {
    if d.fake {
        return Some(sizes.iter().map(|&size| Physical { size, fake: true, slice: WHOLE, padding: (0, 0) }).collect());
    }
    let inner: usize = sizes[1..].iter().product();
    let (start, end) = d.slice;
    let (before, after) = d.padding;
    if [start, d.size, before, after].iter().any(|&x| x % inner != 0) {
        return None;
    }
    let padding = (before / inner, after / inner);
    let whole = start == 0 && end == d.size + before + after;
    let slice = if whole { WHOLE } else { (start / inner, end / inner) };
    let mut dims = vec![Physical { size: d.size / inner, fake: false, slice, padding }];
    dims.extend(sizes[1..].iter().map(|&size| Physical { size, fake: false, slice: WHOLE, padding: (0, 0) }));
    Some(dims)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every view operation gives the same tracker as luminal's own.
    #[test]
    fn views_match_luminal_trackers() {
        let e = |n: usize| Expression::from(n);
        let mut v = View::new(&[2, 3, 4]);
        let mut st = ShapeTracker::new(&[e(2), e(3), e(4)]);
        assert_eq!(v.to_tracker(), st);
        v.permute(&[2, 0, 1]);
        st.permute(&[2, 0, 1]);
        assert_eq!(v.to_tracker(), st);
        v.expand(1, 5usize);
        st.expand(1, e(5));
        assert_eq!(v.to_tracker(), st);
        v.add_dim(0, 1usize);
        st.add_dim(0, e(1));
        assert_eq!(v.to_tracker(), st);
        let p = v.indexes[2];
        v.slices[p] = (1, 3);
        st.slices[p] = (e(1), e(3));
        v.padding[v.indexes[3]] = (2, 1);
        st.padding[st.indexes[3]] = (e(2), e(1));
        assert_eq!(v.to_tracker(), st);
        assert_eq!(v.remove_dim(0), 1);
        assert_eq!(st.remove_dim(0), e(1));
        assert_eq!(v.to_tracker(), st);
        assert_eq!(v.len(), st.len());
        assert_eq!(v.is_contiguous(), st.is_contiguous());
        assert_eq!(
            (v.is_sliced(), v.is_padded()),
            (st.is_sliced(), st.is_padded())
        );
        assert!(v.is_sliced() && v.is_padded() && !v.is_contiguous());
        // [4, 5 sliced to 1..3, 2 padded by (2, 1), 3]
        assert_eq!(logical_shape(&v), vec![4, 2, 5, 3]);
        let plain = View::new(&[3, 1]);
        assert!(is_plain(&plain) && plain.to_tracker().is_contiguous());
    }
}
