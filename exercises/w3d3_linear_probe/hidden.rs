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

/// dSprites-lite images labelled by horizontal position: 8 bands, left to right.
fn by_position(n: usize, seed: u64) -> Dataset {
    let (images, factors) = data::dsprites_lite(n, seed);
    let labels = factors.iter().map(|f| f.x_index / 2).collect();
    Dataset::classification(images.x().to_vec(), 1024, labels, 8)
}

/// The day's NT-Xent loss (exercise w3d3_nt_xent): row i of `z1` and row i of `z2` are
/// two views of one image; every other row of either is a negative.
fn nt_xent(z1: &Tensor, z2: &Tensor, tau: f32) -> Tensor {
    let n = z1.shape()[0];
    let z = Tensor::cat(&[z1, z2], 0);
    let z = &z / &(&z * &z).sum_dim(1, true).sqrt();
    let s = z.matmul(&z.t()) / tau;
    let logits = &s - Tensor::eye(2 * n) * 1e9;
    let partners: Vec<usize> = (0..2 * n).map(|i| (i + n) % (2 * n)).collect();
    nn::cross_entropy(&logits, &partners)
}

/// One random view of a 32×32 image, appended to `out`: shifted by up to a pixel each way
/// (zeros come in at the edge), a 5×5 patch blanked out, and 20 random pixels flipped.
fn augment(img: &[f32], rng: &mut Rng, out: &mut Vec<f32>) {
    let dx = rng.below(3) as i64 - 1;
    let dy = rng.below(3) as i64 - 1;
    let start = out.len();
    out.resize(start + 1024, 0.0);
    let view = &mut out[start..];
    for r in 0..32i64 {
        let src = r - dy;
        if !(0..32).contains(&src) {
            continue;
        }
        let (src, dst) = (&img[src as usize * 32..][..32], &mut view[r as usize * 32..][..32]);
        match dx {
            1 => dst[1..].copy_from_slice(&src[..31]),
            -1 => dst[..31].copy_from_slice(&src[1..]),
            _ => dst.copy_from_slice(src),
        }
    }
    let (mr, mc) = (rng.below(28), rng.below(28));
    for r in mr..mr + 5 {
        view[r * 32 + mc..r * 32 + mc + 5].fill(0.0);
    }
    for _ in 0..20 {
        let k = rng.below(1024);
        view[k] = 1.0 - view[k];
    }
}

/// SimCLR without a single label: `steps` Adam steps of NT-Xent (τ = 0.5) on two augmented
/// views of `batch` images drawn from `images` ([n, 1024]). Reports each loss to `step`.
fn train_self_supervised(encoder: &Mlp, images: &Tensor, seed: u64, steps: usize, batch: usize, mut step: impl FnMut(usize, f32)) {
    let pixels = images.to_vec();
    let n = images.shape()[0];
    let mut opt = Adam::new(encoder.parameters(), 0.003);
    let mut rng = Rng::new(seed);
    for s in 0..steps {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..batch {
            let img = &pixels[rng.below(n) * 1024..][..1024];
            augment(img, &mut rng, &mut a);
            augment(img, &mut rng, &mut b);
        }
        let za = encoder.forward(&Tensor::from_vec(a, &[batch, 1024]));
        let zb = encoder.forward(&Tensor::from_vec(b, &[batch, 1024]));
        let loss = nt_xent(&za, &zb, 0.5);
        opt.zero_grad();
        loss.backward();
        opt.step();
        step(s, loss.item());
    }
}

#[test]
fn self_supervised_encoder_beats_a_random_one() {
    let seed = nma_harness::seed();
    let train_set = by_position(900, seed.wrapping_add(1));
    let test_set = by_position(300, seed.wrapping_add(2));
    let probe_seed = seed.wrapping_add(6);

    // The same encoder twice: left as initialised, and trained with NT-Xent on augmented
    // views of the training images (their labels are never looked at).
    let random = Mlp::new(&[1024, 64, 16], Activation::Relu, seed.wrapping_add(7));
    let contrastive = Mlp::new(&[1024, 64, 16], Activation::Relu, seed.wrapping_add(7));
    let mut run = Training::new("probe accuracy gap (self-supervised − random)", 0.3, Goal::AtLeast);
    train_self_supervised(&contrastive, &train_set.x(), seed.wrapping_add(8), 120, 32, |s, l| run.step(s, l));

    // The reference at the other end: an encoder trained on the very labels being probed.
    let mut model = Supervised {
        encoder: Mlp::new(&[1024, 64, 16], Activation::Relu, seed.wrapping_add(4)),
        head: Linear::new(16, 8, seed.wrapping_add(5)),
    };
    let mut opt = Adam::new(model.parameters(), 0.003);
    Trainer::new(10, 64, seed).fit(&mut model, &mut opt, &train_set, train::default_loss, |_, _| {});

    let chance = linear_probe(&random, &train_set, &test_set, probe_seed);
    let selfsup = linear_probe(&contrastive, &train_set, &test_set, probe_seed);
    let supervised = linear_probe(&model.encoder, &train_set, &test_set, probe_seed);
    eprintln!("probe accuracy on 8 position bands: random {chance:.3}, self-supervised {selfsup:.3}, supervised {supervised:.3}");
    assert!(
        selfsup >= supervised - 0.15,
        "the self-supervised encoder's probe reached {selfsup:.3}, the supervised one's {supervised:.3}: \
         with the same probe on both, the gap should be under 0.15"
    );
    run.finish((selfsup - chance) as f64);
}
