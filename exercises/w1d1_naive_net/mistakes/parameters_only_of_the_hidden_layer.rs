// Returns only the hidden layer's parameters, so the optimizer never trains the output layer.
//! W1D1 — a first network (reference solution).
use nma_engine::prelude::*;

pub struct NaiveNet {
    pub hidden: Linear,
    pub output: Linear,
}

impl NaiveNet {
    pub fn new(seed: u64) -> NaiveNet {
        NaiveNet {
            hidden: Linear::new(2, 16, seed),
            output: Linear::new(16, 2, seed.wrapping_add(1)),
        }
    }

    pub fn predict(&self, x: &Tensor) -> Vec<usize> {
        self.forward(x).argmax_dim(1)
    }
}

impl Module for NaiveNet {
    fn forward(&self, x: &Tensor) -> Tensor {
        self.output.forward(&self.hidden.forward(x).relu())
    }

    fn parameters(&self) -> Vec<Tensor> {
        let mut params = self.hidden.parameters();
        params
    }
}
