use super::*;
use nma_engine::testing::assert_close;

fn small_z() -> Vec<Vec<f32>> {
    vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]]
}

#[test]
fn a_is_a_20_by_21_tensor_of_ones() {
    let (a, _, _, _) = tensor_creation(&small_z(), 0);
    assert_close(&a, &[20, 21], &[1.0; 420], 0.0);
}

#[test]
fn b_holds_the_values_of_z() {
    let (_, b, _, _) = tensor_creation(&small_z(), 0);
    assert_close(&b, &[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 0.0);
}

#[test]
fn d_is_the_even_numbers_from_4_to_40() {
    let (_, _, _, d) = tensor_creation(&small_z(), 0);
    let expected: Vec<f32> = (2..=20).map(|i| (2 * i) as f32).collect();
    assert_close(&d, &[19], &expected, 0.0);
}
