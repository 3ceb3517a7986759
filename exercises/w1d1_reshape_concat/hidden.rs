use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn function_a_sums_columns_not_rows() {
    // 3 rows × 2 columns: column sums [9, 12]; row sums would have 3 entries.
    let t1 = Tensor::from_vec(vec![1., 2., 3., 4., 5., 6.], &[3, 2]);
    // Total of t2: 0.5 - 2 + 4 = 2.5.
    let t2 = Tensor::from_vec(vec![0.5, -2., 4.], &[3, 1]);
    assert_close(&function_a(&t1, &t2), &[2], &[22.5, 30.], 1e-5);
}

#[test]
fn function_b_flattens_a_wide_tensor_row_by_row() {
    let t = Tensor::from_vec(vec![7., 8., 9., -4., -5., -6.], &[2, 3]);
    let expected = [0., 7., 1., 8., 2., 9., 3., -4., 4., -5., 5., -6.];
    assert_close(&function_b(&t), &[6, 2], &expected, 1e-5);
}

#[test]
fn function_c_reshapes_a_transposed_shape_before_adding() {
    // Same element count, different shapes: t2 [3, 2] is read row by row into [2, 3].
    let t1 = Tensor::from_vec(vec![10., 20., 30., 40., 50., 60.], &[2, 3]);
    let t2 = Tensor::from_vec(vec![1., 2., 3., 4., 5., 6.], &[3, 2]);
    assert_close(&function_c(&t1, &t2), &[2, 3], &[11., 22., 33., 44., 55., 66.], 1e-5);
}

#[test]
fn function_c_concatenates_when_shapes_only_broadcast() {
    // [2, 3] + [1, 3] would broadcast, but the element counts differ (6 vs 3): join instead.
    let t1 = Tensor::from_vec(vec![1., 2., 3., 4., 5., 6.], &[2, 3]);
    let t2 = Tensor::from_vec(vec![-1., -2., -3.], &[1, 3]);
    assert_close(&function_c(&t1, &t2), &[9], &[1., 2., 3., 4., 5., 6., -1., -2., -3.], 1e-5);
}
