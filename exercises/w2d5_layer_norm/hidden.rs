use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn every_vector_has_mean_zero_and_variance_one() {
    let (a, b, d) = (3, 5, 16);
    let x = Tensor::randn(&[a, b, d], 40 + nma_harness::seed()) * 3.0 + 7.0;
    let y = layer_norm(&x, 1e-6);
    assert_eq!(y.shape(), vec![a, b, d], "the shape must not change");
    for (i, v) in y.to_vec().chunks(d).enumerate() {
        let mean: f32 = v.iter().sum::<f32>() / d as f32;
        let var: f32 = v.iter().map(|t| (t - mean) * (t - mean)).sum::<f32>() / d as f32;
        assert!(mean.abs() < 1e-4, "vector {i}: mean {mean}, expected 0");
        assert!((var - 1.0).abs() < 1e-3, "vector {i}: variance (dividing by {d}) {var}, expected 1");
    }
}

#[test]
fn eps_goes_inside_the_square_root() {
    // [0, 2]: mean 1, variance 1; with eps = 1 the scale is √2.
    let x = Tensor::from_vec(vec![0.0, 2.0, 5.0, 5.0], &[2, 2]);
    assert_close(&layer_norm(&x, 1.0), &[2, 2], &[-0.707107, 0.707107, 0.0, 0.0], 1e-5);
    // A constant vector becomes zeros, not NaN.
    let c = layer_norm(&Tensor::full(&[1, 3], 4.0), 1e-5).to_vec();
    assert!(c.iter().all(|v| v.abs() < 1e-6), "a constant vector should normalise to zeros, got {c:?}");
}

#[test]
fn sinusoids_against_a_reference() {
    let (seq, dim) = (50, 6);
    // Row 7 written out by hand: angles 7, 7/10000^(1/3), 7/10000^(2/3).
    let pe = positional_encoding(seq, dim);
    assert_eq!(pe.shape(), vec![seq, dim]);
    let v = pe.to_vec();
    let row7 = [0.656987, 0.753902, 0.319225, 0.947679, 0.01508, 0.999886];
    for (j, (g, e)) in v[7 * dim..8 * dim].iter().zip(row7).enumerate() {
        assert!((g - e).abs() < 1e-5, "PE[7, {j}] should be {e}, got {g}");
    }
    for p in 0..seq {
        for j in 0..dim {
            let angle = p as f64 * (-(((j / 2) * 2) as f64) / dim as f64 * 10000f64.ln()).exp();
            let e = if j % 2 == 0 { angle.sin() } else { angle.cos() } as f32;
            let g = v[p * dim + j];
            assert!((g - e).abs() < 1e-4, "PE[{p}, {j}] should be {e}, got {g}");
        }
    }
}
