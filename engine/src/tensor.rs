//! The learner-facing [`Tensor`] type: creation and inspection.

use std::rc::Rc;

use crate::shape_checks::{check_rank, numel};
use crate::ir::Op;
use crate::realize::realize;
use crate::rng::Rng;
use crate::view;

pub use crate::ir::Tensor;

// ---------------------------------------------------------------- creation
impl Tensor {
    /// A tensor with the given row-major `data` and `shape`.
    ///
    /// Panics if `data.len()` is not the product of the sizes in `shape`.
    #[track_caller]
    pub fn from_vec(data: Vec<f32>, shape: &[usize]) -> Tensor {
        check_rank("from_vec", shape.len());
        let expected = numel(shape);
        if data.len() != expected {
            panic!(
                "from_vec: shape {shape:?} needs {expected} values, but {} were given",
                data.len()
            );
        }
        Tensor::leaf(Rc::new(data), shape.to_vec())
    }

    /// A scalar (shape `[]`) holding `value`.
    pub fn scalar(value: f32) -> Tensor {
        Tensor::leaf(Rc::new(vec![value]), Vec::new())
    }

    /// A tensor of the given shape filled with `value`.
    #[track_caller]
    pub fn full(shape: &[usize], value: f32) -> Tensor {
        check_rank("full", shape.len());
        Tensor::leaf(Rc::new(vec![value; numel(shape)]), shape.to_vec())
    }

    /// A tensor of the given shape filled with zeros.
    #[track_caller]
    pub fn zeros(shape: &[usize]) -> Tensor {
        Tensor::full(shape, 0.0)
    }

    /// A tensor of the given shape filled with ones.
    #[track_caller]
    pub fn ones(shape: &[usize]) -> Tensor {
        Tensor::full(shape, 1.0)
    }

    /// Zeros with the same shape as `other`.
    pub fn zeros_like(other: &Tensor) -> Tensor {
        Tensor::zeros(&other.shape())
    }

    /// Ones with the same shape as `other`.
    pub fn ones_like(other: &Tensor) -> Tensor {
        Tensor::ones(&other.shape())
    }

    /// The 1-D tensor `[start, start + step, start + 2*step, ...]`, stopping
    /// before `end` (like `torch.arange`, `end` is excluded).
    ///
    /// Panics if `step` is zero or points away from `end`.
    #[track_caller]
    pub fn arange(start: f32, end: f32, step: f32) -> Tensor {
        if step == 0.0 || !step.is_finite() || !start.is_finite() || !end.is_finite() {
            panic!("arange: start, end and step must be finite numbers and step must not be 0 (got start={start}, end={end}, step={step})");
        }
        if (end - start) * step < 0.0 {
            panic!("arange: a step of {step} can never get from {start} to {end}; use a step with the opposite sign");
        }
        // Computed in f64 like PyTorch, so e.g. arange(0, 1, 0.1) has 10 elements.
        let (start, end, step) = (start as f64, end as f64, step as f64);
        let count = ((end - start) / step).ceil().max(0.0) as usize;
        let data = (0..count)
            .map(|i| (start + i as f64 * step) as f32)
            .collect();
        Tensor::leaf(Rc::new(data), vec![count])
    }

    /// Uniform random numbers in `[0, 1)`, reproducible from `seed` on every
    /// platform (see [`Rng`]).
    #[track_caller]
    pub fn rand(shape: &[usize], seed: u64) -> Tensor {
        check_rank("rand", shape.len());
        let mut rng = Rng::new(seed);
        let data = (0..numel(shape)).map(|_| rng.uniform()).collect();
        Tensor::leaf(Rc::new(data), shape.to_vec())
    }

    /// Standard normal random numbers (mean 0, standard deviation 1),
    /// reproducible from `seed` on every platform (see [`Rng`]).
    #[track_caller]
    pub fn randn(shape: &[usize], seed: u64) -> Tensor {
        check_rank("randn", shape.len());
        let mut rng = Rng::new(seed);
        let data = (0..numel(shape)).map(|_| rng.normal()).collect();
        Tensor::leaf(Rc::new(data), shape.to_vec())
    }

