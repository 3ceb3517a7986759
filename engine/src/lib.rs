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

mod autograd;
mod cpu;
#[cfg(feature = "cuda")]
mod cuda;
pub mod device;
mod display;
mod gpu_memory;
mod shape_checks;
mod ir;
mod luminal_backend;
mod ops;
mod realize;
pub mod rng;
mod tensor;
pub mod testing;
mod view;

pub mod data;
pub mod env;
/// Saving and loading parameters as safetensors files (weeks 2–3).
pub mod io;
pub mod nn;
pub mod optim;
pub mod train;

pub use cpu::runtime;
pub use tensor::Tensor;

/// Everything a learner needs: `use nma_engine::prelude::*;`
/// `use nma_engine::prelude::*;` brings types, traits and the modules, but no free
/// functions: a learner's exercise often defines its own `cross_entropy` or `relu`, and
/// two glob imports of one name would be ambiguous in the tests. Functions are one
/// module away: `nn::cross_entropy(&logits, &labels)`, `data::moons(200, 0.1, 0)`.
pub mod prelude {
    pub use crate::data::{self, Batch, Dataset, Targets};
    pub use crate::nn::{
        self, Activation, LeakyReLU, Linear, LogSoftmax, Mlp, Module, ReLU, Sequential, Sigmoid, Softmax, Tanh,
        GELU,
    };
    pub use crate::optim::{self, Adam, AdamW, Optimizer, RmsProp, Sgd};
    pub use crate::rng::Rng;
    pub use crate::tensor::Tensor;
    pub use crate::train::{self, History, Trainer};
    // weeks 2–3: sequences, attention, generative models, environments
    pub use crate::data::TokenDataset;
    pub use crate::env::{self, CartPole, GridWorld, TicTacToe};
    pub use crate::nn::{
        Embedding, Frozen, Gru, GruCell, Lstm, LstmCell, MultiHeadAttention, Rnn, RnnCell, TransformerEncoderBlock,
    };
    // weeks 2–3: convolutions, normalisation, regularisation, model files
    pub use crate::io;
    pub use crate::nn::{
        AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, ConvTranspose2d, Dropout, Flatten,
        GroupNorm, LayerNorm, MaxPool2d, Unflatten,
    };
}

#[cfg(test)]
mod internal_tests;
