use super::*;

#[test]
fn standard_counts_for_other_layers() {
    assert_eq!(param_count(3, 64, 7), 9_408, "param_count(3, 64, 7): 3·64·49 = 9408");
    assert_eq!(param_count(256, 256, 3), 589_824, "param_count(256, 256, 3): 256·256·9 = 589824");
    assert_eq!(param_count(16, 8, 1), 128, "param_count(16, 8, 1): a 1×1 convolution has in·out weights");
}

#[test]
fn depthwise_uses_input_channels_and_a_squared_kernel() {
    // in = 3, out = 8, k = 5: 3·25 + 3·8 = 99. Using out for the depthwise part gives 224;
    // using k instead of k·k gives 39.
    assert_eq!(depthwise_separable_count(3, 8, 5), 99, "depthwise_separable_count(3, 8, 5): 3·25 + 3·8 = 99");
    assert_eq!(depthwise_separable_count(32, 10, 3), 608, "depthwise_separable_count(32, 10, 3): 32·9 + 32·10 = 608");
}

#[test]
fn separable_is_much_smaller_for_wide_layers() {
    assert_eq!(depthwise_separable_count(256, 256, 3), 67_840, "depthwise_separable_count(256, 256, 3): 256·9 + 256·256 = 67840");
    assert_eq!(depthwise_separable_count(1, 1, 1), 2, "depthwise_separable_count(1, 1, 1): 1 + 1 = 2");
}
