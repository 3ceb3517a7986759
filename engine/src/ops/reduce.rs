//! Reductions, built from luminal's `SumReduce` and `MaxReduce`.

use crate::shape_checks::check_dim;
use crate::ir::Op;
use crate::tensor::Tensor;

#[derive(Clone, Copy)]
enum Reduce {
    Sum,
    Max,
}

impl Tensor {
    /// Reduces dimension `dim` away. luminal's reduce operators size their
    /// loops with `ShapeTracker::shape()`, which is wrong for sliced views, and
    /// skip padding instead of reading it as zeros (wrong for max), so sliced
    /// and padded inputs are made contiguous first.
    #[track_caller]
    fn reduce_dim(&self, name: &str, kind: Reduce, dim: usize) -> Tensor {
        let shape = self.shape();
        check_dim(name, dim, &shape);
        let mut out_shape = shape.clone();
        out_shape.remove(dim);
        if shape[dim] == 0 {
            return match kind {
                // An empty sum is 0 (so an empty mean is 0/0 = NaN, as in PyTorch).
                Reduce::Sum => Tensor::constant(0.0).broadcast_view(&out_shape),
                Reduce::Max => panic!(
                    "{name}: cannot reduce dimension {dim} of shape {shape:?} because it has size 0"
                ),
            };
        }
        let input = if self.view.is_sliced() || self.view.is_padded() {
            self.contiguous()
        } else {
            self.clone()
        };
        let op = match kind {
            Reduce::Sum => Op::SumReduce(dim),
            Reduce::Max => Op::MaxReduce(dim),
        };
        Tensor::from_op(op, vec![input], out_shape)
    }

    /// Reduces all elements to a scalar (shape `[]`).
    #[track_caller]
    fn reduce_all(&self, name: &str, kind: Reduce) -> Tensor {
        if self.numel() == 0 {
            if let Reduce::Max = kind {
                panic!(
                    "{name}: the tensor has no elements (shape {:?}), so it has no {name}",
                    self.shape()
                );
            }
        }
        self.flatten().reduce_dim(name, kind, 0)
    }

    #[track_caller]
    fn keep_dim_if(reduced: Tensor, keepdim: bool, dim: usize) -> Tensor {
        if keepdim {
            reduced.unsqueeze(dim)
        } else {
            reduced
        }
    }

    /// The sum of all elements, as a scalar tensor (shape `[]`).
    pub fn sum(&self) -> Tensor {
        self.reduce_all("sum", Reduce::Sum)
    }

    /// The mean of all elements, as a scalar tensor (NaN for an empty tensor).
    pub fn mean(&self) -> Tensor {
        let n = self.numel() as f32;
        self.sum().mul(1.0 / n)
    }

    /// The largest element, as a scalar tensor. NaN elements are ignored.
    ///
    /// Panics if the tensor is empty.
    #[track_caller]
    pub fn max(&self) -> Tensor {
        self.reduce_all("max", Reduce::Max)
    }

    /// The smallest element, as a scalar tensor (computed as `-max(-x)`).
    ///
    /// Panics if the tensor is empty.
    #[track_caller]
    pub fn min(&self) -> Tensor {
        self.neg().reduce_all("min", Reduce::Max).neg()
    }

    /// Sums over dimension `dim`. With `keepdim` the dimension stays with size 1
    /// (handy for broadcasting back, e.g. `x / x.sum_dim(1, true)`).
    #[track_caller]
    pub fn sum_dim(&self, dim: usize, keepdim: bool) -> Tensor {
        Tensor::keep_dim_if(self.reduce_dim("sum_dim", Reduce::Sum, dim), keepdim, dim)
    }

    /// Mean over dimension `dim`.
    #[track_caller]
    pub fn mean_dim(&self, dim: usize, keepdim: bool) -> Tensor {
        let reduced = self.reduce_dim("mean_dim", Reduce::Sum, dim);
        let n = self.shape()[dim] as f32;
        Tensor::keep_dim_if(reduced.mul(1.0 / n), keepdim, dim)
    }

    /// Maximum over dimension `dim` (values only; see [`argmax_dim`](Tensor::argmax_dim)).
    /// NaN elements are ignored.
    #[track_caller]
    pub fn max_dim(&self, dim: usize, keepdim: bool) -> Tensor {
        Tensor::keep_dim_if(self.reduce_dim("max_dim", Reduce::Max, dim), keepdim, dim)
    }

    /// Minimum over dimension `dim` (computed as `-max(-x)`).
    #[track_caller]
    pub fn min_dim(&self, dim: usize, keepdim: bool) -> Tensor {
        let reduced = self.neg().reduce_dim("min_dim", Reduce::Max, dim).neg();
        Tensor::keep_dim_if(reduced, keepdim, dim)
    }

    /// The index of the largest element along `dim`, for every position of the
    /// other dimensions (row-major order). For logits of shape `[N, C]`,
    /// `argmax_dim(1)` gives the predicted class of each of the `N` rows.
    /// The first maximum wins ties; NaN counts as larger than any number.
    /// Computes the tensor's values.
    #[track_caller]
    pub fn argmax_dim(&self, dim: usize) -> Vec<usize> {
        let shape = self.shape();
        check_dim("argmax_dim", dim, &shape);
        let size = shape[dim];
        if size == 0 {
            panic!("argmax_dim: dimension {dim} of shape {shape:?} has size 0, so it has no largest element");
        }
        let inner: usize = shape[dim + 1..].iter().product();
        let outer: usize = shape[..dim].iter().product();
        let values = self.to_vec();
        let mut result = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for i in 0..inner {
                let at = |k: usize| values[(o * size + k) * inner + i];
                let mut best = 0;
                for k in 1..size {
                    let (candidate, current) = (at(k), at(best));
                    if !current.is_nan() && (candidate > current || candidate.is_nan()) {
                        best = k;
                    }
                }
                result.push(best);
            }
        }
        result
    }
}
