use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn function_a_on_the_course_example() {
    // Column sums [2, 2] times the total of the second tensor, 12.
    let t1 = Tensor::from_vec(vec![1., 1., 1., 1.], &[2, 2]);
    let t2 = Tensor::from_vec(vec![1., 2., 3., 1., 2., 3.], &[2, 3]);
    assert_close(&function_a(&t1, &t2), &[2], &[24., 24.], 1e-5);
}

#[test]
fn function_a_gives_one_number_per_column() {
    // A [2, 3] tensor has three columns, with sums [5, 7, 9]; t2 adds up to 1.
    let t1 = Tensor::from_vec(vec![1., 2., 3., 4., 5., 6.], &[2, 3]);
    let t2 = Tensor::from_vec(vec![0.5, 0.5], &[1, 2]);
    assert_close(&function_a(&t1, &t2), &[3], &[5., 7., 9.], 1e-5);
}

#[test]
fn function_b_on_the_course_example() {
    let t = Tensor::from_vec(vec![2., 3., -1., 10.], &[2, 2]);
    assert_close(&function_b(&t), &[4, 2], &[0., 2., 1., 3., 2., -1., 3., 10.], 1e-5);
}

#[test]
fn function_c_on_the_course_examples() {
    let t1 = Tensor::from_vec(vec![1., -1., -1., 3.], &[2, 2]);
    // Four elements: reshape to [2, 2] and add.
    let same_size = Tensor::from_vec(vec![2., 3., 0., 2.], &[1, 4]);
    assert_close(&function_c(&t1, &same_size), &[2, 2], &[3., 2., -1., 5.], 1e-5);
    // Three elements: join everything into one row.
    let other_size = Tensor::from_vec(vec![2., 3., 0.], &[1, 3]);
    assert_close(&function_c(&t1, &other_size), &[7], &[1., -1., -1., 3., 2., 3., 0.], 1e-5);
}
