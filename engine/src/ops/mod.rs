//! Tensor operations. Each file adds methods to [`Tensor`](crate::Tensor).

mod elementwise;
mod linalg;
mod operators;
mod reduce;
mod shape;
