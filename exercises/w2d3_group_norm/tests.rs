use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn two_groups_by_hand() {
    // One image, 4 channels of 2 values: channels 0, 1 hold 1, 3 | 5, 7 (group 0: mean 4,
    // variance 20/4 = 5); channels 2, 3 hold 2, 2 | 2, 6 (group 1: mean 3, variance 12/4 = 3).
    let x = Tensor::from_vec(vec![1.0, 3.0, 5.0, 7.0, 2.0, 2.0, 2.0, 6.0], &[1, 4, 1, 2]);
    let plain = group_norm(&x, 2, &Tensor::ones(&[4]), &Tensor::zeros(&[4]), 1e-5);
    #[rustfmt::skip]
    let normalised = [
        -1.341639, -0.447213, 0.447213, 1.341639,
        -0.577349, -0.577349, -0.577349, 1.732048,
    ];
    assert_close(&plain, &[1, 4, 1, 2], &normalised, 1e-5);
    // Then channel c is scaled by weight[c] and shifted by bias[c].
    let weight = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[4]);
    let bias = Tensor::from_vec(vec![0.0, 0.0, 1.0, -1.0], &[4]);
    #[rustfmt::skip]
    let scaled = [
        -1.341639, -0.447213, 0.894426, 2.683279,
        -0.732048, -0.732048, -3.309397, 5.928192,
    ];
    assert_close(&group_norm(&x, 2, &weight, &bias, 1e-5), &[1, 4, 1, 2], &scaled, 1e-5);
}

#[test]
fn one_group_is_layer_norm_and_one_group_per_channel_is_instance_norm() {
    let (n, c, h, w) = (3, 4, 2, 3);
    let x = Tensor::randn(&[n, c, h, w], 5) * 2.0 + 1.0;
    let (ones, zeros) = (Tensor::ones(&[c]), Tensor::zeros(&[c]));
    let layer = nn::layer_norm(&x, &[c, h, w], None, None, 1e-5);
    assert_close(&group_norm(&x, 1, &ones, &zeros, 1e-5), &[n, c, h, w], &layer.to_vec(), 1e-4);
    let instance = nn::layer_norm(&x, &[h, w], None, None, 1e-5);
    assert_close(&group_norm(&x, c, &ones, &zeros, 1e-5), &[n, c, h, w], &instance.to_vec(), 1e-4);
}

#[test]
fn matches_the_engines_group_norm() {
    let x = Tensor::randn(&[2, 6, 3, 3], 7) * 3.0 - 2.0;
    let weight = Tensor::randn(&[6], 8);
    let bias = Tensor::randn(&[6], 9);
    let want = nn::group_norm(&x, 3, Some(&weight), Some(&bias), 1e-5);
    assert_close(&group_norm(&x, 3, &weight, &bias, 1e-5), &[2, 6, 3, 3], &want.to_vec(), 1e-4);
}
