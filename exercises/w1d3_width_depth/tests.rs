use super::*;

#[test]
fn count_params_of_a_2_16_2_net() {
    // 2·16 + 16 for the first layer, 16·2 + 2 for the second.
    assert_eq!(count_params(&[2, 16, 2]), 82, "expected 82 parameters for [2, 16, 2]");
}

#[test]
fn count_params_of_an_mnist_sized_net() {
    // 784·100 + 100 + 100·10 + 10.
    assert_eq!(count_params(&[784, 100, 10]), 79_510, "expected 79510 parameters for [784, 100, 10]");
}

#[test]
fn widen_to_budget_for_one_hidden_layer() {
    // [2, w, 2] has 5w + 2 parameters: w = 20 gives exactly 102.
    assert_eq!(widen_to_budget(2, 2, 1, 102), 20, "expected width 20 for a budget of 102");
}
