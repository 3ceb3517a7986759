use super::*;

#[test]
fn standard_convolution_on_the_course_example() {
    // 4 input channels, 2 output channels, 3×3 kernels.
    assert_eq!(param_count(4, 2, 3), 72, "param_count(4, 2, 3): expected 72");
}

#[test]
fn depthwise_separable_on_the_course_example() {
    assert_eq!(depthwise_separable_count(4, 2, 3), 44, "depthwise_separable_count(4, 2, 3): expected 36 + 8 = 44");
}
