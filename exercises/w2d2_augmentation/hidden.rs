use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

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

/// The shift by (dy, dx) of one h×w plane, written out.
fn shifted(src: &[f32], h: i32, w: i32, dy: i32, dx: i32) -> Vec<f32> {
    let mut out = vec![0.0; src.len()];
    for r in 0..h {
        for c in 0..w {
            if (0..h).contains(&(r - dy)) && (0..w).contains(&(c - dx)) {
                out[(r * w + c) as usize] = src[((r - dy) * w + c - dx) as usize];
            }
        }
    }
    out
}

#[test]
fn augmentation_helps_glyphs_it_never_saw() {
    let seed = nma_harness::seed();
    let train = data::xo_glyphs(12, 0.05, seed.wrapping_add(300));
    let test = data::xo_glyphs(400, 0.05, seed.wrapping_add(90_000));
    let plain = train_mlp(&train, seed.wrapping_add(1), None, |_, _| {});
    let mut run = Training::new("test accuracy gained by augmenting", 0.12, Goal::AtLeast);
    let mut rng = Rng::new(seed.wrapping_add(5));
    let augmented = train_mlp(&train, seed.wrapping_add(1), Some(&mut rng), |step, loss| run.step(step, loss));
    run.finish((train::evaluate(&augmented, &test) - train::evaluate(&plain, &test)) as f64);
}

#[test]
fn shift_works_on_every_plane_of_a_batch() {
    let x = Tensor::randn(&[2, 3, 4, 5], 8);
    let v = x.to_vec();
    for (dy, dx) in [(-1, 2), (2, -3), (0, 0), (4, 0), (0, -5)] {
        let want: Vec<f32> = v.chunks(20).flat_map(|p| shifted(p, 4, 5, dy, dx)).collect();
        assert_eq!(shift(&x, dy, dx).to_vec(), want, "shift by ({dy}, {dx})");
    }
}

#[test]
fn hflip_twice_is_the_identity_on_every_plane() {
    let x = Tensor::randn(&[2, 2, 3, 4], 9);
    assert_eq!(hflip(&hflip(&x)).to_vec(), x.to_vec());
    let first = hflip(&x).to_vec();
    assert_eq!(first[0], x.to_vec()[3]);
    assert_eq!(first[47], x.to_vec()[44]);
}

/// For each augmented glyph: the (dy, dx, flipped) among shifts of up to 2 pixels, with or
/// without a mirror, that comes closest, and the residual left over (the noise).
fn explain(original: &Tensor, augmented: &Tensor) -> Vec<((i32, i32, bool), Vec<f32>)> {
    let n = original.shape()[0];
    let (o, a) = (original.to_vec(), augmented.to_vec());
    (0..n)
        .map(|i| {
            let img = &o[i * 144..(i + 1) * 144];
            let mirrored: Vec<f32> = img.chunks(12).flat_map(|row| row.iter().rev().copied()).collect();
            let mut best: Option<(f32, (i32, i32, bool), Vec<f32>)> = None;
            for flip in [false, true] {
                for dy in -2..=2 {
                    for dx in -2..=2 {
                        let cand = shifted(if flip { &mirrored } else { img }, 12, 12, dy, dx);
                        let res: Vec<f32> = a[i * 144..(i + 1) * 144].iter().zip(&cand).map(|(p, q)| p - q).collect();
                        let err = res.iter().map(|r| r.abs()).sum::<f32>() / 144.0;
                        if best.as_ref().map_or(true, |b| err < b.0) {
                            best = Some((err, (dy, dx, flip), res));
                        }
                    }
                }
            }
            let (_, how, res) = best.unwrap();
            (how, res)
        })
        .collect()
}

#[test]
fn each_glyph_is_shifted_or_mirrored_plus_a_little_noise() {
    let data = data::xo_glyphs(60, 0.0, 21);
    let all: Vec<usize> = (0..60).collect();
    let batch = data.batch(&all);
    let out = augment(&batch, &mut Rng::new(4));
    assert_eq!(out.x.shape(), vec![60, 144]);
    let mut all_res = Vec::new();
    for (i, (_, res)) in explain(&batch.x, &out.x).into_iter().enumerate() {
        let mean_abs = res.iter().map(|r| r.abs()).sum::<f32>() / 144.0;
        assert!(mean_abs < 0.1, "glyph {i} is not a shift of up to 2 pixels (or its mirror image) of the original plus small noise");
        all_res.extend(res);
    }
    let std = (all_res.iter().map(|r| r * r).sum::<f32>() / all_res.len() as f32).sqrt();
    assert!((0.03..0.08).contains(&std), "the noise should have a standard deviation of 0.05, found {std}");
}

#[test]
fn every_glyph_draws_its_own_shift() {
    let data = data::xo_glyphs(60, 0.0, 22);
    let all: Vec<usize> = (0..60).collect();
    let batch = data.batch(&all);
    let mut rng = Rng::new(6);
    let first = augment(&batch, &mut rng);
    let mut shifts: Vec<(i32, i32)> = explain(&batch.x, &first.x).into_iter().map(|((dy, dx, _), _)| (dy, dx)).collect();
    shifts.sort();
    shifts.dedup();
    assert!(shifts.len() >= 6, "60 glyphs should get many different shifts, found only {shifts:?}");
    let second = augment(&batch, &mut rng);
    assert_ne!(first.x.to_vec(), second.x.to_vec(), "each call should draw new shifts and noise from the generator");
}
