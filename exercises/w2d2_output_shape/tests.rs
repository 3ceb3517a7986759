use super::*;

#[test]
fn a_3x3_kernel_shrinks_a_5x5_image_to_3x3() {
    assert_eq!(output_shape([5, 5], [3, 3], 1, 0), [3, 3]);
}

#[test]
fn padding_of_2_keeps_a_28x28_image_the_same_size_under_a_5x5_kernel() {
    assert_eq!(output_shape([28, 28], [5, 5], 1, 2), [28, 28]);
}

#[test]
fn stride_2_roughly_halves_the_output() {
    assert_eq!(output_shape([7, 7], [3, 3], 2, 0), [3, 3]);
}
