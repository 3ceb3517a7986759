//! Helpers around luminal's `ShapeTracker`, the view carried by every tensor.
//!
//! We only ever store concrete numbers in trackers, and we compute the logical
//! shape ourselves: luminal's `ShapeTracker::shape()` mis-sizes a dimension that
//! is sliced at both ends, so it is never used here.

use luminal::prelude::symbolic::Expression;
use luminal::prelude::ShapeTracker;

/// Maximum number of dimensions a tracker (and so a tensor) can have.
pub(crate) const MAX_DIMS: usize = 6;

/// A plain row-major view of a buffer with this shape.
pub(crate) fn plain(shape: &[usize]) -> ShapeTracker {
    let dims: Vec<Expression> = shape.iter().map(|&d| Expression::from(d)).collect();
    ShapeTracker::new(&dims)
}

pub(crate) fn to_usize(e: Expression) -> usize {
    e.to_usize()
        .expect("engine views only ever hold concrete sizes")
}

/// The shape a tensor seen through `view` has.
pub(crate) fn logical_shape(view: &ShapeTracker) -> Vec<usize> {
    view.indexes
        .iter()
        .map(|&p| {
            let (pad_before, pad_after) = view.padding[p];
            let padded = to_usize(view.dims[p]) + to_usize(pad_before) + to_usize(pad_after);
            let (start, end) = view.slices[p];
            padded.min(to_usize(end)).saturating_sub(to_usize(start))
        })
        .collect()
}

/// True when the view reads the whole buffer in order: no permutation,
/// broadcasting, slicing or padding.
pub(crate) fn is_plain(view: &ShapeTracker) -> bool {
    view.is_contiguous() && !view.is_sliced() && !view.is_padded()
}

/// Physical dimension `p` is neither sliced nor padded.
pub(crate) fn dim_untouched(view: &ShapeTracker, p: usize) -> bool {
    let (start, end) = view.slices[p];
    let (before, after) = view.padding[p];
    to_usize(start) == 0
        && to_usize(end) == i32::MAX as usize
        && to_usize(before) == 0
        && to_usize(after) == 0
}

/// Can logical axis `axis` (of size 1) be dropped from the tracker without
/// changing which elements are read? True for broadcast dims and for real dims
/// that are physically size 1 and untouched.
pub(crate) fn unit_dim_removable(view: &ShapeTracker, axis: usize) -> bool {
    let p = view.indexes[axis];
    view.fake[p] || (to_usize(view.dims[p]) == 1 && dim_untouched(view, p))
}

/// Read `data` (a node's contiguous buffer) through `view` into a fresh
/// row-major vector, the same way luminal's operators read their inputs.
pub(crate) fn read(data: &[f32], view: &ShapeTracker) -> Vec<f32> {
    if is_plain(view) {
        return data.to_vec();
    }
    // Integer strides computed once (see cpu/strided.rs), not luminal's
    // index expressions interpreted per element.
    crate::cpu::read_view(data, view)
}
