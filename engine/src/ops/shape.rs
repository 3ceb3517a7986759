//! Shape operations. Most only change the view; a `Contiguous` copy is
//! inserted when luminal's trackers cannot express the result as a view.

use std::rc::Rc;

use crate::shape_checks::{check_dim, check_rank, numel};
use crate::ir::Op;
use crate::tensor::Tensor;
use crate::view;

impl Tensor {
    /// The same elements (in row-major order) with a new shape of the same size.
    #[track_caller]
    pub fn reshape(&self, shape: &[usize]) -> Tensor {
        let old = self.shape();
        if numel(shape) != numel(&old) {
            panic!(
                "reshape: cannot reshape a tensor of shape {old:?} ({} elements) into shape {shape:?} ({} elements)",
                numel(&old),
                numel(shape)
            );
        }
        check_rank("reshape", shape.len());
        if numel(shape) == 0 {
            return Tensor::leaf(Rc::new(Vec::new()), shape.to_vec());
        }
        // A view where one can say it (heads split off a slice, a broadcast
        // folded into another shape); otherwise copy first.
        if let Some(view) = view::reshaped(&self.view, shape) {
            return Tensor {
                node: self.node.clone(),
                view,
            };
        }
        let source = self.contiguous();
        Tensor {
            node: source.node,
            view: view::plain(shape),
        }
    }

    /// All elements as a 1-D tensor.
    pub fn flatten(&self) -> Tensor {
        self.reshape(&[self.numel()])
    }

    /// Reorders dimensions: dimension `i` of the result is dimension `dims[i]`
    /// of `self`. For a `[2, 3, 4]` tensor, `permute(&[2, 0, 1])` has shape `[4, 2, 3]`.
    #[track_caller]
    pub fn permute(&self, dims: &[usize]) -> Tensor {
        let shape = self.shape();
        let mut seen = vec![false; shape.len()];
        let valid = dims.len() == shape.len()
            && dims
                .iter()
                .all(|&d| d < shape.len() && !std::mem::replace(&mut seen[d], true));
        if !valid {
            panic!(
                "permute: {dims:?} is not a valid order for a tensor of shape {shape:?}; \
                 it must list each of the dimensions 0..{} exactly once",
                shape.len()
            );
        }
        let mut result = self.clone();
        result.view.permute(dims);
        result
    }

    /// Swaps two dimensions.
    #[track_caller]
    pub fn transpose(&self, dim0: usize, dim1: usize) -> Tensor {
        let shape = self.shape();
        check_dim("transpose", dim0, &shape);
        check_dim("transpose", dim1, &shape);
        let mut order: Vec<usize> = (0..shape.len()).collect();
        order.swap(dim0, dim1);
        self.permute(&order)
    }

    /// The transpose of a matrix (1-D and 0-D tensors are returned unchanged, like PyTorch).
    #[track_caller]
    pub fn t(&self) -> Tensor {
        match self.ndim() {
            0 | 1 => self.clone(),
            2 => self.transpose(0, 1),
            _ => panic!(
                "t: expects a matrix (2 dimensions) but got shape {:?}; use transpose(dim0, dim1) for tensors with more dimensions",
                self.shape()
            ),
        }
    }

    /// Inserts a dimension of size 1 at position `dim` (`0..=ndim`).
    #[track_caller]
    pub fn unsqueeze(&self, dim: usize) -> Tensor {
        let shape = self.shape();
        if dim > shape.len() {
            panic!(
                "unsqueeze: position {dim} is out of range for a tensor of shape {shape:?} (it must be between 0 and {})",
                shape.len()
            );
        }
        check_rank("unsqueeze", shape.len() + 1);
        let mut result = self.clone();
        if view::is_plain(&self.view) {
            // Keep plain views plain, so later reshapes and unary ops need no copy.
            let mut new_shape = shape;
            new_shape.insert(dim, 1);
            result.view = view::plain(&new_shape);
        } else {
            result.view.add_dim(dim, 1usize);
        }
        result
    }

