use super::*;
use nma_engine::prelude::*;

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

fn tensor(rows: &[Vec<f64>]) -> Tensor {
    let data: Vec<f32> = rows.iter().flatten().map(|&x| x as f32).collect();
    Tensor::from_vec(data, &[rows.len(), rows[0].len()])
}

/// Two layers whose product is U[:, :3] · diag(5, 2, 0.5) · Vᵀ (4×3); also returns U and V.
fn known_net() -> (Vec<Linear>, Vec<Vec<f64>>, Vec<Vec<f64>>, [f64; 3]) {
    let s = [5.0, 2.0, 0.5];
    let u = orthogonal(4, &[0.3, -0.9, 1.7, 0.5, -0.2, 1.1]);
    let v = orthogonal(3, &[1.2, 0.6, -0.4]);
    let w1: Vec<Vec<f64>> = (0..3).map(|k| (0..3).map(|j| s[k] * v[j][k]).collect()).collect();
    let w2: Vec<Vec<f64>> = (0..4).map(|i| (0..3).map(|k| u[i][k]).collect()).collect();
    let layers = vec![
        Linear::from_tensors(tensor(&w1), None),
        Linear::from_tensors(tensor(&w2), None),
    ];
    (layers, u, v, s)
}

/// Checks orthonormality of a list of vectors.
fn check_orthonormal(name: &str, vectors: &[Vec<f64>], tol: f64) {
    for i in 0..vectors.len() {
        for j in 0..vectors.len() {
            let want = if i == j { 1.0 } else { 0.0 };
            let got = dot(&vectors[i], &vectors[j]);
            assert!((got - want).abs() < tol, "{name}{i}·{name}{j} should be {want}, got {got:.3e}");
        }
    }
}

/// Checks Σ σᵢ uᵢ vᵢᵀ against `a`.
fn check_reconstruction(svd: &Svd, a: &[Vec<f64>], tol: f64) {
    for i in 0..a.len() {
        for j in 0..a[0].len() {
            let got: f64 = (0..svd.values.len()).map(|k| svd.values[k] * svd.u[k][i] * svd.v[k][j]).sum();
            assert!(
                (got - a[i][j]).abs() < tol,
                "Σ σ·u·vᵀ should rebuild the matrix: entry [{i}][{j}] is {:.6}, the pieces give {got:.6}",
                a[i][j]
            );
        }
    }
}

#[test]
fn recovers_a_known_decomposition() {
    let (layers, u, v, s) = known_net();
    let svd = net_svd(&layers, 3);
    assert_eq!(svd.values.len(), 3, "k = 3 pieces asked, got {}", svd.values.len());
    for k in 0..3 {
        assert!((svd.values[k] - s[k]).abs() < 1e-4, "σ{k} should be {}, you give {}", s[k], svd.values[k]);
        assert_eq!((svd.u[k].len(), svd.v[k].len()), (4, 3), "u has 4 entries (outputs), v has 3 (inputs)");
        let u_true: Vec<f64> = (0..4).map(|i| u[i][k]).collect();
        let v_true: Vec<f64> = (0..3).map(|j| v[j][k]).collect();
        assert!((dot(&svd.v[k], &v_true).abs() - 1.0).abs() < 1e-4, "v{k} should be ±{v_true:?}, got {:?}", svd.v[k]);
        assert!((dot(&svd.u[k], &u_true).abs() - 1.0).abs() < 1e-4, "u{k} should be ±{u_true:?}, got {:?}", svd.u[k]);
    }
    let a: Vec<Vec<f64>> = (0..4).map(|i| (0..3).map(|j| (0..3).map(|k| u[i][k] * s[k] * v[j][k]).sum()).collect()).collect();
    check_reconstruction(&svd, &a, 1e-4);
}

#[test]
fn decomposes_a_random_deep_linear_net() {
    let layers = vec![
        Linear::without_bias(6, 8, 11),
        Linear::without_bias(8, 8, 12),
        Linear::without_bias(8, 5, 13),
    ];
    // The end-to-end matrix in f64, from the weights.
    let weights: Vec<(Vec<f32>, usize)> = layers.iter().map(|l| (l.weight.to_vec(), l.in_features())).collect();
    let mut a: Vec<Vec<f64>> = (0..6).map(|i| (0..6).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    for (w, inputs) in &weights {
        let outputs = w.len() / inputs;
        a = (0..outputs).map(|i| (0..6).map(|j| (0..*inputs).map(|k| w[i * inputs + k] as f64 * a[k][j]).sum()).collect()).collect();
    }
    let svd = net_svd(&layers, 5);
    assert_eq!(svd.values.len(), 5, "k = 5 pieces asked, got {}", svd.values.len());
    for k in 1..5 {
        assert!(svd.values[k] <= svd.values[k - 1] + 1e-9, "singular values come largest first: {:?}", svd.values);
    }
    assert!(svd.values[4] > 0.0, "the singular values are positive: {:?}", svd.values);
    check_orthonormal("u", &svd.u, 1e-5);
    check_orthonormal("v", &svd.v, 1e-5);
    let frobenius: f64 = a.iter().flatten().map(|x| x * x).sum();
    let squares: f64 = svd.values.iter().map(|s| s * s).sum();
    assert!((squares - frobenius).abs() < 1e-5 * frobenius, "Σσ² should equal the sum of squared entries, {frobenius:.6}; got {squares:.6}");
    check_reconstruction(&svd, &a, 1e-5);
}

#[test]
fn fewer_pieces_than_the_rank() {
    let (layers, _, _, s) = known_net();
    let svd = net_svd(&layers, 2);
    assert_eq!(svd.values.len(), 2, "k = 2 pieces asked, got {}", svd.values.len());
    assert_eq!((svd.u.len(), svd.v.len()), (2, 2), "one u and one v per piece");
    assert!((svd.values[0] - s[0]).abs() < 1e-4 && (svd.values[1] - s[1]).abs() < 1e-4, "σ should be [5, 2], got {:?}", svd.values);
}
