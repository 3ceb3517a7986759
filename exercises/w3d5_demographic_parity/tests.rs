use super::*;
use nma_engine::prelude::*;

/// The hiring data, made here so that the tests do not depend on your copy of
/// `applicants`: equal skill in both groups, past hiring held group 1 to a higher bar, and
/// column 2 (the postcode area) tells the groups apart.
fn hiring(n: usize, seed: u64) -> Applicants {
    let mut rng = Rng::new(seed);
    let (mut x, mut groups, mut labels) = (Vec::new(), Vec::new(), Vec::new());
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

/// The parity gap, computed here so that this test does not rely on yours.
fn gap_between_groups(predictions: &[usize], groups: &[usize]) -> f32 {
    let rate = |g: usize| {
        let members: Vec<usize> = (0..groups.len()).filter(|&i| groups[i] == g).collect();
        members.iter().filter(|&&i| predictions[i] == 1).count() as f32 / members.len() as f32
    };
    (rate(0) - rate(1)).abs()
}

fn accuracy(predictions: &[usize], labels: &[usize]) -> f32 {
    predictions.iter().zip(labels).filter(|(p, l)| p == l).count() as f32 / labels.len() as f32
}

#[test]
fn parity_gap_compares_each_groups_rate_of_positive_predictions() {
    let groups = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    let predictions = [1, 0, 0, 0, 1, 1, 1, 0, 0, 0];
    let gap = demographic_parity_gap(&predictions, &groups);
    assert!(
        (gap - 0.25).abs() < 1e-6,
        "group 0 has 1 of 4 predicted positive (0.25), group 1 has 3 of 6 (0.5): the gap is |0.25 − 0.5| = 0.25, but got {gap}"
    );
}

#[test]
fn opportunity_gap_looks_only_at_the_truly_positive() {
    let groups = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    let labels = [1, 1, 1, 1, 0, 1, 1, 0, 0, 0];
    let predictions = [1, 1, 1, 0, 1, 1, 0, 1, 1, 1];
    let gap = equal_opportunity_gap(&predictions, &labels, &groups);
    assert!(
        (gap - 0.25).abs() < 1e-6,
        "among the examples labelled 1, group 0 has 3 of 4 predicted positive (0.75) and group 1 has 1 of 2 (0.5): \
         the gap is 0.25, but got {gap} (both groups have 4 of 5 predicted positive overall, so the parity gap here is 0)"
    );
}

#[test]
fn a_model_without_the_proxy_selects_both_groups_alike() {
    let (train, test) = (hiring(2000, 1), hiring(2000, 2));
    let unaware = fit_and_predict(&train.x, &train.labels, &test.x, 0, |_, _| {});
    let fair = fair_predictions(&train, &test.x, 0, |_, _| {});
    assert_eq!(fair.len(), 2000, "one prediction per row of test_x");
    let (gap, unaware_gap) = (gap_between_groups(&fair, &test.groups), gap_between_groups(&unaware, &test.groups));
    let share_hired = test.labels.iter().sum::<usize>() as f32 / 2000.0;
    let majority = share_hired.max(1.0 - share_hired);
    let acc = accuracy(&fair, &test.labels);
    println!("parity gap: all features {unaware_gap:.3}, yours {gap:.3}; accuracy {acc:.3} (majority class {majority:.3})");
    assert!(
        gap <= 0.08,
        "your model's positive rates differ by {gap:.3} between the groups (the model on all three features: {unaware_gap:.3}); \
         it needs 0.08 or less — which feature gives the group away?"
    );
    assert!(
        acc >= majority + 0.08,
        "your model's accuracy is {acc:.3}, hardly better than always predicting the majority class ({majority:.3}); \
         keep the features that measure skill"
    );
}
