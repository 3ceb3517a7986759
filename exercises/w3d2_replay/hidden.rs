use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

fn keep_rates(n: usize, capacity: usize, runs: u64, salt: u64) -> Vec<f64> {
    let mut counts = vec![0usize; n];
    for seed in 0..runs {
        let mut memory = Reservoir::new(capacity, seed.wrapping_mul(104_729).wrapping_add(salt));
        for item in 0..n {
            memory.add(item);
        }
        assert_eq!(memory.items.len(), capacity.min(n));
        for &item in &memory.items {
            counts[item] += 1;
        }
    }
    counts.iter().map(|&c| c as f64 / runs as f64).collect()
}

#[test]
fn uniform_over_a_longer_stream() {
    // 60 items into 12 slots: 20% each; one standard deviation of a rate is 0.73 points.
    let rates = keep_rates(60, 12, 3000, 5);
    for (item, rate) in rates.iter().enumerate() {
        assert!((rate - 0.2).abs() < 0.035, "item {item} kept in {:.1}% of runs, expected 20%", 100.0 * rate);
    }
    // The last items of the stream are not favoured (nor the first).
    let first: f64 = rates[..20].iter().sum::<f64>() / 20.0;
    let last: f64 = rates[40..].iter().sum::<f64>() / 20.0;
    assert!((first - last).abs() < 0.015, "first 20 items kept {first:.3}, last 20 kept {last:.3}: should be equal");
}

#[test]
fn a_memory_of_one_keeps_each_item_with_probability_one_over_n() {
    let rates = keep_rates(8, 1, 8000, 11);
    for (item, rate) in rates.iter().enumerate() {
        assert!((rate - 0.125).abs() < 0.025, "item {item} kept in {:.1}% of runs, expected 12.5%", 100.0 * rate);
    }
}

#[test]
fn the_seed_decides_the_sample() {
    let sample = |seed| {
        let mut m = Reservoir::new(6, seed);
        for i in 0..200 {
            m.add(i);
        }
        m.items
    };
    assert_eq!(sample(4), sample(4), "the same seed gives the same memory");
    let distinct = (0..5).map(sample).collect::<std::collections::HashSet<_>>().len();
    assert!(distinct >= 4, "5 seeds gave only {distinct} different memories");
}

#[test]
fn a_memory_keeps_its_items_whole() {
    let data = Dataset::classification((0..40).map(|v| v as f32).collect(), 4, (0..10).map(|i| i % 3).collect(), 3);
    let memory = fill_memory(&data, 3, 2);
    assert_eq!((memory.items.len(), memory.seen), (3, 10));
    for (x, label) in &memory.items {
        let row = (x[0] / 4.0) as usize;
        assert_eq!(x, &data.inputs[row * 4..row * 4 + 4].to_vec(), "inputs of one example");
        assert_eq!(*label, row % 3, "the label of example {row}");
    }
}

#[test]
fn train_task_reports_200_steps() {
    let model = Mlp::new(&[4, 5, 2], Activation::Relu, 1);
    let xs: Vec<f32> = (0..40).map(|i| (i as f32 * 0.3).sin()).collect();
    let data = Dataset::classification(xs, 4, (0..10).map(|i| i % 2).collect(), 2);
    let memory = fill_memory(&data, 4, 0);
    let mut steps = Vec::new();
    train_task(&model, &data, Some(&memory), 3, |s, l| {
        assert!(l.is_finite());
        steps.push(s)
    });
    assert_eq!(steps, (0..200).collect::<Vec<_>>(), "on_step once per step, steps 0..200");
}

fn split_digits(seed: u64) -> [(Dataset, Dataset); 2] {
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

fn copy_mlp(m: &Mlp) -> Mlp {
    let layers = m.layers.iter().map(|l| Linear::from_tensors(l.weight.detach(), l.bias.as_ref().map(|b| b.detach()))).collect();
    Mlp { layers, activation: m.activation }
}

fn accuracy(m: &Mlp, d: &Dataset) -> f64 {
    nn::accuracy(&m.forward(&d.x()), d.labels()) as f64
}

#[test]
fn replay_recovers_backward_transfer() {
    let seed = nma_harness::seed().wrapping_add(200);
    let mut run = Training::new("BWT with replay − BWT fine-tuned", 0.2, Goal::AtLeast);
    let [(a_train, a_test), (b_train, b_test)] = split_digits(seed);
    let model = Mlp::new(&[64, 64, 5], Activation::Relu, seed);
    train_task(&model, &a_train, None, seed.wrapping_add(1), |_, _| {});
    assert!(accuracy(&model, &a_test) > 0.9, "task A alone should reach > 90%");
    let memory = fill_memory(&a_train, 50, seed.wrapping_add(3));
    let plain = copy_mlp(&model);
    train_task(&plain, &b_train, None, seed.wrapping_add(2), |_, _| {});
    train_task(&model, &b_train, Some(&memory), seed.wrapping_add(2), |step, loss| run.step(step, loss));
    assert!(accuracy(&model, &b_test) > 0.8, "with replay, task B should still reach > 80%");
    run.finish(accuracy(&model, &a_test) - accuracy(&plain, &a_test));
}
