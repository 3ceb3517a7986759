use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn chw_to_hwc_changes_the_shape() {
    let img = Tensor::zeros(&[3, 4, 5]);
    let got = chw_to_hwc(&img);
    assert_eq!(got.shape(), vec![4, 5, 3], "a [3, 4, 5] image must become [4, 5, 3], got {:?}", got.shape());
}

#[test]
fn chw_to_hwc_on_a_tiny_image() {
    // Two channels of a 1×2 image: channel 0 is [1, 2], channel 1 is [10, 20].
    let img = Tensor::from_vec(vec![1., 2., 10., 20.], &[2, 1, 2]);
    assert_close(&chw_to_hwc(&img), &[1, 2, 2], &[1., 10., 2., 20.], 0.0);
}

#[test]
fn grayscale_of_pure_colours() {
    // One row of three pixels: pure red, pure green, pure blue.
    let img = Tensor::from_vec(vec![1., 0., 0., 0., 1., 0., 0., 0., 1.], &[1, 3, 3]);
    assert_close(&to_grayscale(&img), &[1, 3], &[0.299, 0.587, 0.114], 1e-6);
}
