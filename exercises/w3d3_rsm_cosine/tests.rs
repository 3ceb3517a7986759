use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn three_vectors_in_the_plane() {
    // [1, 0] and [0, 2] are orthogonal; [3, 3] is at 45° from both.
    let f = Tensor::from_vec(vec![1.0, 0.0, 0.0, 2.0, 3.0, 3.0], &[3, 2]);
    let c = 0.707107;
    assert_close(&rsm_cosine(&f), &[3, 3], &[1.0, 0.0, c, 0.0, 1.0, c, c, c, 1.0], 1e-5);
}

#[test]
fn diagonal_is_one_and_matrix_is_symmetric() {
    let f = Tensor::randn(&[5, 4], 3) * 4.0;
    let m = rsm_cosine(&f);
    assert_eq!(m.shape(), vec![5, 5], "one row and one column per stimulus");
    let v = m.to_vec();
    for i in 0..5 {
        assert!((v[i * 5 + i] - 1.0).abs() < 1e-5, "entry ({i}, {i}) is {}, every vector has cosine 1 with itself", v[i * 5 + i]);
        for j in 0..5 {
            assert!((v[i * 5 + j] - v[j * 5 + i]).abs() < 1e-5, "entries ({i}, {j}) and ({j}, {i}) differ");
            assert!(v[i * 5 + j].abs() <= 1.0 + 1e-5, "entry ({i}, {j}) = {} is outside [−1, 1]", v[i * 5 + j]);
        }
    }
}
