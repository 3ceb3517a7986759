//! W1D2 — representational similarity, and linear regression in closed form.
use nma_engine::prelude::*;

/// The representational similarity matrix of `h` ([items, units]): entry [i, j] is the
/// Pearson correlation between rows i and j. Shape [items, items].
pub fn rsm(h: &Tensor) -> Tensor {
    // TODO: centre each row, scale it to length 1, and take all dot products between rows.
    // This placeholder returns the plain dot products.
    h.matmul(&h.t())
}

/// Given: solves A·X = B for X by Gaussian elimination with partial pivoting.
/// `a` is n×n (invertible), `b` is n×m; both are lists of rows. Returns X, n×m.
pub fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let n = a.len();
    for col in 0..n {
        // Bring the row with the largest entry in this column up, for stability.
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).unwrap();
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let factor = a[row][col] / a[col][col];
            for k in col..n {
                a[row][k] -= factor * a[col][k];
            }
            for k in 0..b[row].len() {
                b[row][k] -= factor * b[col][k];
            }
        }
    }
    // Back substitution.
    let m = b[0].len();
    let mut x = vec![vec![0.0; m]; n];
    for row in (0..n).rev() {
        for k in 0..m {
            let known: f64 = (row + 1..n).map(|j| a[row][j] * x[j][k]).sum();
            x[row][k] = (b[row][k] - known) / a[row][row];
        }
    }
    x
}

/// The least-squares weights W ([outputs, inputs]) for y ≈ x·Wᵀ, where x is
/// [samples, inputs] and y is [samples, outputs].
pub fn linear_regression(x: &Tensor, y: &Tensor) -> Tensor {
    // TODO: form xᵀx and xᵀy, solve (xᵀx)·Wᵀ = xᵀy with `solve`, return W.
    // This placeholder returns zeros of the right shape.
    Tensor::zeros(&[y.shape()[1], x.shape()[1]])
}
