use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn check(shape: &[usize], groups: usize, eps: f32, seed: u64) {
    let c = shape[1];
    let x = Tensor::randn(shape, seed) * 4.0 + 3.0;
    let weight = Tensor::randn(&[c], seed + 1);
    let bias = Tensor::randn(&[c], seed + 2);
    let want = nn::group_norm(&x, groups, Some(&weight), Some(&bias), eps);
    assert_close(&group_norm(&x, groups, &weight, &bias, eps), shape, &want.to_vec(), 1e-4);
}

#[test]
fn matches_the_engine_on_other_shapes() {
    let seed = 30 + nma_harness::seed();
    check(&[4, 6, 2, 2], 2, 1e-5, seed);
    check(&[1, 8, 5, 3], 4, 1e-5, seed + 10);
    check(&[3, 6, 7], 3, 1e-5, seed + 20); // [N, C, L]: one trailing axis
    check(&[5, 4], 2, 1e-5, seed + 30); // [N, C]: groups of channels alone
    check(&[2, 4, 3, 3], 2, 0.5, seed + 40); // a large eps goes under the square root
}

#[test]
fn every_image_and_group_has_mean_0_and_variance_1() {
    let (n, c, h, w, g) = (3, 6, 2, 4, 3);
    let x = Tensor::randn(&[n, c, h, w], 60 + nma_harness::seed()) * 5.0 - 4.0;
    let y = group_norm(&x, g, &Tensor::ones(&[c]), &Tensor::zeros(&[c]), 1e-6).to_vec();
    let block = (c / g) * h * w; // consecutive channels: one group is one contiguous block
    for (k, vals) in y.chunks(block).enumerate() {
        let mean = vals.iter().sum::<f32>() / block as f32;
        let var = vals.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / block as f32;
        assert!(mean.abs() < 1e-4, "image {}, group {}: mean {mean}, expected 0", k / g, k % g);
        assert!((var - 1.0).abs() < 1e-3, "image {}, group {}: variance (dividing by {block}) {var}, expected 1", k / g, k % g);
    }
}

#[test]
fn an_image_depends_on_neither_its_batch_nor_its_brightness() {
    let (c, h, w) = (4, 3, 3);
    let batch = Tensor::randn(&[5, c, h, w], 70) * 2.0;
    let (weight, bias) = (Tensor::randn(&[c], 71), Tensor::randn(&[c], 72));
    let whole = group_norm(&batch, 2, &weight, &bias, 1e-5).to_vec();
    for i in 0..5 {
        let alone = group_norm(&batch.slice(0, i, i + 1), 2, &weight, &bias, 1e-5);
        assert_close(&alone, &[1, c, h, w], &whole[i * c * h * w..][..c * h * w], 1e-5);
    }
    // Stretching and brightening an image (x → 3x + 7) changes no group's normalised values.
    let (ones, zeros) = (Tensor::ones(&[c]), Tensor::zeros(&[c]));
    let image = batch.slice(0, 0, 1);
    let plain = group_norm(&image, 2, &ones, &zeros, 1e-5).to_vec();
    let brighter = group_norm(&(&image * 3.0 + 7.0), 2, &ones, &zeros, 1e-5);
    assert_close(&brighter, &[1, c, h, w], &plain, 1e-4);
}
