use super::*;
use nma_engine::testing::assert_close;

#[test]
fn b_keeps_rows_and_columns_of_a_tall_array() {
    // 4 rows of 2: a solution that swaps rows and columns gets shape [2, 4].
    let z = vec![vec![-1.5, 0.0], vec![2.0, 7.25], vec![3.0, -4.0], vec![9.0, 10.0]];
    let (_, b, _, _) = tensor_creation(&z, 1);
    assert_close(&b, &[4, 2], &[-1.5, 0.0, 2.0, 7.25, 3.0, -4.0, 9.0, 10.0], 0.0);
}

#[test]
fn c_is_uniform_in_0_1_and_follows_the_seed() {
    let z = vec![vec![0.0]];
    let (_, _, c, _) = tensor_creation(&z, 11);
    assert_eq!(c.shape(), vec![20, 21], "c must have the shape of a, [20, 21], got {:?}", c.shape());
    let values = c.to_vec();
    for (i, &v) in values.iter().enumerate() {
        assert!((0.0..1.0).contains(&v), "every value of c must lie in [0, 1), but element {i} is {v}");
    }
    let n = values.len() as f64;
    let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = values.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
    // A uniform [0, 1) sample of 420 numbers: mean ≈ 0.5 (± 0.014), variance ≈ 1/12 ≈ 0.083.
    assert!((mean - 0.5).abs() < 0.08, "the mean of c should be about 0.5 for uniform numbers, got {mean:.3}");
    assert!((var - 1.0 / 12.0).abs() < 0.03, "the variance of c should be about 1/12 ≈ 0.083 for uniform numbers, got {var:.3}");

    let (_, _, again, _) = tensor_creation(&z, 11);
    assert_eq!(again.to_vec(), values, "the same seed must give the same c");
    let (_, _, other, _) = tensor_creation(&z, 12);
    assert_ne!(other.to_vec(), values, "a different seed should give a different c, but seeds 11 and 12 gave the same numbers");
}

#[test]
fn d_includes_40_and_nothing_odd() {
    let (_, _, _, d) = tensor_creation(&[vec![0.0]], 2);
    let values = d.to_vec();
    assert_eq!(values.first(), Some(&4.0), "d must start at 4, got {values:?}");
    assert_eq!(values.last(), Some(&40.0), "d must end with 40 (included), got {values:?}");
    assert!(values.iter().all(|v| v % 2.0 == 0.0), "d must hold only even numbers, got {values:?}");
}
