use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

fn accuracy(model: &dyn Module, data: &Dataset) -> f32 {
    let pred = model.forward(&data.x()).argmax_dim(1);
    let correct = pred.iter().zip(data.labels()).filter(|(p, t)| p == t).count();
    correct as f32 / data.len() as f32
}

/// The 8×8 digits scaled to [0, 1] and shuffled: task A has the first 1 300 (labelled by
/// digit), task B asks for the digit mod 3 and has 50 labelled examples to train on and
/// the other 447 to test on.
fn tasks(seed: u64) -> (Dataset, Dataset, Dataset) {
    let all = data::digits().map_inputs(|v| v / 16.0);
    let mut order: Vec<usize> = (0..all.len()).collect();
    Rng::new(seed).shuffle(&mut order);
    let mod3 = |d: Dataset| {
        let labels = d.labels().iter().map(|&l| l % 3).collect();
        Dataset::classification(d.inputs, 64, labels, 3)
    };
    let task_a = all.subset(&order[..1300]);
    let train_b = mod3(all.subset(&order[1300..1350]));
    let test_b = mod3(all.subset(&order[1350..]));
    (task_a, train_b, test_b)
}

fn new_body(seed: u64) -> Sequential {
    Sequential::default()
        .add(Linear::new(64, 128, seed))
        .add(ReLU)
        .add(Linear::new(128, 64, seed.wrapping_add(1)))
        .add(ReLU)
}

struct WithHead {
    body: Sequential,
    head: Linear,
}
impl Module for WithHead {
    fn forward(&self, x: &Tensor) -> Tensor {
        self.head.forward(&self.body.forward(x))
    }
    fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.body.parameters();
        p.extend(self.head.parameters());
        p
    }
}

/// Trains body + a 10-way head on task A (which digit) and returns the body.
fn pretrain_body(task_a: &Dataset, seed: u64) -> Sequential {
    let mut model = WithHead { body: new_body(seed), head: Linear::new(64, 10, seed.wrapping_add(2)) };
    let mut opt = Adam::new(model.parameters(), 0.01);
    Trainer::new(30, 64, seed).fit(&mut model, &mut opt, task_a, train::default_loss, |_, _| {});
    model.body
}

/// The same architecture, every weight trained on task B's few labels alone.
fn from_scratch(train_b: &Dataset, seed: u64) -> WithHead {
    let model = WithHead { body: new_body(seed), head: Linear::new(64, 3, seed.wrapping_add(2)) };
    let x = train_b.x();
    let mut opt = Adam::new(model.parameters(), 0.01);
    for _ in 0..300 {
        let loss = nn::cross_entropy(&model.forward(&x), train_b.labels());
        opt.zero_grad();
        loss.backward();
        opt.step();
    }
    model
}

#[test]
fn transfer_beats_training_from_scratch() {
    let seed = nma_harness::seed();
    let (task_a, train_b, test_b) = tasks(seed.wrapping_add(1));
    let body = pretrain_body(&task_a, seed.wrapping_add(2));
    let mut run = Training::new("test accuracy gap (transfer − from scratch)", 0.02, Goal::AtLeast);
    let model = fine_tune_head(body, &train_b, seed.wrapping_add(3), |s, l| run.step(s, l));
    let transfer = accuracy(model.as_ref(), &test_b);
    let scratch = accuracy(&from_scratch(&train_b, seed.wrapping_add(4)), &test_b);
    eprintln!("digit mod 3 from 50 labels: transfer {transfer}, from scratch {scratch}");
    run.finish((transfer - scratch) as f64);
}

#[test]
fn pretrained_body_stays_as_it_was() {
    let (task_a, train_b, _) = tasks(31);
    let body = pretrain_body(&task_a, 32);
    let params = body.parameters();
    let before: Vec<Vec<f32>> = params.iter().map(|p| p.to_vec()).collect();
    let _model = fine_tune_head(body, &train_b, 33, |_, _| {});
    let after: Vec<Vec<f32>> = params.iter().map(|p| p.to_vec()).collect();
    assert!(before == after, "the pretrained body's weights changed while fitting the head");
}

#[test]
fn head_is_trained_on_the_given_labels() {
    // The same inputs with the labels as given and with every label swapped: a head that
    // learns from the labels fits both; one that does not can only match one of them.
    let moons = data::moons(200, 0.05, 41);
    let swapped: Vec<usize> = moons.labels().iter().map(|&l| 1 - l).collect();
    let swapped = Dataset::classification(moons.inputs.clone(), 2, swapped, 2);
    for (name, set) in [("as given", &moons), ("swapped", &swapped)] {
        let body = Sequential::default().add(Linear::new(2, 32, 42)).add(ReLU);
        let model = fine_tune_head(body, set, 43, |_, _| {});
        let acc = accuracy(model.as_ref(), set);
        assert!(acc >= 0.8, "two moons with labels {name}: training accuracy {acc}, expected ≥ 0.8");
    }
}
