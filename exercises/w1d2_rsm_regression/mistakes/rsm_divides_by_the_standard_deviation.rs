// Divides each centred row by its standard deviation instead of its length, so every correlation comes out n (the number of units) times too large.
//! W1D2 — representational similarity and closed-form regression (reference solution).
use nma_engine::prelude::*;

/// The representational similarity matrix of `h` ([items, units]): entry [i, j] is the
/// Pearson correlation between rows i and j. Shape [items, items].
pub fn rsm(h: &Tensor) -> Tensor {
    let centred = h - &h.mean_dim(1, true);
    let unit = &centred / &centred.square().mean_dim(1, true).sqrt(); // std, not length
    unit.matmul(&unit.t())
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
    let rows = |t: &Tensor| -> Vec<Vec<f64>> {
        let cols = t.shape()[1];
        t.to_vec().chunks(cols).map(|r| r.iter().map(|&v| v as f64).collect()).collect()
    };
    let xtx = rows(&x.t().matmul(x));
    let xty = rows(&x.t().matmul(y));
    let w_t = solve(xtx, xty); // [inputs, outputs]
    let (inputs, outputs) = (w_t.len(), w_t[0].len());
    let data: Vec<f32> = w_t.iter().flatten().map(|&v| v as f32).collect();
    Tensor::from_vec(data, &[inputs, outputs]).t().contiguous()
}