    /// Removes dimension `dim`, which must have size 1.
    #[track_caller]
    pub fn squeeze(&self, dim: usize) -> Tensor {
        let shape = self.shape();
        check_dim("squeeze", dim, &shape);
        if shape[dim] != 1 {
            panic!(
                "squeeze: dimension {dim} of shape {shape:?} has size {}, but only dimensions of size 1 can be removed",
                shape[dim]
            );
        }
        self.without_unit_dim(dim)
    }

    /// Broadcasts to `shape` without copying (like `torch.expand` / `numpy.broadcast_to`):
    /// sizes are matched from the right, and each size must be equal or be 1
    /// in `self`; new leading dimensions may be added.
    #[track_caller]
    pub fn expand(&self, shape: &[usize]) -> Tensor {
        let own = self.shape();
        let compatible = shape.len() >= own.len()
            && own
                .iter()
                .zip(&shape[shape.len() - own.len()..])
                .all(|(&from, &to)| from == to || from == 1);
        if !compatible {
            panic!(
                "expand: a tensor of shape {own:?} cannot be expanded to shape {shape:?} \
                 (matching from the right, each size must be equal or be 1 in the original)"
            );
        }
        check_rank("expand", shape.len());
        self.broadcast_view(shape)
    }

    /// Elements `start..end` (end excluded) along dimension `dim`, as a view.
    #[track_caller]
    pub fn slice(&self, dim: usize, start: usize, end: usize) -> Tensor {
        let shape = self.shape();
        check_dim("slice", dim, &shape);
        if start > end || end > shape[dim] {
            panic!(
                "slice: range {start}..{end} does not fit dimension {dim} of shape {shape:?}; \
                 it needs start <= end <= {}",
                shape[dim]
            );
        }
        if start == 0 && end == shape[dim] {
            return self.clone();
        }
        let mut result = self.clone();
        let p = result.view.indexes[dim];
        // luminal cannot slice a dimension that is also padded: copy first.
        let (before, after) = result.view.padding[p];
        if view::to_usize(before) != 0 || view::to_usize(after) != 0 {
            result = result.contiguous();
        }
        let p = result.view.indexes[dim];
        // Trackers store slices in buffer coordinates, so offset by any earlier slice.
        let offset = view::to_usize(result.view.slices[p].0);
        result.view.slices[p] = (offset + start, offset + end);
        result
    }

    /// Joins tensors along an existing dimension `dim`. All tensors must have
    /// the same shape except in that dimension.
    #[track_caller]
    pub fn cat(tensors: &[&Tensor], dim: usize) -> Tensor {
        let Some(first) = tensors.first() else {
            panic!("cat: needs at least one tensor, but the list is empty");
        };
        let first_shape = first.shape();
        check_dim("cat", dim, &first_shape);
        for (i, t) in tensors.iter().enumerate().skip(1) {
            let shape = t.shape();
            let matches = shape.len() == first_shape.len()
                && shape
                    .iter()
                    .zip(&first_shape)
                    .enumerate()
                    .all(|(d, (a, b))| d == dim || a == b);
            if !matches {
                panic!(
                    "cat: all tensors must have the same shape except in dimension {dim}, \
                     but tensor 0 has shape {first_shape:?} and tensor {i} has shape {shape:?}"
                );
            }
        }
        let total: usize = tensors.iter().map(|t| t.shape()[dim]).sum();
        let mut out_shape = first_shape.clone();
        out_shape[dim] = total;

        // Concatenation with primitives: pad every part with zeros to the full
        // length (each at its own offset) and add the padded views together.
        let mut sum: Option<Tensor> = None;
        let mut offset = 0;
        for t in tensors {
            let size = t.shape()[dim];
            if size == 0 || numel(&out_shape) == 0 {
                continue;
            }
            let part = t.padded(dim, offset, total - offset - size);
            offset += size;
            sum = Some(match sum {
                None => part,
                Some(acc) => Tensor::from_op(Op::Add, vec![acc, part], out_shape.clone()),
            });
        }
        sum.unwrap_or_else(|| Tensor::leaf(Rc::new(Vec::new()), out_shape))
    }

