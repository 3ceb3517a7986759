//! W1D3 — a multilayer perceptron with any number of hidden layers.
use nma_engine::prelude::*;

pub struct Net {
    /// The linear layers, in the order they are applied.
    pub layers: Vec<Linear>,
    /// Applied after every layer except the last.
    pub activation: Activation,
}

impl Net {
    /// Layers inputs → hidden[0] → hidden[1] → … → outputs, seeded from `seed`.
    pub fn new(activation: Activation, inputs: usize, hidden: &[usize], outputs: usize, seed: u64) -> Net {
        // TODO: one Linear layer per pair of neighbouring sizes in [inputs, hidden…, outputs].
        // This placeholder ignores the hidden sizes and builds a single layer.
        let _ = hidden;
        Net { layers: vec![Linear::new(inputs, outputs, seed)], activation }
    }
}

impl Module for Net {
    fn forward(&self, x: &Tensor) -> Tensor {
        // TODO: apply the activation after every layer except the last.
        // This placeholder applies the layers with no activation at all.
        let mut h = x.clone();
        for layer in &self.layers {
            h = layer.forward(&h);
        }
        h
    }

    // TODO: write `fn parameters(&self) -> Vec<Tensor>`, the weights and biases of every
    // layer in order. Without it the network has no parameters.
}
