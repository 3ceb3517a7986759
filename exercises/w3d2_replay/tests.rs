use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// How often each item of 0..n ends up in a memory of `capacity`, over `runs` seeds.
pub fn keep_rates(n: usize, capacity: usize, runs: u64) -> Vec<f64> {
    let mut counts = vec![0usize; n];
    for seed in 0..runs {
        let mut memory = Reservoir::new(capacity, seed.wrapping_mul(7919).wrapping_add(13));
        for item in 0..n {
            memory.add(item);
        }
        for &item in &memory.items {
            counts[item] += 1;
        }
    }
    counts.iter().map(|&c| c as f64 / runs as f64).collect()
}

#[test]
fn keeps_everything_while_there_is_room_then_stays_full() {
    let mut memory = Reservoir::new(4, 1);
    for item in 0..3 {
        memory.add(item);
    }
    assert_eq!(memory.items, vec![0, 1, 2], "with room to spare, every item is kept, in order");
    assert_eq!(memory.seen, 3, "`seen` counts the items added");
    for item in 3..100 {
        memory.add(item);
    }
    assert_eq!(memory.items.len(), 4, "the memory never holds more than its capacity");
    assert_eq!(memory.seen, 100);
    let mut kept = memory.items.clone();
    kept.sort();
    kept.dedup();
    assert_eq!(kept.len(), 4, "each item is kept at most once, got {:?}", memory.items);
}

#[test]
fn every_item_is_kept_with_the_same_probability() {
    // 20 items into a memory of 5, 4000 times: each should be kept in 5/20 = 25% of the runs
    // (one standard deviation of that estimate is 0.7 points).
    let rates = keep_rates(20, 5, 4000);
    for (item, rate) in rates.iter().enumerate() {
        assert!((rate - 0.25).abs() < 0.035, "item {item} of 0..20 was kept in {:.1}% of 4000 runs, expected 25% for every item (rates: {:?})", 100.0 * rate, rates.iter().map(|r| (r * 1000.0).round() / 10.0).collect::<Vec<_>>());
    }
}

#[test]
fn fill_memory_streams_the_examples_in_order() {
    let data = Dataset::classification(vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0], 2, vec![1, 0, 1], 2);
    let memory = fill_memory(&data, 10, 0);
    assert_eq!(memory.seen, 3);
    assert_eq!(memory.items, vec![(vec![0.0, 1.0], 1), (vec![2.0, 3.0], 0), (vec![4.0, 5.0], 1)], "with room for all, the memory holds every (inputs, label) in order");
}

// ---------------------------------------------------------------- the two-task run

/// Digits 0–4 (task A) and 5–9 (task B, labels 0–4 again: a shared head), each split into
/// (train, test).
pub fn split_digits(seed: u64) -> [(Dataset, Dataset); 2] {
    let all = data::digits().map_inputs(|v| v / 16.0);
    let (train, test) = data::train_test_split(&all, 0.3, seed);
    let part = |d: &Dataset, second: bool| {
        let keep: Vec<usize> = (0..d.len()).filter(|&i| (d.labels()[i] >= 5) == second).collect();
        let sub = d.subset(&keep);
        let labels = sub.labels().iter().map(|l| l % 5).collect();
        Dataset::classification(sub.inputs, 64, labels, 5)
    };
    [(part(&train, false), part(&test, false)), (part(&train, true), part(&test, true))]
}

/// A new model with the same weights.
pub fn copy_mlp(m: &Mlp) -> Mlp {
    let layers = m.layers.iter().map(|l| Linear::from_tensors(l.weight.detach(), l.bias.as_ref().map(|b| b.detach()))).collect();
    Mlp { layers, activation: m.activation }
}

pub fn accuracy(m: &Mlp, d: &Dataset) -> f64 {
    nn::accuracy(&m.forward(&d.x()), d.labels()) as f64
}

#[test]
fn replaying_50_digits_keeps_task_a() {
    let seed = nma_harness::seed();
    let mut run = Training::new("BWT with replay − BWT fine-tuned", 0.2, Goal::AtLeast);
    let [(a_train, a_test), (b_train, b_test)] = split_digits(seed);
    let model = Mlp::new(&[64, 64, 5], Activation::Relu, seed);
    train_task(&model, &a_train, None, seed.wrapping_add(1), |_, _| {});
    let a_a = accuracy(&model, &a_test);
    assert!(a_a > 0.9, "after training on task A (digits 0–4) the model should get > 90% of its test digits, got {a_a:.3}");
    let memory = fill_memory(&a_train, 50, seed.wrapping_add(3));
    assert_eq!(memory.items.len(), 50, "a memory of 50 after {} task-A examples should be full", a_train.len());
    let plain = copy_mlp(&model);
    train_task(&plain, &b_train, None, seed.wrapping_add(2), |_, _| {});
    train_task(&model, &b_train, Some(&memory), seed.wrapping_add(2), |step, loss| run.step(step, loss));
    let b_b = accuracy(&model, &b_test);
    assert!(b_b > 0.8, "with replay the model must still learn task B (digits 5–9) to > 80%, got {b_b:.3}");
    // With two tasks, BWT = R[1][0] − R[0][0]; R[0][0] is shared, so the gain is in R[1][0].
    run.finish(accuracy(&model, &a_test) - accuracy(&plain, &a_test));
}
