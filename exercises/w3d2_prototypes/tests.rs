use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn prototypes_are_class_means_whatever_the_order() {
    // A 2-way 2-shot episode, support rows in mixed order.
    let support = Tensor::from_vec(vec![1.0, 2.0, 10.0, 0.0, 3.0, 4.0, 12.0, 2.0], &[4, 2]);
    let labels = [0, 1, 0, 1];
    let p = prototypes(&support, &labels, 2);
    // class 0: mean of (1, 2) and (3, 4); class 1: mean of (10, 0) and (12, 2)
    assert_close(&p, &[2, 2], &[2.0, 3.0, 11.0, 1.0], 1e-5);
}

#[test]
fn squared_distances_by_hand() {
    let queries = Tensor::from_vec(vec![0.0, 0.0, 3.0, 4.0, 1.0, 1.0], &[3, 2]);
    let protos = Tensor::from_vec(vec![0.0, 0.0, 3.0, 0.0], &[2, 2]);
    // (0,0): 0 and 9; (3,4): 25 and 16; (1,1): 2 and 5 — squared, no square root.
    assert_close(&squared_distances(&queries, &protos), &[3, 2], &[0.0, 9.0, 25.0, 16.0, 2.0, 5.0], 1e-5);
}

#[test]
fn each_query_gets_its_nearest_prototype() {
    let protos = Tensor::from_vec(vec![0.0, 0.0, 10.0, 0.0, 0.0, 10.0], &[3, 2]);
    // (5, 5) is exactly as far from all three (50): a tie goes to the lowest class.
    let queries = Tensor::from_vec(vec![9.0, 1.0, 1.0, 8.0, -1.0, -1.0, 4.0, 4.0, 5.0, 5.0], &[5, 2]);
    assert_eq!(classify(&queries, &protos), vec![1, 2, 0, 0, 0], "nearest of (0,0), (10,0), (0,10) to (9,1), (1,8), (−1,−1), (4,4) and (5,5), a three-way tie that goes to class 0");
}

// -------------------------------------------------- few-shot digits it never trained on

/// Pretrains a 64 → 64 → 7 ReLU classifier on digits 0–6 (recording its loss) and returns
/// its first layer: the embedding is relu(first layer), 64 numbers per image.
pub fn pretrain_embedding(all: &Dataset, seed: u64, run: &mut Training) -> Linear {
    let base: Vec<usize> = (0..all.len()).filter(|&i| all.labels()[i] < 7).collect();
    let train = all.subset(&base);
    let labels: Vec<usize> = train.labels().to_vec();
    let train = Dataset::classification(train.inputs, 64, labels, 7);
    let body = Linear::new(64, 64, seed);
    let head = Linear::new(64, 7, seed.wrapping_add(1));
    let mut params = body.parameters();
    params.extend(head.parameters());
    let mut opt = Adam::new(params, 0.005);
    let mut rng = Rng::new(seed);
    for step in 0..150 {
        let idx: Vec<usize> = (0..64).map(|_| rng.below(train.len())).collect();
        let b = train.batch(&idx);
        let loss = nn::cross_entropy(&head.forward(&nn::relu(&body.forward(&b.x))), &b.labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        run.step(step, loss.item());
    }
    body
}

/// The accuracy of nearest-prototype classification over `episodes` 3-way `k`-shot episodes
/// of digits 7, 8 and 9 (10 queries per class), with the embedding relu(body(x)).
pub fn few_shot_accuracy(all: &Dataset, body: &Linear, k: usize, episodes: usize, seed: u64) -> f64 {
    let mut rng = Rng::new(seed);
    let (mut correct, mut total) = (0, 0);
    for _ in 0..episodes {
        let mut classes = vec![7, 8, 9];
        rng.shuffle(&mut classes);
        let (mut support, mut s_labels, mut queries, mut q_labels) = (vec![], vec![], vec![], vec![]);
        for (c, &digit) in classes.iter().enumerate() {
            let mut pool: Vec<usize> = (0..all.len()).filter(|&i| all.labels()[i] == digit).collect();
            rng.shuffle(&mut pool);
            support.extend(pool[..k].iter().copied());
            s_labels.extend(std::iter::repeat(c).take(k));
            queries.extend(pool[k..k + 10].iter().copied());
            q_labels.extend(std::iter::repeat(c).take(10));
        }
        // Mix the support order: classes are not in blocks.
        let mut order: Vec<usize> = (0..support.len()).collect();
        rng.shuffle(&mut order);
        let support: Vec<usize> = order.iter().map(|&i| support[i]).collect();
        let s_labels: Vec<usize> = order.iter().map(|&i| s_labels[i]).collect();
        let embed = |idx: &[usize]| nn::relu(&body.forward(&all.subset(idx).x()));
        let protos = prototypes(&embed(&support), &s_labels, 3);
        let guess = classify(&embed(&queries), &protos);
        correct += guess.iter().zip(&q_labels).filter(|(g, t)| g == t).count();
        total += q_labels.len();
    }
    correct as f64 / total as f64
}

#[test]
fn five_shot_on_digits_never_seen_in_training() {
    let seed = nma_harness::seed();
    let all = data::digits().map_inputs(|v| v / 16.0);
    let mut run = Training::new("3-way 5-shot accuracy on digits 7–9 (chance 1/3)", 0.7, Goal::AtLeast);
    let body = pretrain_embedding(&all, seed, &mut run);
    run.finish(few_shot_accuracy(&all, &body, 5, 100, seed.wrapping_add(7)));
}
