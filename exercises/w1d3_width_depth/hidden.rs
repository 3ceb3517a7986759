use super::*;

#[test]
fn count_params_of_deep_and_degenerate_nets() {
    // 10·20+20, 20·20+20 twice, 20·1+1.
    assert_eq!(count_params(&[10, 20, 20, 20, 1]), 220 + 420 + 420 + 21, "[10, 20, 20, 20, 1]");
    assert_eq!(count_params(&[5, 5]), 30, "a single 5→5 layer has 25 weights and 5 biases");
    assert_eq!(count_params(&[3]), 0, "a single width has no layers, so 0 parameters");
}

#[test]
fn widen_to_budget_finds_the_smallest_width() {
    // [2, w, 2]: 5w + 2. 82 is reached exactly at w = 16; 83 needs w = 17.
    assert_eq!(widen_to_budget(2, 2, 1, 82), 16, "budget 82 for [2, w, 2]: w = 16 has exactly 82");
    assert_eq!(widen_to_budget(2, 2, 1, 83), 17, "budget 83 for [2, w, 2]: w = 16 has only 82");
    assert_eq!(widen_to_budget(2, 2, 1, 81), 16, "budget 81 for [2, w, 2]: w = 15 has only 77");
}

#[test]
fn widen_to_budget_with_several_hidden_layers() {
    // [10, w, w, w, 1]: 11w + 2(w² + w) + w + 1 = 2w² + 14w + 1.
    // w = 20 gives 1081 (the net above); w = 19 gives 989.
    assert_eq!(widen_to_budget(10, 1, 3, 1081), 20, "budget 1081 for [10, w, w, w, 1]");
    assert_eq!(widen_to_budget(10, 1, 3, 990), 20, "budget 990 for [10, w, w, w, 1]: w = 19 has only 989");
    assert_eq!(widen_to_budget(10, 1, 3, 989), 19, "budget 989 for [10, w, w, w, 1]");
}

#[test]
fn a_tiny_budget_needs_width_1() {
    // [4, 1, 3] already has 4 + 1 + 3 + 3 = 11 parameters.
    assert_eq!(widen_to_budget(4, 3, 1, 1), 1, "any budget up to 11 is met by width 1");
    assert_eq!(widen_to_budget(4, 3, 1, 11), 1, "budget 11 is met exactly by width 1");
    assert_eq!(widen_to_budget(4, 3, 1, 12), 2, "budget 12 needs width 2 (19 parameters)");
}
