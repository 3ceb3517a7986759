//! W3D5 — measure a planted bias, then remove the proxy that carries it.
use nma_engine::prelude::*;

/// Job applicants: `x` is `[n, 3]` with the columns in [`FEATURES`]; `groups[i]` is 0 or 1
/// (never a feature); `labels[i]` is 1 when past recruiters hired the applicant.
pub struct Applicants {
    pub x: Tensor,
    pub groups: Vec<usize>,
    pub labels: Vec<usize>,
}

/// The columns of `Applicants::x`.
pub const FEATURES: [&str; 3] = ["test score", "interview score", "postcode area"];

/// `n` applicants (given; do not change). Both groups have the same skill, but past hiring
/// held group 1 to a higher bar, and the postcode area tells the groups apart.
pub fn applicants(n: usize, seed: u64) -> Applicants {
    let mut rng = Rng::new(seed);
    let (mut x, mut groups, mut labels) = (Vec::with_capacity(3 * n), Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let group = usize::from(rng.uniform() < 0.4);
        let skill = rng.normal();
        let test = skill + 0.5 * rng.normal();
        let interview = skill + 0.7 * rng.normal();
        let postcode = if group == 1 { 1.0 } else { -1.0 } + 0.5 * rng.normal();
        let hired = skill + 0.3 * rng.normal() - 0.8 * group as f32 > 0.2;
        x.extend([test, interview, postcode]);
        groups.push(group);
        labels.push(usize::from(hired));
    }
    Applicants { x: Tensor::from_vec(x, &[n, 3]), groups, labels }
}

/// Trains a logistic regression (given; do not change) on `train_x` `[n, d]` and `labels`,
/// calling `on_step(step, loss)` after each of its 200 steps, and returns its 0/1
/// predictions for every row of `test_x` `[m, d]`.
pub fn fit_and_predict(
    train_x: &Tensor,
    labels: &[usize],
    test_x: &Tensor,
    seed: u64,
    mut on_step: impl FnMut(usize, f32),
) -> Vec<usize> {
    let model = Linear::new(train_x.shape()[1], 2, seed);
    let mut opt = Adam::new(model.parameters(), 0.05);
    for step in 0..200 {
        let loss = nn::cross_entropy(&model.forward(train_x), labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model.forward(test_x).argmax_dim(1)
}

/// |P(ŷ = 1 | group 0) − P(ŷ = 1 | group 1)|: how far apart the two groups' rates of
/// positive predictions are. Both groups must have members.
pub fn demographic_parity_gap(predictions: &[usize], groups: &[usize]) -> f32 {
    // TODO: the share of group 0 predicted 1, the same for group 1, and the size of their
    // difference. This placeholder reports no gap at all.
    let _ = (predictions, groups);
    0.0
}

/// |TPR₀ − TPR₁|, where TPR_g = P(ŷ = 1 | y = 1, group g): among the truly positive
/// examples of each group, the share predicted positive. Both groups must have positives.
pub fn equal_opportunity_gap(predictions: &[usize], labels: &[usize], groups: &[usize]) -> f32 {
    // TODO: keep only the examples whose label is 1, then compare the groups as above.
    let _ = (predictions, labels, groups);
    0.0
}

/// Predictions for `test_x` from a model trained on `train` that does not reproduce the
/// groups' gap, with `fit_and_predict` (pass `on_step` on to it).
pub fn fair_predictions(train: &Applicants, test_x: &Tensor, seed: u64, on_step: impl FnMut(usize, f32)) -> Vec<usize> {
    // TODO: this model never sees the group, and still reproduces the bias: find the
    // feature that stands in for the group and train without it.
    fit_and_predict(&train.x, &train.labels, test_x, seed, on_step)
}
