use super::*;

/// Runs `early_stopping` on a scripted validation curve; returns (best, history, trainings).
fn scripted(curve: &[f32], max_epochs: usize, patience: usize) -> (usize, Vec<f32>, usize) {
    let mut trained = 0;
    let mut next = 0;
    let (best, history) = early_stopping(
        || trained += 1,
        || {
            assert!(next < curve.len(), "validate was called more often than the test expected");
            next += 1;
            curve[next - 1]
        },
        max_epochs,
        patience,
    );
    (best, history, trained)
}

#[test]
fn stops_patience_epochs_after_the_best() {
    // The curve of the lesson: the best is epoch 6 (0.43); epochs 7, 8, 9 bring nothing better.
    let curve = [1.00, 0.71, 0.55, 0.47, 0.44, 0.45, 0.43, 0.46, 0.48, 0.51, 0.55, 0.60];
    let (best, history, trained) = scripted(&curve, 50, 3);
    assert_eq!(best, 6, "the lowest validation loss, 0.43, is at epoch 6");
    assert_eq!(history, curve[..10].to_vec(), "with patience 3 the run ends after epoch 9, so the history holds epochs 0–9");
    assert_eq!(trained, 10, "one training epoch per validation");
}

#[test]
fn runs_to_max_epochs_while_improving() {
    let curve = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3];
    let (best, history, trained) = scripted(&curve, 5, 2);
    assert_eq!(history, curve[..5].to_vec(), "max_epochs = 5: exactly five epochs");
    assert_eq!(best, 4, "every epoch improved, so the last one (epoch 4) is the best");
    assert_eq!(trained, 5, "one training epoch per validation");
}

#[test]
fn an_epoch_that_only_ties_is_not_a_new_best() {
    // Epoch 2 equals the best (0.5) but is not strictly lower: it counts towards the patience.
    let curve = [0.6, 0.5, 0.5, 0.7, 0.8, 0.9];
    let (best, history, _) = scripted(&curve, 20, 2);
    assert_eq!(best, 1, "0.5 is first reached at epoch 1; epoch 2 only ties it, so it is not a new best");
    assert_eq!(history, curve[..4].to_vec(), "epochs 2 and 3 bring no strictly lower loss, so with patience 2 the run ends after epoch 3");
}
