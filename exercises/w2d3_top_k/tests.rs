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
    assert_eq!(predict_top5(&logits), vec![vec![0, 1, 2, 3, 4], vec![5, 4, 3, 2, 1]], "class indices 0–5 within each row, ranked separately per row");
}

#[test]
fn a_tie_lists_the_lower_index_first() {
    // Classes 1 and 3 share the top score, 2 and 5 the next one.
    let logits = Tensor::from_vec(vec![1.0, 4.0, 2.0, 4.0, 0.0, 2.0], &[1, 6]);
    assert_eq!(predict_top5(&logits), vec![vec![1, 3, 2, 5, 0]], "4 at classes 1 and 3, 2 at classes 2 and 5: of two equal scores the lower index comes first");
}
