//! Shape checks shared by many operations. Every check panics with
//! `#[track_caller]`, so the reported location is the learner's line, and the
//! message names the operation and the shapes involved.

use crate::view::MAX_DIMS;

/// NumPy/PyTorch broadcasting: align shapes on the right; each pair of sizes
/// must be equal or contain a 1.
#[track_caller]
pub(crate) fn broadcast_shapes(op: &str, a: &[usize], b: &[usize]) -> Vec<usize> {
    match try_broadcast(a, b) {
        Some(shape) => shape,
        None => panic!(
            "{op}: shapes {a:?} and {b:?} cannot be broadcast together \
             (matching from the right, each pair of sizes must be equal or one of them must be 1)"
        ),
    }
}

pub(crate) fn try_broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        // Missing leading dimensions count as 1.
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

/// `dim` must name an existing dimension of `shape`.
#[track_caller]
pub(crate) fn check_dim(op: &str, dim: usize, shape: &[usize]) {
    if dim >= shape.len() {
        let valid = match shape.len() {
            0 => "it has no dimensions at all".to_string(),
            1 => "it has 1 dimension, so dim must be 0".to_string(),
            n => format!(
                "it has {n} dimensions, so dim must be between 0 and {}",
                n - 1
            ),
        };
        panic!("{op}: dimension {dim} is out of range for a tensor of shape {shape:?} ({valid})");
    }
}

/// The engine (via luminal's shape trackers) supports at most six dimensions.
#[track_caller]
pub(crate) fn check_rank(op: &str, ndim: usize) {
    if ndim > MAX_DIMS {
        panic!(
            "{op}: tensors can have at most {MAX_DIMS} dimensions, but this would create one with {ndim}"
        );
    }
}

pub(crate) fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}
