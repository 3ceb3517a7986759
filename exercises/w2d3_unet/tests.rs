use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// `n` noisy 16×16 images `[n, 1, 16, 16]`, each a filled rectangle or disc of brightness 1
/// on a background of 0 plus Gaussian noise of standard deviation 0.5, and their masks (1 on
/// the shape's pixels). With this much noise a threshold on the raw pixels scores an IoU of
/// only about 0.39, and answering "all foreground" about 0.13.
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
fn logits_have_the_image_shape() {
    let model = UNet::new(0);
    let (x, _) = shapes(3, 1);
    let y = model.forward(&x);
    assert_eq!(y.shape(), vec![3, 1, 16, 16], "a batch [3, 1, 16, 16] should give one logit per pixel, [3, 1, 16, 16]");
    assert!(y.to_vec().iter().all(|v| v.is_finite()), "the logits should be finite numbers");
    assert!(
        y.to_vec().iter().any(|&v| v < 0.0),
        "logits are not probabilities: the last layer is the 1×1 convolution, with no sigmoid or ReLU after it (every logit came out ≥ 0)"
    );
}

#[test]
fn iou_of_hand_made_masks() {
    let m = |v: Vec<f32>| Tensor::from_vec(v, &[1, 1, 2, 3]);
    let a = m(vec![1.0, 1.0, 0.0, 1.0, 1.0, 0.0]); // a 2×2 square on the left
    let b = m(vec![1.0, 1.0, 1.0, 1.0, 1.0, 1.0]); // everything
    let c = m(vec![0.0, 0.0, 1.0, 0.0, 0.0, 1.0]); // the right column
    assert!((iou(&a, &a) - 1.0).abs() < 1e-6, "a mask against itself: IoU 1, got {}", iou(&a, &a));
    assert!((iou(&a, &b) - 4.0 / 6.0).abs() < 1e-6, "4 shared pixels of a union of 6: IoU 4/6, got {}", iou(&a, &b));
    assert!(iou(&a, &c).abs() < 1e-6, "disjoint masks: IoU 0, got {}", iou(&a, &c));
    assert!((iou(&b, &a) - iou(&a, &b)).abs() < 1e-6, "IoU is symmetric");
}

#[test]
fn iou_is_the_mean_over_images() {
    // Image 0: 2 shared pixels of a union of 4 (IoU 1/2); image 1: 3 of 3 (IoU 1).
    let p = Tensor::from_vec(vec![1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0], &[2, 1, 2, 2]);
    let t = Tensor::from_vec(vec![0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0], &[2, 1, 2, 2]);
    let got = iou(&p, &t);
    assert!(
        (got - 0.75).abs() < 1e-6,
        "the IoU of a batch is the mean of each image's IoU, (1/2 + 1) / 2 = 0.75; got {got} (pooling the counts would give 5/7 ≈ 0.714)"
    );
}

#[test]
fn segments_noisy_shapes() {
    let seed = nma_harness::seed();
    let (x, m) = shapes(512, seed.wrapping_add(10));
    let (xt, mt) = shapes(300, seed.wrapping_add(7000));
    let mut run = Training::new("IoU on fresh images", 0.78, Goal::AtLeast);
    let model = train_unet(&x, &m, seed, |step, loss| run.step(step, loss));
    run.finish(iou(&model.forward(&xt).gt(0.0), &mt) as f64);
}
