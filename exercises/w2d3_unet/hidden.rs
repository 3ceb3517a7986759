use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// As in tests.rs: noisy rectangles and discs, 16×16, and their masks.
fn shapes(n: usize, seed: u64) -> (Tensor, Tensor) {
    let side = 16usize;
    let mut rng = Rng::new(seed);
    let (mut images, mut masks) = (Vec::with_capacity(n * side * side), Vec::with_capacity(n * side * side));
    for _ in 0..n {
        let mut mask = vec![0.0f32; side * side];
        if rng.below(2) == 0 {
            let (h, w) = (3 + rng.below(6), 3 + rng.below(6));
            let (top, left) = (rng.below(side - h + 1), rng.below(side - w + 1));
            for r in top..top + h {
                for c in left..left + w {
                    mask[r * side + c] = 1.0;
                }
            }
        } else {
            let radius = 2.0 + 2.5 * rng.uniform();
            let span = side as f32 - 2.0 * radius;
            let (cy, cx) = (radius + span * rng.uniform(), radius + span * rng.uniform());
            for r in 0..side {
                for c in 0..side {
                    let (dy, dx) = (r as f32 + 0.5 - cy, c as f32 + 0.5 - cx);
                    if dy * dy + dx * dx <= radius * radius {
                        mask[r * side + c] = 1.0;
                    }
                }
            }
        }
        images.extend(mask.iter().map(|&m| m + 0.5 * rng.normal()));
        masks.extend(mask);
    }
    (Tensor::from_vec(images, &[n, 1, side, side]), Tensor::from_vec(masks, &[n, 1, side, side]))
}

#[test]
fn segments_shapes_it_never_saw() {
    let seed = nma_harness::seed();
    let (x, m) = shapes(512, seed.wrapping_add(300));
    let (xt, mt) = shapes(300, seed.wrapping_add(90_000));
    let mut run = Training::new("IoU on fresh images", 0.78, Goal::AtLeast);
    let model = train_unet(&x, &m, seed.wrapping_add(1), |step, loss| run.step(step, loss));
    run.finish(iou(&model.forward(&xt).gt(0.0), &mt) as f64);
}

#[test]
fn other_image_sizes_keep_their_shape() {
    let model = UNet::new(4);
    for (h, w) in [(8, 8), (12, 20)] {
        let y = model.forward(&Tensor::randn(&[2, 1, h, w], 3));
        assert_eq!(y.shape(), vec![2, 1, h, w]);
    }
}

#[test]
fn iou_averages_over_images() {
    // Image 0: 1 shared pixel of a union of 4; image 1: identical 8-pixel masks.
    let mut p = vec![0.0f32; 32];
    let mut t = vec![0.0f32; 32];
    p[0] = 1.0;
    p[1] = 1.0;
    t[1] = 1.0;
    t[2] = 1.0;
    t[3] = 1.0;
    for i in 16..24 {
        p[i] = 1.0;
        t[i] = 1.0;
    }
    let got = iou(&Tensor::from_vec(p, &[2, 1, 4, 4]), &Tensor::from_vec(t, &[2, 1, 4, 4]));
    assert!((got - (0.25 + 1.0) / 2.0).abs() < 1e-6, "mean of 1/4 and 1: {got}");
}

#[test]
fn iou_of_two_empty_masks_is_one() {
    let empty = Tensor::zeros(&[1, 1, 4, 4]);
    let mut one = vec![0.0f32; 16];
    one[5] = 1.0;
    let one = Tensor::from_vec(one, &[1, 1, 4, 4]);
    let both = iou(&Tensor::cat(&[&empty, &one], 0), &Tensor::cat(&[&empty, &one], 0));
    assert!((both - 1.0).abs() < 1e-6, "an empty prediction of an empty mask is perfect: {both}");
    assert!(iou(&empty, &one).abs() < 1e-6, "missing the only foreground pixel: IoU 0");
}

#[test]
fn iou_counts_values_above_one_half_as_foreground() {
    let p = Tensor::from_vec(vec![0.9, 0.6, 0.4, 0.1], &[1, 1, 2, 2]);
    let t = Tensor::from_vec(vec![1.0, 0.0, 0.0, 0.0], &[1, 1, 2, 2]);
    assert!((iou(&p, &t) - 0.5).abs() < 1e-6);
}
