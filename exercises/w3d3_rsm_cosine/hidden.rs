use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn opposite_and_scaled_vectors() {
    let f = Tensor::from_vec(vec![1.0, 1.0, -2.0, -2.0, 0.0, 5.0, 0.1, 0.0], &[4, 2]);
    let c = 0.707107;
    #[rustfmt::skip]
    let expected = [
        1.0, -1.0, c, c,
        -1.0, 1.0, -c, -c,
        c, -c, 1.0, 0.0,
        c, -c, 0.0, 1.0,
    ];
    assert_close(&rsm_cosine(&f), &[4, 4], &expected, 1e-5);
}

#[test]
fn matches_a_reference_on_random_features() {
    let (n, d) = (7, 5);
    // Rows of very different lengths, so forgetting to normalise (or normalising columns) shows.
    let raw = Tensor::randn(&[n, d], 17).to_vec();
    let f: Vec<f32> = raw.iter().enumerate().map(|(i, v)| v * (1.0 + (i / d) as f32 * 1.5)).collect();
    let mut expected = vec![0f32; n * n];
    for i in 0..n {
        for j in 0..n {
            let (a, b) = (&f[i * d..(i + 1) * d], &f[j * d..(j + 1) * d]);
            let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
            let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
            let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
            expected[i * n + j] = (dot / (na * nb)) as f32;
        }
    }
    assert_close(&rsm_cosine(&Tensor::from_vec(f, &[n, d])), &[n, n], &expected, 1e-5);
}
