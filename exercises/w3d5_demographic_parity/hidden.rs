use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// The hiring data (as in tests.rs): equal skill in both groups, past hiring held group 1
/// to a higher bar, and column 2 (the postcode area) tells the groups apart.
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

/// The share of `rows` predicted 1.
fn rate(predictions: &[usize], rows: &[usize]) -> f32 {
    rows.iter().filter(|&&i| predictions[i] == 1).count() as f32 / rows.len() as f32
}

fn reference_gaps(predictions: &[usize], labels: &[usize], groups: &[usize]) -> (f32, f32) {
    let of = |g: usize, positives_only: bool| -> Vec<usize> {
        (0..groups.len()).filter(|&i| groups[i] == g && (!positives_only || labels[i] == 1)).collect()
    };
    let parity = (rate(predictions, &of(0, false)) - rate(predictions, &of(1, false))).abs();
    let opportunity = (rate(predictions, &of(0, true)) - rate(predictions, &of(1, true))).abs();
    (parity, opportunity)
}

#[test]
fn parity_gap_divides_by_each_groups_size_in_either_direction() {
    // Equal rates (1 of 2, 3 of 6) in groups of different sizes: no gap.
    let groups = [0, 0, 1, 1, 1, 1, 1, 1];
    let gap = demographic_parity_gap(&[1, 0, 1, 1, 1, 0, 0, 0], &groups);
    assert!(gap.abs() < 1e-6, "both groups have half predicted positive, but got a gap of {gap}");
    // Group 0 favoured (3 of 4 against 1 of 4), then group 1 (the same, swapped).
    let groups = [0, 0, 0, 0, 1, 1, 1, 1];
    let one_way = demographic_parity_gap(&[1, 1, 1, 0, 1, 0, 0, 0], &groups);
    let other_way = demographic_parity_gap(&[1, 0, 0, 0, 1, 1, 1, 0], &groups);
    assert!((one_way - 0.5).abs() < 1e-6 && (other_way - 0.5).abs() < 1e-6, "gaps {one_way} and {other_way}, both should be 0.5");
    // The groups interleaved, not in blocks.
    let gap = demographic_parity_gap(&[1, 0, 1, 0, 0, 1], &[0, 1, 0, 1, 1, 0]);
    assert!((gap - 1.0).abs() < 1e-6, "group 0 all positive, group 1 none: gap 1, got {gap}");
}

#[test]
fn both_gaps_match_a_reference_on_random_decisions() {
    let mut rng = Rng::new(7);
    for case in 0..30 {
        let n = 20 + rng.below(60);
        let share_of_group_1 = 0.2 + 0.6 * rng.uniform();
        let mut groups: Vec<usize> = (0..n).map(|_| usize::from(rng.uniform() < share_of_group_1)).collect();
        let mut labels: Vec<usize> = (0..n).map(|_| usize::from(rng.uniform() < 0.5)).collect();
        // Every group has members and positives.
        groups[..4].copy_from_slice(&[0, 0, 1, 1]);
        labels[..4].copy_from_slice(&[1, 0, 1, 0]);
        let predictions: Vec<usize> = (0..n).map(|i| usize::from(rng.uniform() < 0.3 + 0.4 * labels[i] as f32)).collect();
        let (parity, opportunity) = reference_gaps(&predictions, &labels, &groups);
        let got = (demographic_parity_gap(&predictions, &groups), equal_opportunity_gap(&predictions, &labels, &groups));
        assert!(
            (got.0 - parity).abs() < 1e-5 && (got.1 - opportunity).abs() < 1e-5,
            "case {case}: (parity, opportunity) gaps {got:?}, expected ({parity}, {opportunity})"
        );
    }
}

#[test]
fn fair_model_selects_both_groups_at_similar_rates() {
    let seed = nma_harness::seed();
    let (train, test) = (hiring(3000, 100 + seed), hiring(3000, 200 + seed));
    let mut run = Training::new("demographic parity gap", 0.08, Goal::AtMost);
    let fair = fair_predictions(&train, &test.x, seed, |step, loss| run.step(step, loss));
    assert_eq!(fair.len(), 3000, "one prediction per row of test_x");
    run.finish(reference_gaps(&fair, &test.labels, &test.groups).0 as f64);
}

#[test]
fn fair_model_stays_well_above_the_majority_class() {
    let seed = nma_harness::seed();
    let (train, test) = (hiring(3000, 300 + seed), hiring(3000, 400 + seed));
    let share_hired = test.labels.iter().sum::<usize>() as f32 / 3000.0;
    let majority = share_hired.max(1.0 - share_hired);
    assert!(majority < 0.72, "the majority-class baseline ({majority}) must stay well below the threshold");
    let mut run = Training::new("test accuracy", 0.75, Goal::AtLeast);
    let fair = fair_predictions(&train, &test.x, seed, |step, loss| run.step(step, loss));
    assert_eq!(fair.len(), 3000, "one prediction per row of test_x");
    let correct = fair.iter().zip(&test.labels).filter(|(p, l)| p == l).count();
    run.finish(correct as f64 / 3000.0);
}
