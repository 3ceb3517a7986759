//! Optimizers with PyTorch's names, defaults and update formulas (`torch.optim`).
//!
//! Each optimizer holds its parameters (tensors marked with
//! [`requires_grad`](crate::Tensor::requires_grad)) and per-parameter state.
//! [`step`](Optimizer::step) updates every parameter that has a gradient,
//! in place, directly on the numbers (no graph is built, so there is nothing
//! to `detach`); parameters without a gradient are skipped, like PyTorch.
//! All arithmetic is `f32` in the same order as PyTorch's single-tensor
//! implementations, except the bias corrections of [`Adam`], computed in `f64`
//! like Python does.
//!
//! ```
//! use nma_engine::prelude::*;
//!
//! let w = Tensor::from_vec(vec![1.0, -2.0], &[2]).requires_grad();
//! let mut opt = Sgd::new(vec![w.clone()], 0.1).momentum(0.9);
//! for _ in 0..3 {
//!     opt.zero_grad();
//!     w.square().sum().backward(); // gradient 2w
//!     opt.step();
//! }
//! assert!(w.to_vec()[0].abs() < 1.0);
//! ```

use crate::autograd::{check_params, param_grad, update_param};
use crate::tensor::Tensor;

/// What every optimizer can do.
pub trait Optimizer {
    /// Updates every parameter that has a gradient.
    fn step(&mut self);
    /// Forgets all parameters' gradients (call before each `backward`).
    fn zero_grad(&mut self) {
        for p in self.params() {
            p.zero_grad();
        }
    }
    /// The parameters being optimized.
    fn params(&self) -> &[Tensor];
    /// The learning rate.
    fn lr(&self) -> f32;
    /// Changes the learning rate (for schedules).
    fn set_lr(&mut self, lr: f32);
}

/// Runs `update(i, p, g)` for every parameter `i` with a gradient, `p` its
/// values (updated in place) and `g` its gradient.
fn for_each_with_grad(
    name: &str,
    params: &[Tensor],
    mut update: impl FnMut(usize, &mut [f32], &[f32]),
) {
    for (i, p) in params.iter().enumerate() {
        let Some(grad) = param_grad(p) else { continue };
        update_param(p, name, |values| update(i, values, &grad));
    }
}

#[track_caller]
fn check_hyper(who: &str, name: &str, value: f32, ok: bool, rule: &str) {
    if !ok || value.is_nan() {
        panic!("{who}: {name} must be {rule}, but got {value}");
    }
}

// --------------------------------------------------------------------- SGD

/// Stochastic gradient descent, optionally with momentum, Nesterov momentum
/// and weight decay (PyTorch's `torch.optim.SGD`). For each parameter `p`
/// with gradient `g`:
///
/// ```text
/// g = g + weight_decay · p                       (if weight_decay ≠ 0)
/// b = g                                          (first step with momentum)
/// b = momentum · b + (1 - dampening) · g         (later steps)
/// g = g + momentum · b  if nesterov,  else  g = b   (if momentum ≠ 0)
/// p = p - lr · g
/// ```
pub struct Sgd {
    params: Vec<Tensor>,
    lr: f32,
    momentum: f32,
    dampening: f32,
    nesterov: bool,
    weight_decay: f32,
    buffers: Vec<Option<Vec<f32>>>,
}

impl Sgd {
    /// Plain SGD with learning rate `lr` (no momentum, no weight decay).
    #[track_caller]
    pub fn new(params: Vec<Tensor>, lr: f32) -> Sgd {
        check_params("Sgd::new", &params);
        check_hyper("Sgd::new", "the learning rate", lr, lr >= 0.0, "at least 0");
        let n = params.len();
        Sgd {
            params,
            lr,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
            buffers: vec![None; n],
        }
    }

