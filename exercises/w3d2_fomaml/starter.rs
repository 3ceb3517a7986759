//! W3D2 — first-order MAML: learning an initialisation that adapts in one step.
use nma_engine::prelude::*;

/// A regression task y = amplitude·sin(x + phase). Given.
pub struct SineTask {
    pub amplitude: f32,
    pub phase: f32,
}

impl SineTask {
    /// A random task: amplitude uniform in [0.1, 5), phase uniform in [0, π).
    pub fn sample(rng: &mut Rng) -> SineTask {
        let amplitude = 0.1 + 4.9 * rng.uniform();
        let phase = std::f32::consts::PI * rng.uniform();
        SineTask { amplitude, phase }
    }

    /// `n` points of the task, x uniform in [−5, 5): inputs and targets, both `[n, 1]`.
    pub fn points(&self, n: usize, rng: &mut Rng) -> (Tensor, Tensor) {
        let xs: Vec<f32> = (0..n).map(|_| -5.0 + 10.0 * rng.uniform()).collect();
        let ys: Vec<f32> = xs.iter().map(|x| self.amplitude * (x + self.phase).sin()).collect();
        (Tensor::from_vec(xs, &[n, 1]), Tensor::from_vec(ys, &[n, 1]))
    }
}

/// The starting weights of a 1 → 24 → 24 → 1 ReLU network, as trainable tensors
/// [W₁, b₁, W₂, b₂, W₃, b₃] (each W is [out, in]). Given.
pub fn init_params(seed: u64) -> Vec<Tensor> {
    Mlp::new(&[1, 24, 24, 1], Activation::Relu, seed).parameters()
}

/// The network with the weights `params` (pairs W, b; ReLU between layers, none after the
/// last) applied to `x` `[n, in]`. Given.
pub fn forward(params: &[Tensor], x: &Tensor) -> Tensor {
    let layers = params.len() / 2;
    let mut h = x.clone();
    for i in 0..layers {
        h = h.matmul(&params[2 * i].t()) + &params[2 * i + 1];
        if i + 1 < layers {
            h = nn::relu(&h);
        }
    }
    h
}

/// One inner step of gradient descent on a task's support set: θ′ = θ − α·∇θ MSE(forward(θ, x), y).
/// The gradient is read with `backward` and used as a constant, so θ′ still depends on θ
/// (with ∂θ′/∂θ = I: first-order MAML). Leaves `params` unchanged and their gradients empty.
pub fn adapt(params: &[Tensor], x: &Tensor, y: &Tensor, alpha: f32) -> Vec<Tensor> {
    // TODO: backward the support loss, then θ − α·gradient for each weight. This placeholder
    // does not adapt.
    let _ = (x, y, alpha);
    params.to_vec()
}

/// First-order MAML: `steps` meta-steps of Adam (learning rate 0.005) on `params`. Each
/// meta-step draws 4 tasks from one `Rng::new(seed)` — for each, `SineTask::sample`, then 10
/// support points, then 10 query points — adapts to each support set with `adapt` (α = 0.05)
/// and minimises the mean over the 4 tasks of the query MSE at the adapted weights. Calls
/// `on_step(step, loss)` after every meta-step.
pub fn meta_train(params: &[Tensor], steps: usize, seed: u64, mut on_step: impl FnMut(usize, f32)) {
    // TODO: the meta-training loop. This placeholder does not train.
    let _ = (params, steps, seed);
    on_step(0, 1.0);
}
