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
use crate::cpu::update_halves;
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
        // One pass per parameter, in place, element by element: the same
        // arithmetic as PyTorch's whole-tensor formulas (each element is
        // independent), without a temporary gradient copy; long parameters
        // in two halves on two threads.
        //
        // Each loop first copies the hyperparameters it reads into locals
        // (`let … = …;` below): read through the closures' captured
        // references, LLVM could not tell them from the parameter it writes
        // in some builds, reloaded them per element and left the loop
        // scalar (measured: the MLP's SGD update 7× slower in one build).
        for_each_with_grad("Sgd::step", &self.params, |i, p, g| {
            if mu == 0.0 {
                update_halves(p, g, None, &|p, g, _| {
                    let (lr, wd) = (lr, wd);
                    let decay = |g: f32, p: f32| if wd != 0.0 { g + wd * p } else { g };
                    for (p, &g) in p.iter_mut().zip(g) {
                        *p += -lr * decay(g, *p);
                    }
                });
                return;
            }
            let first = buffers[i].is_none();
            let buf = buffers[i].get_or_insert_with(|| vec![0.0; p.len()]);
            update_halves(p, g, Some(buf), &|p, g, buf| {
                let (lr, mu, damp, nesterov, wd, first) = (lr, mu, damp, nesterov, wd, first);
                let decay = |g: f32, p: f32| if wd != 0.0 { g + wd * p } else { g };
                let buf = buf.expect("momentum buffer");
                for ((p, &g), b) in p.iter_mut().zip(g).zip(buf.iter_mut()) {
                    let d = decay(g, *p);
                    *b = if first { d } else { *b * mu + (1.0 - damp) * d };
                    let d = if nesterov { d + mu * *b } else { *b };
                    *p += -lr * d;
                }
            });
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
        // In place, element by element (each element is independent), with
        // the arithmetic of PyTorch's whole-tensor formulas.
        // (Hyperparameters copied into locals first: see `Sgd::step`.)
        for_each_with_grad("RmsProp::step", &self.params, |i, p, g| {
            let (lr, alpha, eps, wd, mu) = (lr, alpha, eps, wd, mu);
            let decay = |g: f32, p: f32| if wd != 0.0 { g + wd * p } else { g };
            let v = square_avg[i].get_or_insert_with(|| vec![0.0; g.len()]);
            if mu > 0.0 {
                let b = momentum_buf[i].get_or_insert_with(|| vec![0.0; g.len()]);
                for (((p, &g), v), b) in p.iter_mut().zip(g).zip(v.iter_mut()).zip(b.iter_mut()) {
                    let g = decay(g, *p);
                    *v = *v * alpha + (1.0 - alpha) * g * g;
                    *b = *b * mu + g / (v.sqrt() + eps);
                    *p += -lr * *b;
                }
            } else {
                for ((p, &g), v) in p.iter_mut().zip(g).zip(v.iter_mut()) {
                    let g = decay(g, *p);
                    *v = *v * alpha + (1.0 - alpha) * g * g;
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
        // In place, element by element (each element is independent), with
        // the arithmetic of PyTorch's whole-tensor formulas.
        // (Hyperparameters copied into locals first: see `Sgd::step`.)
        for_each_with_grad("Adam::step", &self.params, |i, p, g| {
            let (lr, b1, b2, eps, wd, decoupled) = (lr, b1, b2, eps, wd, decoupled);
            steps[i] += 1;
            let t = steps[i] as i32;
            let correction1 = 1.0 - (b1 as f64).powi(t);
            let correction2 = 1.0 - (b2 as f64).powi(t);
            let step_size = (lr as f64 / correction1) as f32;
            let correction2_sqrt = correction2.sqrt() as f32;
            let factor = 1.0 - lr * wd;
            let m = ms[i].get_or_insert_with(|| vec![0.0; g.len()]);
            let v = vs[i].get_or_insert_with(|| vec![0.0; g.len()]);
            for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                let g = if wd != 0.0 && !decoupled {
                    g + wd * *p
                } else {
                    g
                };
                if wd != 0.0 && decoupled {
                    *p *= factor;
                }
                *m += (1.0 - b1) * (g - *m);
                *v = *v * b2 + (1.0 - b2) * g * g;
                let denom = v.sqrt() / correction2_sqrt + eps;
                *p += -step_size * (*m / denom);
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

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;

    /// Updates happen in place on the parameter's buffer when nothing else
    /// holds it, and copy-on-write otherwise: tensors sharing the old numbers
    /// (a detached snapshot, a result computed from the parameter, its
    /// gradient) keep them.
    #[test]
    fn in_place_updates_leave_other_holders_of_the_old_data_untouched() {
        for momentum in [0.0, 0.9] {
            let w = Tensor::from_vec(vec![1.0, -2.0, 3.0], &[3]).requires_grad();
            let snapshot = w.detach(); // shares w's buffer
            let doubled = &w * 2.0;
            let doubled_before = doubled.to_vec();
            let view = w.slice(0, 1, 3);
            let mut opt = Sgd::new(vec![w.clone()], 0.5).momentum(momentum);
            for step in 0..3 {
                opt.zero_grad();
                (&w * &w).sum().backward(); // gradient 2w
                let grad = w.grad().unwrap();
                let grad_before = grad.to_vec();
                let w_before = w.to_vec();
                let buffer = w.node.realized_data().unwrap();
                opt.step();
                assert_eq!(grad.to_vec(), grad_before, "the gradient is never written");
                assert_eq!(
                    buffer.as_ref(),
                    &w_before,
                    "a buffer held elsewhere is copied, not written"
                );
                if momentum == 0.0 {
                    // p - 0.5 · 2p = 0 for every element.
                    assert_eq!(w.to_vec(), vec![0.0; 3], "step {step}");
                }
            }
            assert_eq!(snapshot.to_vec(), vec![1.0, -2.0, 3.0]);
            assert_eq!(doubled.to_vec(), doubled_before);
            // A view of the parameter sees the new values (same node).
            assert_eq!(view.to_vec(), w.to_vec()[1..].to_vec());
        }
    }

    /// Long parameters are updated in two halves on two threads: exactly the
    /// numbers of the one-thread update and of the formula.
    #[test]
    fn long_parameters_update_the_same_on_one_and_two_threads() {
        let before = crate::runtime::threads();
        let start = Tensor::randn(&[40_001], 3).to_vec();
        let mut results = Vec::new();
        for threads in [1, 2] {
            crate::runtime::set_threads(threads);
            let w = Tensor::from_vec(start.clone(), &[40_001]).requires_grad();
            let mut opt = Sgd::new(vec![w.clone()], 0.1)
                .momentum(0.9)
                .nesterov(true)
                .weight_decay(0.01);
            for _ in 0..3 {
                opt.zero_grad();
                (&w * &w).sum().backward(); // gradient w + w
                opt.step();
            }
            results.push(w.to_vec());
        }
        crate::runtime::set_threads(before);
        let (mut w, mut b) = (start, Vec::new());
        for step in 0..3 {
            for (i, w) in w.iter_mut().enumerate() {
                let d = (*w + *w) + 0.01 * *w;
                if step == 0 {
                    b.push(d);
                } else {
                    b[i] = b[i] * 0.9 + (1.0 - 0.0) * d;
                }
                *w += -0.1 * (d + 0.9 * b[i]);
            }
        }
        assert_eq!(results[0], w);
        assert_eq!(results[1], w);
    }

    /// The in-place element-by-element updates give exactly the numbers of
    /// the whole-vector formulas they replaced (kept here as the reference).
    #[test]
    fn rmsprop_and_adam_match_the_whole_vector_formulas() {
        let start = Tensor::randn(&[37], 5).to_vec();
        let grad_of = |w: &[f32]| w.iter().map(|w| w + w).collect::<Vec<f32>>();
        let run = |mut opt: Box<dyn Optimizer>, w: &Tensor| {
            for _ in 0..4 {
                opt.zero_grad();
                (w * w).sum().backward();
                opt.step();
            }
            w.to_vec()
        };
        for (wd, mu) in [(0.0, 0.0), (0.1, 0.0), (0.0, 0.9), (0.1, 0.9)] {
            let w = Tensor::from_vec(start.clone(), &[37]).requires_grad();
            let got = run(
                Box::new(
                    RmsProp::new(vec![w.clone()], 0.01)
                        .weight_decay(wd)
                        .momentum(mu),
                ),
                &w,
            );
            let (alpha, eps, lr) = (0.99f32, 1e-8f32, 0.01f32);
            let (mut p, mut v, mut b) = (start.clone(), vec![0.0f32; 37], vec![0.0f32; 37]);
            for _ in 0..4 {
                let g: Vec<f32> = grad_of(&p)
                    .iter()
                    .zip(&p)
                    .map(|(g, p)| if wd != 0.0 { g + wd * p } else { *g })
                    .collect();
                for (v, g) in v.iter_mut().zip(&g) {
                    *v = *v * alpha + (1.0 - alpha) * g * g;
                }
                if mu > 0.0 {
                    for ((b, g), v) in b.iter_mut().zip(&g).zip(&v) {
                        *b = *b * mu + g / (v.sqrt() + eps);
                    }
                    for (p, b) in p.iter_mut().zip(&b) {
                        *p += -lr * b;
                    }
                } else {
                    for ((p, g), v) in p.iter_mut().zip(&g).zip(&v) {
                        *p += -lr * (g / (v.sqrt() + eps));
                    }
                }
            }
            assert_eq!(got, p, "RmsProp weight_decay {wd} momentum {mu}");
        }
        for (wd, decoupled) in [(0.0, false), (0.1, false), (0.1, true)] {
            let w = Tensor::from_vec(start.clone(), &[37]).requires_grad();
            let opt = if decoupled {
                AdamW::new(vec![w.clone()], 0.05).weight_decay(wd)
            } else {
                Adam::new(vec![w.clone()], 0.05).weight_decay(wd)
            };
            let got = run(Box::new(opt), &w);
            let (lr, b1, b2, eps) = (0.05f32, 0.9f32, 0.999f32, 1e-8f32);
            let (mut p, mut m, mut v) = (start.clone(), vec![0.0f32; 37], vec![0.0f32; 37]);
            for t in 1..=4 {
                let g: Vec<f32> = grad_of(&p)
                    .iter()
                    .zip(&p)
                    .map(|(g, p)| {
                        if wd != 0.0 && !decoupled {
                            g + wd * p
                        } else {
                            *g
                        }
                    })
                    .collect();
                if wd != 0.0 && decoupled {
                    p.iter_mut().for_each(|p| *p *= 1.0 - lr * wd);
                }
                for ((m, v), g) in m.iter_mut().zip(v.iter_mut()).zip(&g) {
                    *m += (1.0 - b1) * (g - *m);
                    *v = *v * b2 + (1.0 - b2) * g * g;
                }
                let step_size = (lr as f64 / (1.0 - (b1 as f64).powi(t))) as f32;
                let c2 = (1.0 - (b2 as f64).powi(t)).sqrt() as f32;
                for ((p, m), v) in p.iter_mut().zip(&m).zip(&v) {
                    *p += -step_size * (m / (v.sqrt() / c2 + eps));
                }
            }
            assert_eq!(got, p, "Adam weight_decay {wd} decoupled {decoupled}");
        }
    }

    /// With no other holder the parameter keeps its buffer (no copy per step).
    #[test]
    fn sole_holder_updates_reuse_the_parameter_buffer() {
        let w = Tensor::from_vec(vec![1.0; 64], &[64]).requires_grad();
        let mut opt = Sgd::new(vec![w.clone()], 0.1)
            .momentum(0.9)
            .weight_decay(0.01);
        opt.zero_grad();
        (&w * &w).sum().backward();
        opt.step();
        let before = Rc::as_ptr(&w.node.realized_data().unwrap());
        for _ in 0..5 {
            opt.zero_grad();
            (&w * &w).sum().backward();
            opt.step();
        }
        assert_eq!(Rc::as_ptr(&w.node.realized_data().unwrap()), before);
    }
}
