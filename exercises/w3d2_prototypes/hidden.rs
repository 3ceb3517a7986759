use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

fn rows(seed: u64, n: usize, d: usize) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    (0..n * d).map(|_| rng.normal()).collect()
}

#[test]
fn prototypes_with_uneven_shots_and_five_classes() {
    let (n, d) = (11, 3);
    let x = rows(1, n, d);
    let labels = [4, 0, 2, 2, 1, 3, 0, 4, 4, 3, 1];
    let p = prototypes(&Tensor::from_vec(x.clone(), &[n, d]), &labels, 5);
    let mut want = vec![0.0f32; 5 * d];
    for c in 0..5 {
        let members: Vec<usize> = (0..n).filter(|&i| labels[i] == c).collect();
        for k in 0..d {
            want[c * d + k] = members.iter().map(|&i| x[i * d + k]).sum::<f32>() / members.len() as f32;
        }
    }
    assert_close(&p, &[5, d], &want, 1e-5);
}

#[test]
fn squared_distances_of_random_points() {
    let (q, n, d) = (6, 4, 5);
    let (a, b) = (rows(2, q, d), rows(3, n, d));
    let got = squared_distances(&Tensor::from_vec(a.clone(), &[q, d]), &Tensor::from_vec(b.clone(), &[n, d]));
    let want: Vec<f32> = (0..q)
        .flat_map(|i| {
            let (a, b) = (&a, &b);
            (0..n).map(move |c| (0..d).map(|k| (a[i * d + k] - b[c * d + k]).powi(2)).sum::<f32>())
        })
        .collect();
    assert_close(&got, &[q, n], &want, 1e-4);
}

#[test]
fn classify_picks_the_smallest_distance_and_the_lowest_class_on_ties() {
    let protos = Tensor::from_vec(vec![1.0, 0.0, -1.0, 0.0, 0.0, 3.0], &[3, 2]);
    // (0, 0) is equally far from classes 0 and 1; (0, 1.5) from 0, 1 and 2 is 3.25, 3.25, 2.25.
    let queries = Tensor::from_vec(vec![0.0, 0.0, 0.0, 1.5, -2.0, 0.5], &[3, 2]);
    assert_eq!(classify(&queries, &protos), vec![0, 2, 1]);
}

#[test]
fn one_shot_prototypes_are_the_examples() {
    let x = rows(4, 3, 4);
    let p = prototypes(&Tensor::from_vec(x.clone(), &[3, 4]), &[2, 0, 1], 3);
    let want: Vec<f32> = [1, 2, 0].iter().flat_map(|&i| x[i * 4..i * 4 + 4].to_vec()).collect();
    assert_close(&p, &[3, 4], &want, 1e-6);
}

fn pretrain_embedding(all: &Dataset, seed: u64, run: &mut Training) -> Linear {
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

fn few_shot_accuracy(all: &Dataset, body: &Linear, k: usize, episodes: usize, seed: u64) -> f64 {
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
fn three_shot_on_held_out_digits() {
    let seed = nma_harness::seed().wrapping_add(300);
    let all = data::digits().map_inputs(|v| v / 16.0);
    let mut run = Training::new("3-way 3-shot accuracy on digits 7–9 (chance 1/3)", 0.65, Goal::AtLeast);
    let body = pretrain_embedding(&all, seed, &mut run);
    run.finish(few_shot_accuracy(&all, &body, 3, 100, seed.wrapping_add(9)));
}
