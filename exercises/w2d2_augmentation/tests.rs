use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// The same small network trained on `train` for 300 full-batch Adam steps, once on the
/// glyphs as they are (`rng` None), once on a fresh `augment`ed variant at every step.
fn train_mlp(train: &Dataset, seed: u64, mut rng: Option<&mut Rng>, mut on_step: impl FnMut(usize, f32)) -> Mlp {
    let model = Mlp::new(&[144, 32, 2], Activation::Relu, seed);
    let mut opt = Adam::new(model.parameters(), 0.01);
    let all: Vec<usize> = (0..train.len()).collect();
    let batch = train.batch(&all);
    for step in 0..300 {
        let b = match rng.as_deref_mut() {
            Some(rng) => augment(&batch, rng),
            None => batch.clone(),
        };
        let loss = nn::cross_entropy(&model.forward(&b.x), &b.labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    model
}

#[test]
fn shift_moves_pixels_down_and_right_and_fills_with_zeros() {
    let img = Tensor::from_vec((1..=9).map(|v| v as f32).collect(), &[1, 1, 3, 3]);
    assert_eq!(
        shift(&img, 1, 0).to_vec(),
        vec![0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "dy = 1 moves every row down one: the top row is new (zeros), the bottom row falls off (not wrapped round)"
    );
    assert_eq!(
        shift(&img, 0, -1).to_vec(),
        vec![2.0, 3.0, 0.0, 5.0, 6.0, 0.0, 8.0, 9.0, 0.0],
        "dx = −1 moves every column left one: the right column is new (zeros)"
    );
    assert_eq!(shift(&img, 1, 1).shape(), vec![1, 1, 3, 3], "a shift keeps the shape");
}

#[test]
fn hflip_mirrors_each_row() {
    let img = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[1, 1, 2, 3]);
    assert_eq!(hflip(&img).to_vec(), vec![3.0, 2.0, 1.0, 6.0, 5.0, 4.0], "each row read right to left");
}

#[test]
fn augment_keeps_shapes_and_labels_and_changes_the_glyphs() {
    let data = data::xo_glyphs(40, 0.0, 3);
    let all: Vec<usize> = (0..40).collect();
    let batch = data.batch(&all);
    let out = augment(&batch, &mut Rng::new(1));
    assert_eq!(out.x.shape(), vec![40, 144], "augment returns the glyphs flat, [n, 144], like its input");
    assert_eq!(out.labels, batch.labels, "augmentation must keep every glyph's label, in order");
    assert_eq!(out.y.to_vec(), batch.y.to_vec(), "augmentation must keep the targets");
    let (a, b) = (out.x.to_vec(), batch.x.to_vec());
    if let Some(v) = a.iter().find(|v| !(-0.4..=1.4).contains(*v)) {
        panic!("the glyphs' pixels are 0 or 1, and noise of standard deviation 0.05 keeps them near that; found a pixel {v}");
    }
    let changed = (0..40)
        .filter(|i| (0..144).map(|j| (a[i * 144 + j] - b[i * 144 + j]).abs()).sum::<f32>() / 144.0 > 0.1)
        .count();
    assert!(changed >= 20, "most glyphs should move (only {changed} of 40 differ from the original by more than noise)");
}

#[test]
fn augmentation_helps_on_twelve_glyphs() {
    let seed = nma_harness::seed();
    let train = data::xo_glyphs(12, 0.05, seed.wrapping_add(11));
    let test = data::xo_glyphs(400, 0.05, seed.wrapping_add(5000));
    let plain = train_mlp(&train, seed, None, |_, _| {});
    let mut run = Training::new("test accuracy gained by augmenting", 0.12, Goal::AtLeast);
    let mut rng = Rng::new(seed.wrapping_add(77));
    let augmented = train_mlp(&train, seed, Some(&mut rng), |step, loss| run.step(step, loss));
    run.finish((train::evaluate(&augmented, &test) - train::evaluate(&plain, &test)) as f64);
}
