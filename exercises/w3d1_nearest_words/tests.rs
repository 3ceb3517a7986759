use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn table(rows: &[&[f32]]) -> Tensor {
    let d = rows[0].len();
    Tensor::from_vec(rows.iter().flat_map(|r| r.iter().copied()).collect(), &[rows.len(), d])
}

#[test]
fn cosine_similarities_by_hand() {
    // Rows: (1, 0), (0, 2), (3, 3), (0, 0), (−1, 0).
    let t = table(&[&[1.0, 0.0], &[0.0, 2.0], &[3.0, 3.0], &[0.0, 0.0], &[-1.0, 0.0]]);
    let h = std::f32::consts::FRAC_1_SQRT_2;
    #[rustfmt::skip]
    let want = [
        1.0, 0.0, h,   0.0, -1.0,
        0.0, 1.0, h,   0.0, 0.0,
        h,   h,   1.0, 0.0, -h,
        0.0, 0.0, 0.0, 0.0, 0.0, // the zero row: 0 with everything, itself included
        -1.0, 0.0, -h, 0.0, 1.0,
    ];
    assert_close(&cosine_similarities(&t), &[5, 5], &want, 1e-5);
}

/// (1, 0), (2, 0.1), (0, 1), (−1, 0), (0.9, 0.5), (0, 0), (2, 0.2)
fn seven_words() -> Tensor {
    table(&[&[1.0, 0.0], &[2.0, 0.1], &[0.0, 1.0], &[-1.0, 0.0], &[0.9, 0.5], &[0.0, 0.0], &[2.0, 0.2]])
}

#[test]
fn nearest_by_hand() {
    let t = seven_words();
    // Similarity to word 0: 1 → 0.9988, 6 → 0.9950, 4 → 0.874, 2 → 0, 5 → 0 (zero row), 3 → −1.
    assert_eq!(nearest(&t, 0, 3), vec![1, 6, 4], "the 3 words nearest to word 0 (1, 0), most similar first, word 0 itself left out");
    assert_eq!(
        nearest(&t, 0, 10),
        vec![1, 6, 4, 2, 5, 3],
        "k = 10 but only 6 other words: all of them, most similar first; words 2 and 5 both have similarity 0 with word 0, so the lower id comes first"
    );
    assert_eq!(nearest(&t, 3, 2), vec![2, 5], "word 3 (−1, 0): every word pointing right has a negative similarity, so the two at 0 (2, and the zero row 5) are nearest");
    assert_eq!(nearest(&t, 1, 0), Vec::<usize>::new(), "k = 0 asks for no words");
}

#[test]
fn nearest_to_a_zero_row_and_ties() {
    let t = seven_words();
    assert_eq!(nearest(&t, 5, 3), vec![0, 1, 2], "word 5 is all zeros: its similarity is 0 with every word, so the lowest ids win (and no NaN)");
    // Rows 1 and 3 are the same vector: always tied, and the lower id goes first.
    let twins = table(&[&[1.0, 1.0], &[0.5, 2.0], &[1.0, -1.0], &[0.5, 2.0], &[0.0, 1.0]]);
    assert_eq!(nearest(&twins, 4, 2), vec![1, 3], "rows 1 and 3 are equal, so they tie as the nearest to word 4: lower id first");
    assert_eq!(nearest(&twins, 1, 1), vec![3], "the nearest word to row 1 is its twin, row 3 (similarity 1), not row 1 itself");
}

/// king, queen, man, woman, prince, girl, crown, boy: made-up 3-number vectors
/// (royal, male, female); man and woman are much longer than the others.
fn people() -> Tensor {
    table(&[
        &[2.0, 2.0, 0.0],
        &[2.0, 0.0, 2.0],
        &[0.0, 8.0, 0.0],
        &[0.0, 0.0, 8.0],
        &[2.0, 2.0, 0.6],
        &[0.0, 0.1, 1.0],
        &[3.0, 0.2, 0.2],
        &[0.0, 1.0, 0.4],
    ])
}

#[test]
fn analogy_by_hand() {
    let t = people();
    let (king, queen, man, woman, girl, boy) = (0, 1, 2, 3, 5, 7);
    assert_eq!(
        analogy(&t, king, man, woman),
        queen,
        "king − man + woman should be queen (1). Scale a, b and c to length 1 before adding: the raw king − man + woman is dominated by the long man and woman rows and lands on girl (5)"
    );
    assert_eq!(
        analogy(&t, boy, man, woman),
        girl,
        "boy − man + woman should be girl (5): the closest word to the target is woman itself, but a, b and c are never the answer"
    );
    assert_eq!(analogy(&t, queen, woman, man), king, "queen − woman + man should be king (0)");
}

#[test]
fn analogy_ties_and_zero_rows() {
    // Rows 4 and 5 are the same vector, so they always tie: the lower id wins.
    let t = table(&[&[1.0, 0.0], &[0.0, 1.0], &[1.0, 0.1], &[-1.0, 0.5], &[-1.0, -0.1], &[-1.0, -0.1]]);
    // 0 − 3 + 1: both 4 and 5 score the same; 2 does better still.
    assert_eq!(analogy(&t, 0, 3, 1), 2, "on this table 0 − 3 + 1 is word 2");
    assert_eq!(analogy(&t, 3, 0, 2), 4, "on this table 3 − 0 + 2 is word 4, which ties with its twin, word 5: lower id first");
    // A zero row scores 0 (cosine 0 with everything); here every other candidate scores below 0.
    let z = table(&[&[1.0, 0.0], &[0.0, 1.0], &[1.0, 0.1], &[-1.0, 0.5], &[0.0, 0.0], &[-1.0, -0.1]]);
    assert_eq!(
        analogy(&z, 0, 1, 2),
        4,
        "0 − 1 + 2 points to (2, −0.9): words 3 and 5 point away from it (negative scores), so the zero row 4, scoring exactly 0, is the best. A zero row must give 0, not NaN"
    );
}
