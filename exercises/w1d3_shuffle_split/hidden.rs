use super::*;
use nma_engine::prelude::*;

/// N examples of 2 features; row i is [i, 0.5·i]. Labels repeat, so a label alone
/// does not tell which row it belongs to.
fn dataset(n: usize) -> (Tensor, Vec<usize>, Vec<usize>) {
    let data: Vec<f32> = (0..n).flat_map(|i| [i as f32, 0.5 * i as f32]).collect();
    let labels: Vec<usize> = (0..n).map(|i| (i * 5 + 3) % 7).collect();
    (Tensor::from_vec(data, &[n, 2]), labels.clone(), labels)
}

fn rows(t: &Tensor) -> Vec<(usize, f32)> {
    t.to_vec().chunks(2).map(|r| (r[0] as usize, r[1])).collect()
}

#[test]
fn every_row_appears_once_with_its_own_label() {
    let n = 37;
    let (x, y, labels) = dataset(n);
    let (x_test, y_test, x_train, y_train) = shuffle_split(&x, &y, 2024);
    let mut seen = vec![false; n];
    for (part, t, ys) in [("test", &x_test, &y_test), ("training", &x_train, &y_train)] {
        let r = rows(t);
        assert_eq!(r.len(), ys.len(), "the {part} set has {} rows but {} labels", r.len(), ys.len());
        for (k, (&(id, second), &label)) in r.iter().zip(ys.iter()).enumerate() {
            assert!(id < n && second == 0.5 * id as f32, "row {k} of the {part} set is not a row of x: {:?}", (id, second));
            assert!(!seen[id], "row {id} of x appears twice in the result");
            seen[id] = true;
            assert_eq!(label, labels[id], "row {k} of the {part} set is row {id} of x, whose label is {}, but its label is {label}", labels[id]);
        }
    }
    let missing: Vec<usize> = (0..n).filter(|&i| !seen[i]).collect();
    assert!(missing.is_empty(), "rows {missing:?} of x are missing from the result");
}

#[test]
fn the_test_size_rounds_down() {
    // 13 / 5 = 2.6 → 2 test examples, 11 for training.
    let (x, y, _) = dataset(13);
    let (x_test, y_test, x_train, y_train) = shuffle_split(&x, &y, 9);
    assert_eq!(x_test.shape(), vec![2, 2], "x_test: expected shape [2, 2] for 13 examples, got {:?}", x_test.shape());
    assert_eq!(x_train.shape(), vec![11, 2], "x_train: expected shape [11, 2] for 13 examples, got {:?}", x_train.shape());
    assert_eq!((y_test.len(), y_train.len()), (2, 11), "expected 2 test and 11 training labels, got {} and {}", y_test.len(), y_train.len());
}

#[test]
fn different_seeds_give_different_orders() {
    let (x, y, _) = dataset(40);
    let orders: Vec<Vec<(usize, f32)>> = (0..4).map(|seed| {
        let (x_test, _, x_train, _) = shuffle_split(&x, &y, seed);
        let mut all = rows(&x_test);
        all.extend(rows(&x_train));
        all
    }).collect();
    for a in 0..4 {
        for b in a + 1..4 {
            assert!(orders[a] != orders[b], "seeds {a} and {b} gave the same order of rows; each seed should give its own shuffle");
        }
    }
}
