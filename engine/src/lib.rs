//! `nma-engine`: the deep-learning engine behind nma-tutor.
//!
//! Learners work with one type, [`Tensor`]: a runtime-shaped, lazily evaluated
//! array of `f32`. Building an expression such as `(&x * 2.0 + 1.0).relu()`
//! only records operations; numbers are computed when they are asked for
//! (`to_vec()`, `item()`, printing), by lowering the recorded graph into a
//! [luminal](https://crates.io/crates/luminal) graph and running it on the CPU.
//!
//! Internally every operation is expressed with luminal's primitive operators
//! (log2, exp2, sin, sqrt, recip, add, mul, mod, less-than, sum/max reduction,
//! contiguous, constant) plus views (permute, broadcast, slice, pad, reshape).
//! See `ir.rs` for the representation and `realize.rs` for evaluation.
//!
//! ```
//! use nma_engine::prelude::*;
//!
//! let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]);
//! let y = x.matmul(&x.t()) + 1.0;
//! assert_eq!(y.to_vec(), vec![6.0, 12.0, 12.0, 26.0]);
//! ```
//!
//! Tensors hold `Rc`s, so they are single-threaded (`!Send`).

mod display;
mod errors;
mod ir;
mod ops;
mod realize;
pub mod rng;
mod tensor;
pub mod testing;
mod view;

pub use tensor::Tensor;

/// Everything a learner needs: `use nma_engine::prelude::*;`
pub mod prelude {
    pub use crate::rng::Rng;
    pub use crate::tensor::Tensor;
    pub use crate::testing::{assert_close, assert_scalar_close};
}

#[cfg(test)]
mod internal_tests;
