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
fn c_has_the_shape_of_a_and_depends_on_the_seed() {
    let (_, _, c, _) = tensor_creation(&small_z(), 0);
    assert_eq!(c.shape(), vec![20, 21], "c must have the shape of a, [20, 21], got {:?}", c.shape());
    let values = c.to_vec();
    if let Some((i, v)) = values.iter().enumerate().find(|(_, v)| !(0.0..1.0).contains(*v)) {
        panic!("c holds uniform numbers in [0, 1), but element {i} is {v}");
    }
    let (_, _, other, _) = tensor_creation(&small_z(), 1);
    assert!(other.to_vec() != values, "seeds 0 and 1 gave the same c: draw c from the seed you are given");
}

#[test]
fn d_is_the_even_numbers_from_4_to_40() {
    let (_, _, _, d) = tensor_creation(&small_z(), 0);
    let expected: Vec<f32> = (2..=20).map(|i| (2 * i) as f32).collect();
    assert_close(&d, &[19], &expected, 0.0);
}
