use super::*;
use nma_engine::prelude::*;

/// Row i of x is [i, i + 0.25], label i % 3.
fn numbered(rows: usize) -> (Tensor, Vec<usize>) {
    let x: Vec<f32> = (0..rows).flat_map(|i| [i as f32, i as f32 + 0.25]).collect();
    (Tensor::from_vec(x, &[rows, 2]), (0..rows).map(|i| i % 3).collect())
}

fn indices(batch: &Tensor, labels: &[usize]) -> Vec<usize> {
    let values = batch.to_vec();
    values
        .chunks(2)
        .zip(labels)
        .map(|(row, &label)| {
            let i = row[0] as usize;
            assert_eq!(row[1], i as f32 + 0.25, "row {row:?} is not a row of x");
            assert_eq!(label, i % 3, "example {i} came with the wrong label");
            i
        })
        .collect()
}

#[test]
fn every_example_is_equally_likely() {
    // 4 000 batches of 5 out of 20: each example is expected 1 000 times (std ≈ 27).
    let (x, y) = numbered(20);
    let mut rng = Rng::new(11);
    let mut counts = [0usize; 20];
    for _ in 0..4000 {
        let (batch, labels) = sample_minibatch(&x, &y, 5, &mut rng);
        assert_eq!(batch.shape(), vec![5, 2], "batch shape");
        for i in indices(&batch, &labels) {
            counts[i] += 1;
        }
    }
    for (i, &c) in counts.iter().enumerate() {
        assert!((880..=1120).contains(&c), "example {i} was drawn {c} times in 4000 batches of 5 out of 20; expected about 1000 for every example");
    }
}

#[test]
fn asking_for_everything_gives_a_permutation() {
    let (x, y) = numbered(12);
    let mut rng = Rng::new(5);
    for n in [12, 40] {
        let (batch, labels) = sample_minibatch(&x, &y, n, &mut rng);
        assert_eq!(batch.shape(), vec![12, 2], "asking for {n} of 12 examples returns all 12");
        let mut chosen = indices(&batch, &labels);
        chosen.sort();
        assert_eq!(chosen, (0..12).collect::<Vec<_>>(), "every example exactly once");
    }
}

#[test]
fn all_randomness_comes_from_the_generator() {
    let (x, y) = numbered(100);
    let draw = |seed: u64| {
        let mut rng = Rng::new(seed);
        let (batch, labels) = sample_minibatch(&x, &y, 10, &mut rng);
        indices(&batch, &labels)
    };
    assert_eq!(draw(3), draw(3), "the same generator state must give the same batch");
    assert_ne!(draw(3), draw(4), "different generators should give different batches");
    // Consecutive calls with one generator move on.
    let mut rng = Rng::new(9);
    let (b1, l1) = sample_minibatch(&x, &y, 10, &mut rng);
    let (b2, l2) = sample_minibatch(&x, &y, 10, &mut rng);
    assert_ne!(indices(&b1, &l1), indices(&b2, &l2), "two calls with the same generator should give different batches");
}
