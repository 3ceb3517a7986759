// I used <= to compare with the best loss, so an epoch that only ties the best resets the patience.
//! W2D1 — early stopping (reference solution).

pub fn early_stopping(
    mut train_epoch: impl FnMut(),
    mut validate: impl FnMut() -> f32,
    max_epochs: usize,
    patience: usize,
) -> (usize, Vec<f32>) {
    let mut history = Vec::new();
    let (mut best_epoch, mut best_loss, mut waited) = (0, f32::INFINITY, 0);
    for epoch in 0..max_epochs {
        train_epoch();
        let loss = validate();
        history.push(loss);
        if loss <= best_loss { // a tie is not strictly lower
            (best_epoch, best_loss, waited) = (epoch, loss, 0);
        } else {
            waited += 1;
            if waited >= patience {
                break;
            }
        }
    }
    (best_epoch, history)
}
