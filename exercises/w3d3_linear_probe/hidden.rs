use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

struct Identity;
impl Module for Identity {
    fn forward(&self, x: &Tensor) -> Tensor {
        x.clone()
    }
}

/// The encoder part and a linear head, trained together on labels.
struct Supervised {
    encoder: Mlp,
    head: Linear,
}
impl Module for Supervised {
    fn forward(&self, x: &Tensor) -> Tensor {
        self.head.forward(&self.encoder.forward(x))
    }
    fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.encoder.parameters();
        p.extend(self.head.parameters());
        p
    }
}

#[test]
fn accuracy_is_measured_on_the_test_set() {
    // The test set has the training inputs with every label moved to the next class:
    // a probe scored on the test labels gets (almost) nothing right.
    let train_set = data::blobs(200, 4, 0.3, 3);
    let shifted: Vec<usize> = train_set.labels().iter().map(|&l| (l + 1) % 4).collect();
    let test_set = Dataset::classification(train_set.x().to_vec(), 2, shifted, 4);
    let on_train = linear_probe(&Identity, &train_set, &train_set, 4);
    let on_test = linear_probe(&Identity, &train_set, &test_set, 4);
    assert!(on_train >= 0.9, "an identity encoder on four blobs: accuracy {on_train}, expected ≥ 0.9");
    assert!(on_test <= 0.1, "scored against shifted labels the accuracy should be near 0, got {on_test}: use `test`'s inputs and labels");
}

/// dSprites-lite images labelled by horizontal position: 4 bands, left to right.
fn by_position(n: usize, seed: u64) -> Dataset {
    let (images, factors) = data::dsprites_lite(n, seed);
    let labels = factors.iter().map(|f| f.x_index / 4).collect();
    Dataset::classification(images.x().to_vec(), 1024, labels, 4)
}

#[test]
fn supervised_encoder_beats_a_random_one() {
    let seed = nma_harness::seed();
    let train_set = by_position(900, seed.wrapping_add(1));
    let test_set = by_position(300, seed.wrapping_add(2));
    let random = Mlp::new(&[1024, 64, 16], Activation::Relu, seed.wrapping_add(3));
    let mut model = Supervised {
        encoder: Mlp::new(&[1024, 64, 16], Activation::Relu, seed.wrapping_add(4)),
        head: Linear::new(16, 4, seed.wrapping_add(5)),
    };
    let mut run = Training::new("probe accuracy gap (supervised − random)", 0.1, Goal::AtLeast);
    let mut opt = Adam::new(model.parameters(), 0.003);
    Trainer::new(15, 64, seed).fit(&mut model, &mut opt, &train_set, train::default_loss, |s, l| run.step(s, l));
    let supervised = linear_probe(&model.encoder, &train_set, &test_set, seed.wrapping_add(6));
    let chance = linear_probe(&random, &train_set, &test_set, seed.wrapping_add(6));
    eprintln!("probe accuracy: supervised {supervised}, random {chance}");
    run.finish((supervised - chance) as f64);
}