    /// Uniform random numbers in `[0, 1)` with the same shape as `other`.
    pub fn rand_like(other: &Tensor, seed: u64) -> Tensor {
        Tensor::rand(&other.shape(), seed)
    }

    /// The `n × n` identity matrix.
    pub fn eye(n: usize) -> Tensor {
        let mut data = vec![0.0; n * n];
        for i in 0..n {
            data[i * n + i] = 1.0;
        }
        Tensor::leaf(Rc::new(data), vec![n, n])
    }

    /// One-hot encoding: row `i` of the `[labels.len(), num_classes]` result is
    /// all zeros except a 1 in column `labels[i]`.
    #[track_caller]
    pub fn one_hot(labels: &[usize], num_classes: usize) -> Tensor {
        let mut data = vec![0.0; labels.len() * num_classes];
        for (row, &label) in labels.iter().enumerate() {
            if label >= num_classes {
                panic!(
                    "one_hot: label {label} (at position {row}) is too big for {num_classes} classes; labels must be between 0 and {}",
                    num_classes.saturating_sub(1)
                );
            }
            data[row * num_classes + label] = 1.0;
        }
        Tensor::leaf(Rc::new(data), vec![labels.len(), num_classes])
    }
}

/// `2.0.into()` is a scalar constant; lets methods take `f32` or tensors.
impl From<f32> for Tensor {
    fn from(value: f32) -> Tensor {
        Tensor::constant(value)
    }
}

impl From<&Tensor> for Tensor {
    fn from(value: &Tensor) -> Tensor {
        value.clone()
    }
}

// -------------------------------------------------------------- inspection
impl Tensor {
    /// The size of each dimension, e.g. `[2, 3]` for a 2×3 matrix, `[]` for a scalar.
    pub fn shape(&self) -> Vec<usize> {
        view::logical_shape(&self.view)
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.view.len()
    }

    /// The number of elements (the product of the shape).
    pub fn numel(&self) -> usize {
        numel(&self.shape())
    }

    /// All elements in row-major order. Computes the tensor if needed.
    pub fn to_vec(&self) -> Vec<f32> {
        if self.numel() == 0 {
            return Vec::new();
        }
        let data = realize(&self.node);
        crate::realize::read_through(&data, &self.view)
    }

    /// The single value of a one-element tensor (e.g. a loss).
    ///
    /// Panics unless the tensor has exactly one element.
    #[track_caller]
    pub fn item(&self) -> f32 {
        let n = self.numel();
        if n != 1 {
            panic!(
                "item: expected a tensor with exactly one element, but this tensor has shape {:?} ({n} elements)",
                self.shape()
            );
        }
        self.to_vec()[0]
    }

    /// Whether the values have already been computed (leaves always are).
    pub fn is_realized(&self) -> bool {
        self.node.realized_data().is_some()
    }

    /// Computes the values now and returns a new leaf tensor holding them,
    /// cut off from the operations that produced them (like `torch.detach`,
    /// but also evaluating). Use it to stop a graph growing across loop steps.
    pub fn detach(&self) -> Tensor {
        let shape = self.shape();
        if view::is_plain(&self.view) && self.numel() > 0 {
            return Tensor::leaf(realize(&self.node), shape);
        }
        Tensor::leaf(Rc::new(self.to_vec()), shape)
    }

    /// The same values in a fresh row-major buffer. A no-op (returns a clone)
    /// when the tensor is already laid out that way; permuted, broadcast,
    /// sliced or padded views get a `Contiguous` copy.
    pub fn contiguous(&self) -> Tensor {
        if view::is_plain(&self.view) {
            return self.clone();
        }
        Tensor::from_op(Op::Contiguous, vec![self.clone()], self.shape())
    }
}
