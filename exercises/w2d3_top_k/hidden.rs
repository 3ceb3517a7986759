use super::*;
use nma_engine::prelude::*;

#[test]
fn ties_go_to_the_lower_index() {
    // Three classes share the top score, two share the next one.
    let logits = Tensor::from_vec(vec![1., 7., 3., 7., 3., 7., 0., 3.], &[1, 8]);
    assert_eq!(predict_top5(&logits), vec![vec![1, 3, 5, 2, 4]], "scores 7 at 1, 3, 5 and 3 at 2, 4, 7: the lower index wins a tie");
}

#[test]
fn negative_scores_and_exactly_five_classes() {
    let logits = Tensor::from_vec(vec![-3.0, -0.5, -10.0, -0.25, -7.0], &[1, 5]);
    assert_eq!(predict_top5(&logits), vec![vec![3, 1, 0, 4, 2]], "with five classes every class is listed, highest first");
}

#[test]
fn a_batch_of_rows_against_a_reference() {
    // Pseudo-random scores with only 7 distinct values per row of 10, so ties happen; 6 rows × 10 classes.
    let (n, c) = (6, 10);
    let values: Vec<f32> = (0..n * c).map(|i| ((i * 37 + 11) % 7) as f32 / 4.0 - 0.75).collect();
    let expected: Vec<Vec<usize>> = values
        .chunks(c)
        .map(|row| {
            // Selection by repeated scan: the largest remaining value, lowest index on ties.
            let mut taken = vec![false; c];
            (0..5)
                .map(|_| {
                    let mut best: Option<usize> = None;
                    for j in 0..c {
                        if !taken[j] && best.map_or(true, |b| row[j] > row[b]) {
                            best = Some(j);
                        }
                    }
                    taken[best.unwrap()] = true;
                    best.unwrap()
                })
                .collect()
        })
        .collect();
    let got = predict_top5(&Tensor::from_vec(values, &[n, c]));
    assert_eq!(got.len(), n, "expected one list per row ({n}), got {}", got.len());
    for (r, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "row {r}: expected top-5 {e:?}, got {g:?}");
    }
}