    #[track_caller]
    pub fn momentum(mut self, momentum: f32) -> Sgd {
        check_hyper(
            "Sgd::momentum",
            "momentum",
            momentum,
            momentum >= 0.0,
            "at least 0",
        );
        self.momentum = momentum;
        self
    }

    pub fn dampening(mut self, dampening: f32) -> Sgd {
        self.dampening = dampening;
        self
    }

    /// Nesterov momentum (needs momentum > 0 and dampening 0, checked at `step`).
    pub fn nesterov(mut self, on: bool) -> Sgd {
        self.nesterov = on;
        self
    }

    #[track_caller]
    pub fn weight_decay(mut self, weight_decay: f32) -> Sgd {
        check_hyper(
            "Sgd::weight_decay",
            "weight_decay",
            weight_decay,
            weight_decay >= 0.0,
            "at least 0",
        );
        self.weight_decay = weight_decay;
        self
    }
}

impl Optimizer for Sgd {
    #[track_caller]
    fn step(&mut self) {
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            panic!(
                "Sgd: Nesterov momentum needs momentum > 0 and dampening = 0 (got momentum {}, dampening {})",
                self.momentum, self.dampening
            );
        }
        let (lr, mu, damp, nesterov, wd) = (
            self.lr,
            self.momentum,
            self.dampening,
            self.nesterov,
            self.weight_decay,
        );
        let buffers = &mut self.buffers;
        for_each_with_grad("Sgd::step", &self.params, |i, p, g| {
            let mut d: Vec<f32> = if wd != 0.0 {
                g.iter().zip(p.iter()).map(|(g, p)| g + wd * p).collect()
            } else {
                g.to_vec()
            };
            if mu != 0.0 {
                let buf = match &mut buffers[i] {
                    Some(buf) => {
                        for (b, d) in buf.iter_mut().zip(&d) {
                            *b = *b * mu + (1.0 - damp) * d;
                        }
                        buf
                    }
                    slot @ None => slot.insert(d.clone()),
                };
                if nesterov {
                    for (d, b) in d.iter_mut().zip(buf.iter()) {
                        *d += mu * b;
                    }
                } else {
                    d.copy_from_slice(buf);
                }
            }
            for (p, d) in p.iter_mut().zip(&d) {
                *p += -lr * d;
            }
        });
    }

    fn params(&self) -> &[Tensor] {
        &self.params
    }
    fn lr(&self) -> f32 {
        self.lr
    }
    fn set_lr(&mut self, lr: f32) {
        self.lr = lr;
    }
}

// ----------------------------------------------------------------- RMSprop

/// RMSprop (PyTorch's `torch.optim.RMSprop`, not centered). Defaults:
/// `alpha = 0.99`, `eps = 1e-8`, no momentum or weight decay. For each
/// parameter `p` with gradient `g`:
///
/// ```text
/// g = g + weight_decay · p                 (if weight_decay ≠ 0)
/// v = alpha · v + (1 - alpha) · g²         (v starts at 0)
/// a = √v + eps
/// b = momentum · b + g / a;  p = p - lr · b    (if momentum > 0; b starts at 0)
/// p = p - lr · g / a                           (otherwise)
/// ```
pub struct RmsProp {
    params: Vec<Tensor>,
    lr: f32,
    alpha: f32,
    eps: f32,
    weight_decay: f32,
    momentum: f32,
    square_avg: Vec<Option<Vec<f32>>>,
    momentum_buf: Vec<Option<Vec<f32>>>,
}

impl RmsProp {
    /// RMSprop with learning rate `lr` (PyTorch's default is 0.01).
    #[track_caller]
    pub fn new(params: Vec<Tensor>, lr: f32) -> RmsProp {
        check_params("RmsProp::new", &params);
        check_hyper(
            "RmsProp::new",
            "the learning rate",
            lr,
            lr >= 0.0,
            "at least 0",
        );
        let n = params.len();
        RmsProp {
            params,
            lr,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            square_avg: vec![None; n],
            momentum_buf: vec![None; n],
        }
    }

