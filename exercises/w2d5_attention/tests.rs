use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

fn example() -> (Tensor, Tensor, Tensor) {
    let q = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[2, 2]);
    let k = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2]);
    let v = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    (q, k, v)
}

#[test]
fn two_queries_three_keys() {
    // Scores of query 0: [1, 0, 1]/√2, of query 1: [0, 1, 1]/√2.
    let (q, k, v) = example();
    let (a, b) = (0.401112, 0.197776);
    assert_close(&attention_weights(&q, &k, None), &[2, 3], &[a, b, a, b, a, a], 1e-5);
    assert_close(&attention(&q, &k, &v, None), &[2, 2], &[3.0, 4.0, 3.406673, 4.406673], 1e-4);
}

#[test]
fn weights_rows_sum_to_one() {
    let q = Tensor::randn(&[4, 3], 1);
    let k = Tensor::randn(&[5, 3], 2);
    let w = attention_weights(&q, &k, None);
    assert_eq!(w.shape(), vec![4, 5], "one row per query, one column per key");
    for (i, row) in w.to_vec().chunks(5).enumerate() {
        let s: f32 = row.iter().sum();
        assert!((s - 1.0).abs() < 1e-5, "row {i} of the weights sums to {s}, not 1: {row:?}");
        assert!(row.iter().all(|&x| x > 0.0), "without a mask every weight is positive: row {i} is {row:?}");
    }
}

#[test]
fn a_mask_blocks_keys() {
    // Query 0 may look at keys 0 and 2, query 1 at keys 1 and 2. Its two allowed scores are
    // equal, so each query splits its weight 50/50 between them, and a blocked key gets 0.
    let (q, k, v) = example();
    let mask = Tensor::from_vec(vec![1.0, 0.0, 1.0, 0.0, 1.0, 1.0], &[2, 3]);
    let w = attention_weights(&q, &k, Some(&mask));
    assert_close(&w, &[2, 3], &[0.5, 0.0, 0.5, 0.0, 0.5, 0.5], 1e-6);
    assert_close(&attention(&q, &k, &v, Some(&mask)), &[2, 2], &[3.0, 4.0, 4.0, 5.0], 1e-5);
}

#[test]
fn a_batch_of_two() {
    // The example twice, the second time with the two queries swapped: [2, 2, 2] out.
    let (q, k, v) = example();
    let qs = Tensor::from_vec([q.to_vec(), vec![0.0, 1.0, 1.0, 0.0]].concat(), &[2, 2, 2]);
    let ks = Tensor::from_vec([k.to_vec(), k.to_vec()].concat(), &[2, 3, 2]);
    let vs = Tensor::from_vec([v.to_vec(), v.to_vec()].concat(), &[2, 3, 2]);
    let (a, b) = (3.406673, 4.406673);
    assert_close(&attention(&qs, &ks, &vs, None), &[2, 2, 2], &[3.0, 4.0, a, b, a, b, 3.0, 4.0], 1e-4);
}
