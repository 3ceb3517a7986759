use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

/// Plain-loop reference, independent of the engine's matmul.
fn reference_matmul_add(a: &[f32], b: &[f32], c: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
    let mut out = c.to_vec();
    for i in 0..m {
        for j in 0..n {
            for p in 0..k {
                out[i * n + j] += a[i * k + p] * b[p * n + j];
            }
        }
    }
    out
}

#[test]
fn simple_ops_with_rectangular_matrices() {
    let (m, k, n) = (2, 3, 4);
    let a: Vec<f32> = (0..m * k).map(|i| i as f32 - 2.5).collect();
    let b: Vec<f32> = (0..k * n).map(|i| (i as f32 * 0.5).sin()).collect();
    let c: Vec<f32> = (0..m * n).map(|i| i as f32 * 0.1).collect();
    let expected = reference_matmul_add(&a, &b, &c, m, k, n);
    let got = simple_ops(
        &Tensor::from_vec(a, &[m, k]),
        &Tensor::from_vec(b, &[k, n]),
        &Tensor::from_vec(c, &[m, n]),
    );
    assert_close(&got, &[m, n], &expected, 1e-4);
}

#[test]
fn simple_ops_is_not_elementwise() {
    // For these matrices a1·a2 and a1∘a2 differ in every entry.
    let a1 = Tensor::from_vec(vec![1., 2., 3., 4.], &[2, 2]);
    let a2 = Tensor::from_vec(vec![0., 1., 1., 0.], &[2, 2]);
    let a3 = Tensor::zeros(&[2, 2]);
    assert_close(&simple_ops(&a1, &a2, &a3), &[2, 2], &[2., 1., 4., 3.], 1e-5);
}

#[test]
fn dot_of_longer_vectors_with_negatives() {
    let b1: Vec<f32> = vec![1.5, -2.0, 0.25, 4.0, -1.0];
    let b2: Vec<f32> = vec![2.0, 3.0, -4.0, 0.5, 10.0];
    let expected: f32 = b1.iter().zip(&b2).map(|(x, y)| x * y).sum();
    let got = dot(&Tensor::from_vec(b1, &[5]), &Tensor::from_vec(b2, &[5]));
    assert_eq!(got.numel(), 1, "the dot product is a single number, got shape {:?}", got.shape());
    assert_close(&got.reshape(&[1]), &[1], &[expected], 1e-5);
}
