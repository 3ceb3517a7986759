use super::*;

#[test]
fn height_and_width_are_computed_separately() {
    assert_eq!(output_shape([32, 20], [5, 3], 1, 0), [28, 18]);
}

#[test]
fn positions_that_do_not_fit_are_dropped() {
    // (8 - 3) / 2 + 1 = 3: the last column would stick out, so it does not count.
    assert_eq!(output_shape([8, 8], [3, 3], 2, 0), [3, 3]);
}

#[test]
fn alexnet_first_layer() {
    // 227×227 input, 11×11 kernel, stride 4 → 55×55 feature maps.
    assert_eq!(output_shape([227, 227], [11, 11], 4, 0), [55, 55]);
}

#[test]
fn padding_and_stride_together() {
    assert_eq!(output_shape([10, 15], [4, 4], 3, 1), [3, 5]);
}
