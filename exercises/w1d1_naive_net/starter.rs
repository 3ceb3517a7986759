//! W1D1 — a first network: 2 inputs → 16 hidden ReLU units → 2 class scores.
use nma_engine::prelude::*;

pub struct NaiveNet {
    /// 2 → 16
    pub hidden: Linear,
    /// 16 → 2
    pub output: Linear,
}

impl NaiveNet {
    /// A fresh network whose layers are initialised from `seed`.
    pub fn new(seed: u64) -> NaiveNet {
        // TODO: the hidden layer goes from 2 to 16 units, the output layer from 16 to 2.
        // This placeholder has the wrong sizes.
        NaiveNet {
            hidden: Linear::new(2, 2, seed),
            output: Linear::new(2, 2, seed + 1),
        }
    }

    /// The predicted class (0 or 1) of every row of `x` (shape [n, 2]).
    pub fn predict(&self, x: &Tensor) -> Vec<usize> {
        // TODO: run the network and take the index of the larger score in each row.
        // This placeholder says class 0 every time.
        vec![0; x.shape()[0]]
    }
}

impl Module for NaiveNet {
    /// Class scores of shape [n, 2] for inputs of shape [n, 2].
    fn forward(&self, x: &Tensor) -> Tensor {
        // TODO: hidden layer, ReLU, output layer. This placeholder returns zeros.
        Tensor::zeros(&[x.shape()[0], 2])
    }

    // TODO: write `fn parameters(&self) -> Vec<Tensor>` returning the weights and biases
    // of both layers. Without it the network has no parameters and cannot learn.
}
