use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn empty_bags_and_a_larger_table() {
    let (num, dim) = (9, 5);
    let weight = Tensor::randn(&[num, dim], 51);
    let w = weight.to_vec();
    let mut rng = Rng::new(52);
    let mut bags: Vec<Vec<usize>> = (0..6).map(|k| (0..k + 1).map(|_| rng.below(num)).collect()).collect();
    bags.insert(2, Vec::new());
    let mut want = Vec::new();
    for bag in &bags {
        for j in 0..dim {
            let s: f64 = bag.iter().map(|&id| w[id * dim + j] as f64).sum();
            want.push(if bag.is_empty() { 0.0 } else { (s / bag.len() as f64) as f32 });
        }
    }
    assert_close(&embedding_bag_mean(&weight, &bags), &[bags.len(), dim], &want, 1e-5);
}

#[test]
fn gradient_reaches_the_table() {
    // d(sum of the means)/d(row id) = (times id is in the bag) / (bag length), summed over bags.
    let weight = Tensor::randn(&[4, 2], 61).requires_grad();
    let bags = vec![vec![0, 0, 1], vec![1, 3]];
    embedding_bag_mean(&weight, &bags).sum().backward();
    let g = weight.grad().expect("the table got no gradient: build the means from tensor operations on `weight`");
    let want = [2.0 / 3.0, 2.0 / 3.0, 1.0 / 3.0 + 0.5, 1.0 / 3.0 + 0.5, 0.0, 0.0, 0.5, 0.5];
    assert_close(&g, &[4, 2], &want, 1e-5);
}

#[test]
fn classifies_topics() {
    let seed = nma_harness::seed();
    let seq = 12;
    let train_set = data::topic_classification(1000, seq, seed.wrapping_add(1));
    let test_set = data::topic_classification(300, seq, seed.wrapping_add(2));
    let bags_of = |set: &TokenDataset, idx: &[usize]| -> Vec<Vec<usize>> { idx.iter().map(|&i| set.example(i).0.to_vec()).collect() };
    let model = BagClassifier::new(data::TOPIC_VOCAB.len(), 8, 3, seed);
    let mut opt = Adam::new(model.parameters(), 0.02);
    let mut rng = Rng::new(seed.wrapping_add(3));
    let mut run = Training::new("test accuracy", 0.9, Goal::AtLeast);
    for step in 0..200 {
        let idx: Vec<usize> = (0..32).map(|_| rng.below(train_set.len())).collect();
        let labels: Vec<usize> = idx.iter().map(|&i| set_label(&train_set, i)).collect();
        let loss = nn::cross_entropy(&model.forward(&bags_of(&train_set, &idx)), &labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        run.step(step, loss.item());
    }
    let all: Vec<usize> = (0..test_set.len()).collect();
    let pred = model.forward(&bags_of(&test_set, &all)).argmax_dim(1);
    let correct = all.iter().filter(|&&i| pred[i] == set_label(&test_set, i)).count();
    run.finish(correct as f64 / all.len() as f64);
}

fn set_label(set: &TokenDataset, i: usize) -> usize {
    set.example(i).1[0]
}
