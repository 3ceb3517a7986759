//! Pieces for generative models and transfer learning: the VAE's
//! reparameterization and KL term, and freezing a module so it passes
//! gradients to its input but does not train.

use crate::nn::Module;
use crate::tensor::Tensor;

/// A sample `z = mu + exp(logvar / 2) · ε` with `ε` standard normal drawn
/// from `Tensor::randn(shape, seed)` (the VAE's reparameterization trick):
/// gradients flow to `mu` (1) and `logvar` (`ε · exp(logvar / 2) / 2`).
/// `mu` and `logvar` must have the same shape.
#[track_caller]
pub fn reparameterize(mu: &Tensor, logvar: &Tensor, seed: u64) -> Tensor {
    let (m, l) = (mu.shape(), logvar.shape());
    if m != l {
        panic!("reparameterize: mu has shape {m:?} but logvar has shape {l:?}; they must be equal");
    }
    let eps = Tensor::randn(&m, seed);
    mu.add(logvar.mul(0.5).exp().mul(&eps))
}

/// `KL(N(mu, exp(logvar)) ‖ N(0, 1))` for diagonal Gaussians,
/// `-½ Σ_j (1 + logvar_j - mu_j² - exp(logvar_j))`, summed over the last
/// dimension (the latent variables) and **averaged over all other
/// dimensions** (the batch), as a scalar. For a single 1-D `mu` it is the
/// plain sum. Multiply by the batch size for PyTorch's VAE example's
/// `reduction="sum"` convention.
#[track_caller]
pub fn kl_divergence_normal(mu: &Tensor, logvar: &Tensor) -> Tensor {
    let (m, l) = (mu.shape(), logvar.shape());
    if m != l || m.is_empty() {
        panic!("kl_divergence_normal: mu and logvar must have the same shape with at least one dimension, but got {m:?} and {l:?}");
    }
    let rows = (mu.numel() / m[m.len() - 1].max(1)).max(1);
    let terms = logvar.add(1.0).sub(mu.square()).sub(logvar.exp());
    terms.sum().mul(-0.5 / rows as f32)
}

/// A module whose parameters do not train: [`parameters`](Module::parameters)
/// is empty (so optimizers and [`Trainer`](crate::train::Trainer) skip it),
/// while gradients still flow **through** it to its input (a GAN's
/// discriminator during the generator's step, a pretrained feature extractor
/// under a new head).
///
/// How: the wrapped module's parameters are marked frozen, and `backward`
/// treats frozen parameters as constants, so no gradient is built or
/// computed for them (PyTorch's `requires_grad_(False)`); `unfreeze` clears
/// the mark. A parameter shared with a module that is not frozen is frozen
/// there too.
///
/// ```
/// use nma_engine::prelude::*;
///
/// let features = nn::freeze(Linear::new(3, 4, 0));
/// let head = Linear::new(4, 2, 1);
/// let x = Tensor::randn(&[5, 3], 2).requires_grad();
/// let loss = head.forward(&features.forward(&x)).sum();
/// loss.backward();
/// assert!(features.parameters().is_empty());
/// assert!(x.grad().is_some()); // the gradient still reaches the input
/// let model = nn::unfreeze(features); // trains again
/// assert_eq!(model.parameters().len(), 2);
/// ```
pub struct Frozen<M: Module> {
    inner: M,
}

/// Wraps `module` so it does not train (see [`Frozen`]).
pub fn freeze<M: Module>(module: M) -> Frozen<M> {
    for p in module.parameters() {
        crate::autograd::set_frozen(&p, true);
    }
    Frozen { inner: module }
}

/// Takes the module back out of [`Frozen`], trainable again.
pub fn unfreeze<M: Module>(frozen: Frozen<M>) -> M {
    for p in frozen.inner.parameters() {
        crate::autograd::set_frozen(&p, false);
    }
    frozen.inner
}

impl<M: Module> Frozen<M> {
    /// The wrapped module (e.g. to read its weights).
    pub fn inner(&self) -> &M {
        &self.inner
    }

    /// The wrapped module's parameters, which [`parameters`](Module::parameters) hides.
    pub fn frozen_parameters(&self) -> Vec<Tensor> {
        self.inner.parameters()
    }
}

impl<M: Module> Module for Frozen<M> {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        self.inner.forward(x)
    }

    /// Always empty: a frozen module has nothing to train.
    fn parameters(&self) -> Vec<Tensor> {
        Vec::new()
    }

    fn set_training(&mut self, on: bool) {
        self.inner.set_training(on)
    }
}
