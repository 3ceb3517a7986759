//! Regularisation: dropout (PyTorch's `nn.Dropout`) and L1/L2 penalties.
//! (Weight decay itself is an optimizer option: `Sgd::weight_decay`, `Adam::weight_decay`.)

use std::cell::Cell;

use crate::nn::Module;
use crate::rng::Rng;
use crate::tensor::Tensor;

/// Inverted dropout: with `training`, every element is zeroed with
/// probability `p` and the others are scaled by `1 / (1 - p)` (so the
/// expected value is unchanged); without, `x` is returned as is. The mask is
/// drawn from [`Rng`] seeded with `seed` (row-major, one uniform number per
/// element, dropped where it is below `p`).
#[track_caller]
pub fn dropout(x: &Tensor, p: f32, training: bool, seed: u64) -> Tensor {
    if !(0.0..=1.0).contains(&p) {
        panic!("dropout: p must be between 0 and 1, but got {p}");
    }
    if !training || p == 0.0 {
        return x.clone();
    }
    if p == 1.0 {
        return x.mul(0.0);
    }
    let mut rng = Rng::new(seed);
    let keep = 1.0 / (1.0 - p);
    let mask = (0..x.numel())
        .map(|_| if rng.uniform() < p { 0.0 } else { keep })
        .collect();
    x.mul(Tensor::from_vec(mask, &x.shape()))
}

/// Dropout as a module (PyTorch's `nn.Dropout(p)`): active in training mode
/// (the default), the identity after `set_training(false)`. Every call in
/// training mode draws a fresh mask: call `i` (from 0) uses the seed
/// `seed + i`, so a run is reproducible from `seed`.
pub struct Dropout {
    pub p: f32,
    seed: u64,
    calls: Cell<u64>,
    training: bool,
}

impl Dropout {
    #[track_caller]
    pub fn new(p: f32, seed: u64) -> Dropout {
        if !(0.0..=1.0).contains(&p) {
            panic!("Dropout: p must be between 0 and 1, but got {p}");
        }
        Dropout {
            p,
            seed,
            calls: Cell::new(0),
            training: true,
        }
    }

    pub fn is_training(&self) -> bool {
        self.training
    }
}

impl Module for Dropout {
    fn forward(&self, x: &Tensor) -> Tensor {
        if !self.training {
            return x.clone();
        }
        let i = self.calls.get();
        self.calls.set(i + 1);
        dropout(x, self.p, true, self.seed.wrapping_add(i))
    }

    fn set_training(&mut self, on: bool) {
        self.training = on;
    }
}

/// The L1 penalty `Σ |w|` over every element of every tensor (add
/// `lambda · l1_penalty(&model.parameters())` to a loss).
pub fn l1_penalty(params: &[Tensor]) -> Tensor {
    params
        .iter()
        .map(|p| p.abs().sum())
        .reduce(|a, b| a.add(b))
        .unwrap_or_else(|| Tensor::scalar(0.0))
}

/// The L2 penalty `Σ w²` over every element of every tensor (no ½: its
/// gradient is `2w`; `lambda · l2_penalty` matches SGD's `weight_decay = 2·lambda`).
pub fn l2_penalty(params: &[Tensor]) -> Tensor {
    params
        .iter()
        .map(|p| p.square().sum())
        .reduce(|a, b| a.add(b))
        .unwrap_or_else(|| Tensor::scalar(0.0))
}
