use super::*;
use nma_engine::prelude::*;

#[test]
fn one_row_of_seven_classes() {
    let logits = Tensor::from_vec(vec![0.1, 2.0, -1.0, 3.5, 0.7, 1.2, -0.3], &[1, 7]);
    assert_eq!(predict_top5(&logits), vec![vec![3, 1, 5, 4, 0]], "classes by score: 3.5, 2.0, 1.2, 0.7, 0.1");
}

#[test]
fn each_row_is_ranked_on_its_own() {
    let logits = Tensor::from_vec(
        vec![
            5., 4., 3., 2., 1., 0., //
            0., 1., 2., 3., 4., 5., //
        ],
        &[2, 6],
    );
    assert_eq!(predict_top5(&logits), vec![vec![0, 1, 2, 3, 4], vec![5, 4, 3, 2, 1]]);
}
