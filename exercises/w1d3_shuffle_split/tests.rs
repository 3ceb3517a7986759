use super::*;
use nma_engine::prelude::*;

/// N examples of 3 features; row i is [i, 10 + i, -i], so its first value names it.
fn dataset(n: usize) -> (Tensor, Vec<usize>) {
    let data: Vec<f32> = (0..n).flat_map(|i| [i as f32, 10.0 + i as f32, -(i as f32)]).collect();
    let labels: Vec<usize> = (0..n).map(|i| (i * 7) % 4).collect();
    (Tensor::from_vec(data, &[n, 3]), labels)
}

#[test]
fn sizes_are_80_20() {
    let (x, y) = dataset(50);
    let (x_test, y_test, x_train, y_train) = shuffle_split(&x, &y, 3);
    assert_eq!(x_test.shape(), vec![10, 3], "x_test: expected shape [10, 3] for 50 examples, got {:?}", x_test.shape());
    assert_eq!(x_train.shape(), vec![40, 3], "x_train: expected shape [40, 3] for 50 examples, got {:?}", x_train.shape());
    assert_eq!((y_test.len(), y_train.len()), (10, 40), "expected 10 test and 40 training labels, got {} and {}", y_test.len(), y_train.len());
}

#[test]
fn the_same_seed_gives_the_same_split() {
    let (x, y) = dataset(30);
    let (a_test, ay_test, a_train, ay_train) = shuffle_split(&x, &y, 42);
    let (b_test, by_test, b_train, by_train) = shuffle_split(&x, &y, 42);
    assert_eq!(a_test.to_vec(), b_test.to_vec(), "two calls with seed 42 gave different test rows");
    assert_eq!(a_train.to_vec(), b_train.to_vec(), "two calls with seed 42 gave different training rows");
    assert_eq!((ay_test, ay_train), (by_test, by_train), "two calls with seed 42 gave different labels");
}

#[test]
fn the_rows_are_shuffled() {
    let (x, y) = dataset(50);
    let (x_test, _, _, _) = shuffle_split(&x, &y, 5);
    let ids: Vec<usize> = x_test.to_vec().chunks(3).map(|r| r[0] as usize).collect();
    let first: Vec<usize> = (0..10).collect();
    let last: Vec<usize> = (40..50).collect();
    assert!(ids != first && ids != last, "the test rows should be a random pick, but they are rows {ids:?} in their original order");
}

#[test]
fn labels_stay_with_their_rows() {
    let (x, y) = dataset(50);
    let (x_test, y_test, x_train, y_train) = shuffle_split(&x, &y, 8);
    for (part, t, labels) in [("test", &x_test, &y_test), ("training", &x_train, &y_train)] {
        for (k, (row, &label)) in t.to_vec().chunks(3).zip(labels.iter()).enumerate() {
            let id = row[0] as usize;
            assert_eq!(
                label, y[id],
                "row {k} of the {part} set is row {id} of x, whose label is {}, but you give it {label}: move each label with its row",
                y[id]
            );
        }
    }
}

#[test]
fn another_seed_gives_another_split() {
    let (x, y) = dataset(30);
    let (a, _, _, _) = shuffle_split(&x, &y, 1);
    let (b, _, _, _) = shuffle_split(&x, &y, 2);
    assert!(a.to_vec() != b.to_vec(), "seeds 1 and 2 gave the same test rows: shuffle with the seed you are given");
}
