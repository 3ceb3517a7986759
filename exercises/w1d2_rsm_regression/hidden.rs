use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

/// Pearson correlation of two rows, in f64.
fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len() as f64;
    let ma = a.iter().map(|&v| v as f64).sum::<f64>() / n;
    let mb = b.iter().map(|&v| v as f64).sum::<f64>() / n;
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (x as f64 - ma, y as f64 - mb);
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    ab / (aa * bb).sqrt()
}

/// Least squares by Gauss–Jordan elimination on the normal equations, in f64:
/// returns W as rows [outputs][inputs].
fn least_squares(x: &[f32], y: &[f32], n: usize, d_in: usize, d_out: usize) -> Vec<Vec<f64>> {
    // Augmented matrix [xᵀx | xᵀy].
    let mut m = vec![vec![0.0f64; d_in + d_out]; d_in];
    for s in 0..n {
        for i in 0..d_in {
            for j in 0..d_in {
                m[i][j] += x[s * d_in + i] as f64 * x[s * d_in + j] as f64;
            }
            for k in 0..d_out {
                m[i][d_in + k] += x[s * d_in + i] as f64 * y[s * d_out + k] as f64;
            }
        }
    }
    for c in 0..d_in {
        let p = m[c][c];
        for v in m[c].iter_mut() {
            *v /= p;
        }
        for r in 0..d_in {
            if r != c {
                let f = m[r][c];
                let pivot_row = m[c].clone();
                for (v, q) in m[r].iter_mut().zip(pivot_row) {
                    *v -= f * q;
                }
            }
        }
    }
    (0..d_out).map(|k| (0..d_in).map(|i| m[i][d_in + k]).collect()).collect()
}

#[test]
fn rsm_matches_a_reference() {
    let h = Tensor::randn(&[6, 10], 3);
    let values = h.to_vec();
    let rows: Vec<&[f32]> = values.chunks(10).collect();
    let expected: Vec<f32> = (0..36).map(|k| correlation(rows[k / 6], rows[k % 6]) as f32).collect();
    assert_close(&rsm(&h), &[6, 6], &expected, 1e-4);
}

#[test]
fn rsm_ignores_scaling_and_shifting_an_item() {
    let h = Tensor::randn(&[5, 8], 4);
    // Item i becomes (i + 1)·h_i + 10·i: the same pattern, louder and offset.
    let scale = Tensor::from_vec(vec![1., 2., 3., 4., 5.], &[5, 1]);
    let shift = Tensor::from_vec(vec![0., 10., 20., 30., 40.], &[5, 1]);
    let moved = &h * &scale + &shift;
    let expected = rsm(&h).to_vec();
    assert!(expected.iter().all(|v| v.is_finite()), "rsm gave non-finite values: {expected:?}");
    assert_close(&rsm(&moved), &[5, 5], &expected, 1e-4);
}

#[test]
fn regression_matches_the_least_squares_solution() {
    // Noisy targets: the answer is the least-squares fit, not W_true itself.
    for (d_in, d_out) in [(4usize, 1usize), (3, 5)] {
        let n = 40;
        let x = Tensor::randn(&[n, d_in], 10 + d_in as u64);
        let w_true = Tensor::randn(&[d_out, d_in], 20 + d_out as u64);
        let y = x.matmul(&w_true.t()) + Tensor::randn(&[n, d_out], 30) * 0.3;
        let expected = least_squares(&x.to_vec(), &y.to_vec(), n, d_in, d_out);
        let flat: Vec<f32> = expected.iter().flatten().map(|&v| v as f32).collect();
        assert_close(&linear_regression(&x, &y), &[d_out, d_in], &flat, 1e-3);
    }
}

#[test]
fn regression_recovers_a_deep_linear_nets_map() {
    // Targets produced by a two-layer linear net: regression finds its end-to-end matrix.
    let (l1, l2) = (Linear::without_bias(5, 7, 1), Linear::without_bias(7, 2, 2));
    let x = Tensor::randn(&[100, 5], 5);
    let y = l2.forward(&l1.forward(&x));
    let product = l2.weight.matmul(&l1.weight).to_vec();
    assert_close(&linear_regression(&x, &y), &[2, 5], &product, 1e-3);
}
