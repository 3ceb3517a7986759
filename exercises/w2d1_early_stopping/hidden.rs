use super::*;
use nma_engine::prelude::*;
use std::cell::RefCell;

fn scripted(curve: &[f32], max_epochs: usize, patience: usize) -> (usize, Vec<f32>) {
    let mut next = 0;
    early_stopping(
        || {},
        || {
            assert!(next < curve.len(), "validate was called more often than the test expected");
            next += 1;
            curve[next - 1]
        },
        max_epochs,
        patience,
    )
}

#[test]
fn a_tie_is_not_an_improvement() {
    let curve = [0.5, 0.4, 0.4, 0.4, 0.3, 0.2];
    let (best, history) = scripted(&curve, 20, 2);
    assert_eq!(best, 1, "0.4 is first reached at epoch 1; the ties after it are not new bests");
    assert_eq!(history, curve[..4].to_vec(), "two epochs without a strictly lower loss end the run after epoch 3");
}

#[test]
fn patience_counts_from_the_latest_best() {
    // Best at 1, a new best at 4 resets the count, then 5, 6, 7 bring nothing: stop after 7.
    let curve = [1.0, 0.9, 0.95, 0.96, 0.8, 0.85, 0.86, 0.87, 0.5, 0.4];
    let (best, history) = scripted(&curve, 20, 3);
    assert_eq!(best, 4, "epoch 4 (0.8) is the best before the run stops");
    assert_eq!(history, curve[..8].to_vec(), "after the new best at epoch 4 the patience starts again, so the run ends after epoch 7");
}

#[test]
fn trains_before_each_validation() {
    let log = RefCell::new(String::new());
    let mut losses = [3.0f32, 2.0, 2.5, 2.6].into_iter();
    let (best, history) = early_stopping(
        || log.borrow_mut().push('T'),
        || {
            log.borrow_mut().push('V');
            losses.next().expect("validate was called more often than expected")
        },
        10,
        2,
    );
    assert_eq!(log.into_inner(), "TVTVTVTV", "each epoch trains once, then validates once (T = train, V = validate)");
    assert_eq!((best, history.len()), (1, 4));
}

#[test]
fn stops_a_real_overfitting_run() {
    // 20 noisy points of a sine and a network big enough to memorise them. One "epoch"
    // is 10 full-batch Adam steps; the validation loss is the MSE on 200 fresh points.
    let train_set = data::sine(20, 1);
    let validation = data::sine(200, 101);
    let model = Mlp::new(&[1, 64, 64, 1], Activation::Relu, 1);
    let opt = RefCell::new(Adam::new(model.parameters(), 0.01));
    let (x, y) = (train_set.x(), train_set.y());
    let measured = RefCell::new(Vec::new());
    let (max_epochs, patience) = (150, 10);
    let (best, history) = early_stopping(
        || {
            let mut opt = opt.borrow_mut();
            for _ in 0..10 {
                let loss = nn::mse_loss(&model.forward(&x), &y);
                opt.zero_grad();
                loss.backward();
                opt.step();
            }
        },
        || {
            let loss = train::evaluate(&model, &validation);
            measured.borrow_mut().push(loss);
            loss
        },
        max_epochs,
        patience,
    );
    let measured = measured.into_inner();
    assert_eq!(history, measured, "the history must hold the validation losses, in order");
    assert!(history.len() < max_epochs, "this run overfits early; it should stop long before {max_epochs} epochs, but ran {}", history.len());
    let lowest = history.iter().cloned().fold(f32::INFINITY, f32::min);
    assert_eq!(history[best], lowest, "epoch {best} is not the one with the lowest validation loss");
    assert_eq!(history.len(), best + patience + 1, "the run should end exactly {patience} epochs after the best epoch");
}
