use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn simple_ops_on_the_course_example() {
    let a1 = Tensor::from_vec(vec![2., 4., 5., 7.], &[2, 2]);
    let a2 = Tensor::from_vec(vec![1., 1., 2., 3.], &[2, 2]);
    let a3 = Tensor::from_vec(vec![10., 10., 12., 1.], &[2, 2]);
    assert_close(&simple_ops(&a1, &a2, &a3), &[2, 2], &[20., 24., 31., 27.], 1e-5);
}

#[test]
fn dot_on_the_course_example() {
    let b1 = Tensor::from_vec(vec![3., 5., 7.], &[3]);
    let b2 = Tensor::from_vec(vec![2., 4., 8.], &[3]);
    let got = dot(&b1, &b2);
    assert_eq!(got.numel(), 1, "the dot product is a single number, got shape {:?}", got.shape());
    assert_close(&got.reshape(&[1]), &[1], &[82.], 1e-5);
}
