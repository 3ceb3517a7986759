use super::*;
use nma_engine::prelude::*;

/// An n×n orthogonal matrix (rows of f64): a product of plane rotations by the given angles.
fn orthogonal(n: usize, angles: &[f64]) -> Vec<Vec<f64>> {
    let mut q: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    let mut k = 0;
    for i in 0..n {
        for j in i + 1..n {
            let (c, s) = (angles[k % angles.len()].cos(), angles[k % angles.len()].sin());
            for row in q.iter_mut() {
                let (a, b) = (row[i], row[j]);
                row[i] = c * a - s * b;
                row[j] = s * a + c * b;
            }
            k += 1;
        }
    }
    q
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[test]
fn end_to_end_applies_the_layers_in_order() {
    let layers = vec![Linear::without_bias(3, 4, 1), Linear::without_bias(4, 4, 2), Linear::without_bias(4, 2, 3)];
    let a = end_to_end(&layers);
    assert_eq!(a.shape(), vec![2, 3], "3 inputs and 2 outputs: the end-to-end matrix is [2, 3]");
    let x = Tensor::randn(&[5, 3], 4);
    let mut through_layers = x.clone();
    for layer in &layers {
        through_layers = layer.forward(&through_layers);
    }
    let expected = through_layers.to_vec();
    nma_engine::testing::assert_close(&x.matmul(&a.t()), &[5, 2], &expected, 1e-4);
}

#[test]
fn top_singular_of_a_known_matrix() {
    // A = U · diag(4, 1.5) · Vᵀ, 3×2, with orthogonal U and V.
    let u = orthogonal(3, &[0.4, -1.1, 0.8]);
    let v = orthogonal(2, &[0.7]);
    let s = [4.0, 1.5];
    let a: Vec<Vec<f64>> = (0..3).map(|i| (0..2).map(|j| (0..2).map(|k| u[i][k] * s[k] * v[j][k]).sum()).collect()).collect();
    let (sigma, u1, v1) = top_singular(&a);
    assert!((sigma - 4.0).abs() < 1e-6, "the largest singular value is 4, you give {sigma}");
    assert_eq!((u1.len(), v1.len()), (3, 2), "u₁ has one entry per row (3), v₁ one per column (2)");
    let v_true: Vec<f64> = (0..2).map(|j| v[j][0]).collect();
    let u_true: Vec<f64> = (0..3).map(|i| u[i][0]).collect();
    assert!((dot(&v1, &v_true).abs() - 1.0).abs() < 1e-6, "v₁ = {v1:?} should be ±{v_true:?}");
    assert!((dot(&u1, &u_true).abs() - 1.0).abs() < 1e-6, "u₁ = {u1:?} should be ±{u_true:?}");
    for i in 0..3 {
        let av = dot(&a[i], &v1);
        assert!((av - sigma * u1[i]).abs() < 1e-6, "A·v₁ should equal σ₁·u₁ (entry {i}: {av} vs {})", sigma * u1[i]);
    }
}

#[test]
fn net_svd_finds_both_pieces_of_a_known_layer() {
    // One layer whose weight is U · diag(4, 1.5) · Vᵀ (3×2): two pieces, the larger first.
    let u = orthogonal(3, &[0.4, -1.1, 0.8]);
    let v = orthogonal(2, &[0.7]);
    let s = [4.0, 1.5];
    let a: Vec<Vec<f64>> = (0..3).map(|i| (0..2).map(|j| (0..2).map(|k| u[i][k] * s[k] * v[j][k]).sum()).collect()).collect();
    let data: Vec<f32> = a.iter().flatten().map(|&x| x as f32).collect();
    let layer = Linear::from_tensors(Tensor::from_vec(data, &[3, 2]), None);
    let svd = net_svd(&[layer], 2);
    assert_eq!(svd.values.len(), 2, "k = 2 pieces asked, got {}", svd.values.len());
    for k in 0..2 {
        assert!((svd.values[k] - s[k]).abs() < 1e-5, "the singular values are [4, 1.5], you give {:?}", svd.values);
    }
    for i in 0..3 {
        for j in 0..2 {
            let got: f64 = (0..2).map(|k| svd.values[k] * svd.u[k][i] * svd.v[k][j]).sum();
            assert!(
                (got - a[i][j]).abs() < 1e-5,
                "σ₁·u₁·v₁ᵀ + σ₂·u₂·v₂ᵀ should rebuild the weight: entry [{i}][{j}] is {:.6}, the pieces give {got:.6}",
                a[i][j]
            );
        }
    }
}
