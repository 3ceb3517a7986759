use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn normalize_two_channels() {
    // Channel 0 is [[1, 3, 5], [7, 9, 11]] with mean 5, std 2; channel 1 is all 4 with mean 2, std 0.5.
    let img = Tensor::from_vec(vec![1., 3., 5., 7., 9., 11., 4., 4., 4., 4., 4., 4.], &[2, 2, 3]);
    let got = normalize(&img, &[5.0, 2.0], &[2.0, 0.5]);
    assert_close(&got, &[2, 2, 3], &[-2., -1., 0., 1., 2., 3., 4., 4., 4., 4., 4., 4.], 1e-6);
}

#[test]
fn hflip_mirrors_each_row() {
    let img = Tensor::from_vec(vec![1., 2., 3., 4., 5., 6.], &[1, 2, 3]);
    assert_close(&hflip(&img), &[1, 2, 3], &[3., 2., 1., 6., 5., 4.], 0.0);
}