    /// Joins tensors of identical shape along a new dimension `dim`.
    #[track_caller]
    pub fn stack(tensors: &[&Tensor], dim: usize) -> Tensor {
        let Some(first) = tensors.first() else {
            panic!("stack: needs at least one tensor, but the list is empty");
        };
        let first_shape = first.shape();
        for (i, t) in tensors.iter().enumerate().skip(1) {
            if t.shape() != first_shape {
                panic!(
                    "stack: all tensors must have the same shape, but tensor 0 has shape {first_shape:?} and tensor {i} has shape {:?}",
                    t.shape()
                );
            }
        }
        if dim > first_shape.len() {
            panic!(
                "stack: position {dim} is out of range for tensors of shape {first_shape:?} (it must be between 0 and {})",
                first_shape.len()
            );
        }
        let parts: Vec<Tensor> = tensors.iter().map(|t| t.unsqueeze(dim)).collect();
        let refs: Vec<&Tensor> = parts.iter().collect();
        Tensor::cat(&refs, dim)
    }
}

// Internal view helpers, shared with other operations.
impl Tensor {
    /// Broadcasts to `target` (already validated) as a view: new leading
    /// dimensions and size-1 dimensions become luminal "fake" dimensions.
    pub(crate) fn broadcast_view(&self, target: &[usize]) -> Tensor {
        let own = self.shape();
        if own == target {
            return self.clone();
        }
        let lead = target.len() - own.len();
        let widened: Vec<usize> = (0..own.len())
            .filter(|&i| own[i] != target[lead + i])
            .collect();
        // A size-1 dimension can only be swapped for a fake one if dropping it
        // does not change which elements are read (e.g. it is not a slice).
        let mut result = if widened
            .iter()
            .all(|&i| view::unit_dim_removable(&self.view, i))
        {
            self.clone()
        } else {
            self.contiguous()
        };
        for &i in &widened {
            result.view.remove_dim(i);
            result.view.expand(i, target[lead + i]);
        }
        for (i, &size) in target[..lead].iter().enumerate() {
            result.view.expand(i, size);
        }
        result
    }

    /// Removes logical dimension `dim` (of size 1) from the view.
    pub(crate) fn without_unit_dim(&self, dim: usize) -> Tensor {
        if view::is_plain(&self.view) {
            let mut new_shape = self.shape();
            new_shape.remove(dim);
            return Tensor {
                node: self.node.clone(),
                view: view::plain(&new_shape),
            };
        }
        let mut result = if view::unit_dim_removable(&self.view, dim) {
            self.clone()
        } else {
            self.contiguous()
        };
        result.view.remove_dim(dim);
        result
    }

    /// Inserts a broadcast (fake) dimension of `size` at position `dim`.
    pub(crate) fn with_broadcast_dim(&self, dim: usize, size: usize) -> Tensor {
        let mut result = self.clone();
        result.view.expand(dim, size);
        result
    }

    /// Pads dimension `dim` with `before` and `after` zeros, as a view.
    pub(crate) fn padded(&self, dim: usize, before: usize, after: usize) -> Tensor {
        if before == 0 && after == 0 {
            return self.clone();
        }
        // luminal cannot pad a sliced or broadcast dimension (the padding would
        // be ignored), so such a dimension is copied first; other dimensions
        // may be sliced or padded (each dimension's index is its own).
        let p = self.view.indexes[dim];
        let mut result = if !view::dim_untouched(&self.view, p) || self.view.fake[p] {
            self.contiguous()
        } else {
            self.clone()
        };
        let p = result.view.indexes[dim];
        result.view.padding[p] = (before, after);
        result
    }
}