    #[track_caller]
    pub fn alpha(mut self, alpha: f32) -> RmsProp {
        check_hyper(
            "RmsProp::alpha",
            "alpha",
            alpha,
            (0.0..=1.0).contains(&alpha),
            "between 0 and 1",
        );
        self.alpha = alpha;
        self
    }

    #[track_caller]
    pub fn eps(mut self, eps: f32) -> RmsProp {
        check_hyper("RmsProp::eps", "eps", eps, eps >= 0.0, "at least 0");
        self.eps = eps;
        self
    }

    pub fn weight_decay(mut self, weight_decay: f32) -> RmsProp {
        self.weight_decay = weight_decay;
        self
    }

    pub fn momentum(mut self, momentum: f32) -> RmsProp {
        self.momentum = momentum;
        self
    }
}

impl Optimizer for RmsProp {
    fn step(&mut self) {
        let (lr, alpha, eps, wd, mu) = (
            self.lr,
            self.alpha,
            self.eps,
            self.weight_decay,
            self.momentum,
        );
        let (square_avg, momentum_buf) = (&mut self.square_avg, &mut self.momentum_buf);
        for_each_with_grad("RmsProp::step", &self.params, |i, p, g| {
            let g: Vec<f32> = if wd != 0.0 {
                g.iter().zip(p.iter()).map(|(g, p)| g + wd * p).collect()
            } else {
                g.to_vec()
            };
            let v = square_avg[i].get_or_insert_with(|| vec![0.0; g.len()]);
            for (v, g) in v.iter_mut().zip(&g) {
                *v = *v * alpha + (1.0 - alpha) * g * g;
            }
            if mu > 0.0 {
                let b = momentum_buf[i].get_or_insert_with(|| vec![0.0; g.len()]);
                for ((b, g), v) in b.iter_mut().zip(&g).zip(v.iter()) {
                    *b = *b * mu + g / (v.sqrt() + eps);
                }
                for (p, b) in p.iter_mut().zip(b.iter()) {
                    *p += -lr * b;
                }
            } else {
                for ((p, g), v) in p.iter_mut().zip(&g).zip(v.iter()) {
                    *p += -lr * (g / (v.sqrt() + eps));
                }
            }
        });
    }

    fn params(&self) -> &[Tensor] {
        &self.params
    }
    fn lr(&self) -> f32 {
        self.lr
    }
    fn set_lr(&mut self, lr: f32) {
        self.lr = lr;
    }
}

// -------------------------------------------------------------------- Adam

/// Adam (PyTorch's `torch.optim.Adam`), and AdamW with decoupled weight
/// decay ([`AdamW::new`]). Defaults: `betas = (0.9, 0.999)`, `eps = 1e-8`,
/// no weight decay. For each parameter `p` with gradient `g`, at step
/// `t = 1, 2, …`:
///
/// ```text
/// p = p · (1 - lr · weight_decay)          (AdamW)
/// g = g + weight_decay · p                 (Adam, if weight_decay ≠ 0)
/// m = m + (1 - β₁) · (g - m)               (= β₁·m + (1-β₁)·g; m starts at 0)
/// v = β₂ · v + (1 - β₂) · g²               (v starts at 0)
/// p = p - (lr / (1 - β₁ᵗ)) · m / (√v / √(1 - β₂ᵗ) + eps)
/// ```
pub struct Adam {
    params: Vec<Tensor>,
    lr: f32,
    beta1: f32,
    beta2: f32,
    eps: f32,
    weight_decay: f32,
    decoupled: bool,
    steps: Vec<u32>,
    m: Vec<Option<Vec<f32>>>,
    v: Vec<Option<Vec<f32>>>,
}

