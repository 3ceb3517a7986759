//! W3D2 — measuring continual learning from an accuracy matrix.

/// The mean accuracy over all tasks after the last one was learned: the mean of the last row
/// of `r` (`r[i][j]`: accuracy on task j after training task i; T × T).
pub fn average_accuracy(r: &[Vec<f64>]) -> f64 {
    // TODO: the mean of r[T − 1]. This placeholder reads the first row.
    r[0].iter().sum::<f64>() / r.len() as f64
}

/// Backward transfer: the mean over j < T − 1 of r[T − 1][j] − r[j][j]. 0 for one task.
pub fn backward_transfer(r: &[Vec<f64>]) -> f64 {
    // TODO: compare the last row with the diagonal, over the old tasks only.
    let _ = r;
    0.5
}

/// Forward transfer: the mean over j ≥ 1 of r[j − 1][j] − baseline[j], where baseline[j] is
/// the accuracy of the untrained model on task j. 0 for one task.
pub fn forward_transfer(r: &[Vec<f64>], baseline: &[f64]) -> f64 {
    // TODO: look just above the diagonal and subtract the baseline.
    let _ = (r, baseline);
    0.5
}
