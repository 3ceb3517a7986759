use super::*;
use nma_engine::prelude::*;

/// N examples whose row i is [i, −i, 0.5·i], so each row tells which example it is;
/// the label of example i is (7·i) mod 10.
fn numbered(rows: usize) -> (Tensor, Vec<usize>) {
    let x: Vec<f32> = (0..rows).flat_map(|i| [i as f32, -(i as f32), 0.5 * i as f32]).collect();
    let y: Vec<usize> = (0..rows).map(|i| 7 * i % 10).collect();
    (Tensor::from_vec(x, &[rows, 3]), y)
}

/// The example index of every row of a batch, checking the row is intact and its label right.
fn indices_of(batch: &Tensor, labels: &[usize], y: &[usize]) -> Vec<usize> {
    let values = batch.to_vec();
    values
        .chunks(3)
        .zip(labels)
        .map(|(row, &label)| {
            let i = row[0] as usize;
            assert_eq!(row, [i as f32, -(i as f32), 0.5 * i as f32], "row {row:?} is not a row of x");
            assert_eq!(label, y[i], "the row of example {i} came with label {label}, but its label is {}", y[i]);
            i
        })
        .collect()
}

#[test]
fn rows_keep_their_labels() {
    let (x, y) = numbered(50);
    let mut rng = Rng::new(1);
    let (batch, labels) = sample_minibatch(&x, &y, 8, &mut rng);
    assert_eq!(batch.shape(), vec![8, 3], "a batch of 8 examples with 3 features each");
    assert_eq!(labels.len(), 8, "one label per row");
    indices_of(&batch, &labels, &y);
}

#[test]
fn draws_without_replacement_and_at_random() {
    let (x, y) = numbered(30);
    let mut rng = Rng::new(2);
    let mut batches = Vec::new();
    for _ in 0..20 {
        let (batch, labels) = sample_minibatch(&x, &y, 15, &mut rng);
        let mut chosen = indices_of(&batch, &labels, &y);
        chosen.sort();
        chosen.dedup();
        assert_eq!(chosen.len(), 15, "an example appeared twice in one batch");
        batches.push(chosen);
    }
    batches.sort();
    batches.dedup();
    assert!(batches.len() > 15, "20 random batches of 15 out of 30 should almost all differ, but only {} distinct sets came out", batches.len());
}
