// The model never sees the group, so I trained it on all three features as they are.
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

/// The share of members of `group` predicted 1.
fn positive_rate(predictions: &[usize], groups: &[usize], group: usize) -> f32 {
    let members: Vec<usize> = predictions.iter().zip(groups).filter(|(_, &g)| g == group).map(|(&p, _)| p).collect();
    members.iter().filter(|&&p| p == 1).count() as f32 / members.len() as f32
}

/// |P(ŷ = 1 | group 0) − P(ŷ = 1 | group 1)|: how far apart the two groups' rates of
/// positive predictions are. Both groups must have members.
pub fn demographic_parity_gap(predictions: &[usize], groups: &[usize]) -> f32 {
    (positive_rate(predictions, groups, 0) - positive_rate(predictions, groups, 1)).abs()
}

/// |TPR₀ − TPR₁|, where TPR_g = P(ŷ = 1 | y = 1, group g): among the truly positive
/// examples of each group, the share predicted positive. Both groups must have positives.
pub fn equal_opportunity_gap(predictions: &[usize], labels: &[usize], groups: &[usize]) -> f32 {
    let positives: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == 1).collect();
    let p: Vec<usize> = positives.iter().map(|&i| predictions[i]).collect();
    let g: Vec<usize> = positives.iter().map(|&i| groups[i]).collect();
    (positive_rate(&p, &g, 0) - positive_rate(&p, &g, 1)).abs()
}

/// Predictions for `test_x` from a model trained on `train` that does not reproduce the
/// groups' gap: the same `fit_and_predict`, without the postcode column, which stands in
/// for the group.
pub fn fair_predictions(train: &Applicants, test_x: &Tensor, seed: u64, on_step: impl FnMut(usize, f32)) -> Vec<usize> {
    fit_and_predict(&train.x, &train.labels, test_x, seed, on_step)
}
