use super::*;

#[test]
fn a_3x3_kernel_shrinks_a_5x5_image_to_3x3() {
    assert_eq!(output_shape([5, 5], [3, 3], 1, 0), [3, 3], "a 3×3 kernel fits in 5 − 3 + 1 = 3 positions each way");
}

#[test]
fn padding_of_2_keeps_a_28x28_image_the_same_size_under_a_5x5_kernel() {
    assert_eq!(output_shape([28, 28], [5, 5], 1, 2), [28, 28], "padding goes on both sides: 28 + 2·2 − 5 + 1 = 28");
}

#[test]
fn stride_2_roughly_halves_the_output() {
    assert_eq!(output_shape([7, 7], [3, 3], 2, 0), [3, 3], "starts at 0, 2 and 4: (7 − 3) / 2 + 1 = 3");
}

#[test]
fn a_rectangular_kernel_uses_its_own_height_and_width() {
    assert_eq!(output_shape([9, 12], [3, 5], 1, 0), [7, 8], "9 − 3 + 1 = 7 rows, 12 − 5 + 1 = 8 columns");
}

#[test]
fn a_position_that_sticks_out_does_not_count() {
    // Stride 3 over 12 cells with a kernel of 4: starts at 0, 3, 6 (a start at 9 would need cells 9–12).
    assert_eq!(output_shape([12, 12], [4, 4], 3, 0), [3, 3], "(12 − 4) / 3 + 1 = 3, with the division rounding down");
}