impl Adam {
    /// Adam with learning rate `lr` (PyTorch's default is 0.001).
    #[track_caller]
    pub fn new(params: Vec<Tensor>, lr: f32) -> Adam {
        check_params("Adam::new", &params);
        check_hyper(
            "Adam::new",
            "the learning rate",
            lr,
            lr >= 0.0,
            "at least 0",
        );
        let n = params.len();
        Adam {
            params,
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled: false,
            steps: vec![0; n],
            m: vec![None; n],
            v: vec![None; n],
        }
    }

    #[track_caller]
    pub fn betas(mut self, beta1: f32, beta2: f32) -> Adam {
        let ok = |b: f32| (0.0..1.0).contains(&b);
        check_hyper("Adam::betas", "beta1", beta1, ok(beta1), "in [0, 1)");
        check_hyper("Adam::betas", "beta2", beta2, ok(beta2), "in [0, 1)");
        self.beta1 = beta1;
        self.beta2 = beta2;
        self
    }

    #[track_caller]
    pub fn eps(mut self, eps: f32) -> Adam {
        check_hyper("Adam::eps", "eps", eps, eps >= 0.0, "at least 0");
        self.eps = eps;
        self
    }

    #[track_caller]
    pub fn weight_decay(mut self, weight_decay: f32) -> Adam {
        check_hyper(
            "Adam::weight_decay",
            "weight_decay",
            weight_decay,
            weight_decay >= 0.0,
            "at least 0",
        );
        self.weight_decay = weight_decay;
        self
    }
}

/// AdamW (PyTorch's `torch.optim.AdamW`): Adam with decoupled weight decay.
pub struct AdamW;

impl AdamW {
    /// An [`Adam`] with decoupled weight decay 0.01 (PyTorch's AdamW default;
    /// change it with [`Adam::weight_decay`]).
    #[track_caller]
    #[allow(clippy::new_ret_no_self)]
    pub fn new(params: Vec<Tensor>, lr: f32) -> Adam {
        let mut adam = Adam::new(params, lr).weight_decay(0.01);
        adam.decoupled = true;
        adam
    }
}

impl Optimizer for Adam {
    fn step(&mut self) {
        let (lr, b1, b2, eps, wd, decoupled) = (
            self.lr,
            self.beta1,
            self.beta2,
            self.eps,
            self.weight_decay,
            self.decoupled,
        );
        let (steps, ms, vs) = (&mut self.steps, &mut self.m, &mut self.v);
        for_each_with_grad("Adam::step", &self.params, |i, p, g| {
            steps[i] += 1;
            let t = steps[i] as i32;
            let g: Vec<f32> = if wd != 0.0 && !decoupled {
                g.iter().zip(p.iter()).map(|(g, p)| g + wd * p).collect()
            } else {
                g.to_vec()
            };
            if wd != 0.0 && decoupled {
                let factor = 1.0 - lr * wd;
                p.iter_mut().for_each(|p| *p *= factor);
            }
            let m = ms[i].get_or_insert_with(|| vec![0.0; g.len()]);
            let v = vs[i].get_or_insert_with(|| vec![0.0; g.len()]);
            for ((m, v), g) in m.iter_mut().zip(v.iter_mut()).zip(&g) {
                *m += (1.0 - b1) * (g - *m);
                *v = *v * b2 + (1.0 - b2) * g * g;
            }
            let correction1 = 1.0 - (b1 as f64).powi(t);
            let correction2 = 1.0 - (b2 as f64).powi(t);
            let step_size = (lr as f64 / correction1) as f32;
            let correction2_sqrt = correction2.sqrt() as f32;
            for ((p, m), v) in p.iter_mut().zip(m.iter()).zip(v.iter()) {
                let denom = v.sqrt() / correction2_sqrt + eps;
                *p += -step_size * (m / denom);
            }
        });
    }

    fn params(&self) -> &[Tensor] {
        &self.params
    }
    fn lr(&self) -> f32 {
        self.lr
    }
    fn set_lr(&mut self, lr: f32) {
        self.lr = lr;
    }
}
