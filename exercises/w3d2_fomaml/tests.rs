use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn one_inner_step_on_a_line() {
    // One layer: ŷ = w·x + b with w = 1, b = 0, on support points (1, 3) and (2, 5).
    let params = vec![Tensor::from_vec(vec![1.0], &[1, 1]).requires_grad(), Tensor::from_vec(vec![0.0], &[1]).requires_grad()];
    let x = Tensor::from_vec(vec![1.0, 2.0], &[2, 1]);
    let y = Tensor::from_vec(vec![3.0, 5.0], &[2, 1]);
    // Errors ŷ − y = (−2, −3): ∂MSE/∂w = (2/2)·(−2·1 − 3·2) = −8, ∂MSE/∂b = (2/2)·(−2 − 3) = −5.
    let adapted = adapt(&params, &x, &y, 0.1);
    assert_eq!(adapted.len(), 2, "one adapted tensor per weight");
    assert_close(&adapted[0], &[1, 1], &[1.8], 1e-5);
    assert_close(&adapted[1], &[1], &[0.5], 1e-5);
    assert_eq!(params[0].to_vec(), vec![1.0], "adapt must not change the starting weights themselves");
    assert!(params[0].grad().is_none() && params[1].grad().is_none(), "adapt should leave no gradient behind on the starting weights (zero_grad them after reading)");
}

#[test]
fn the_query_gradient_reaches_the_start_first_order() {
    let params = vec![Tensor::from_vec(vec![1.0], &[1, 1]).requires_grad(), Tensor::from_vec(vec![0.0], &[1]).requires_grad()];
    let adapted = adapt(&params, &Tensor::from_vec(vec![1.0, 2.0], &[2, 1]), &Tensor::from_vec(vec![3.0, 5.0], &[2, 1]), 0.1);
    // At the adapted weights (1.8, 0.5) the query point (1, 2) gives ŷ = 2.3, error 0.3:
    // ∂/∂w′ = ∂/∂b′ = 2·0.3 = 0.6. First-order MAML hands exactly that to the starting weights.
    let query = nn::mse_loss(&forward(&adapted, &Tensor::from_vec(vec![1.0], &[1, 1])), &Tensor::from_vec(vec![2.0], &[1, 1]));
    query.backward();
    let gw = params[0].grad().expect("the query loss at the adapted weights must reach the starting weights: build θ′ from θ (no detach)");
    assert_close(&gw, &[1, 1], &[0.6], 1e-4);
    assert_close(&params[1].grad().unwrap(), &[1], &[0.6], 1e-4);
}

/// Meta-trains from `init_params(seed)` and measures, over 100 new tasks, the query MSE
/// (50 points) before adapting, after one `adapt` step on 10 support points, and of
/// answering 0 everywhere.
pub fn adaptation_errors(seed: u64, run: &mut Training) -> (f64, f64, f64) {
    let params = init_params(seed);
    meta_train(&params, 1000, seed.wrapping_add(1), |step, loss| run.step(step, loss));
    let mut rng = Rng::new(seed.wrapping_add(5000));
    let (mut before, mut after, mut zero) = (0.0, 0.0, 0.0);
    for _ in 0..100 {
        let task = SineTask::sample(&mut rng);
        let (sx, sy) = task.points(10, &mut rng);
        let (qx, qy) = task.points(50, &mut rng);
        before += nn::mse_loss(&forward(&params, &qx), &qy).item() as f64;
        let adapted = adapt(&params, &sx, &sy, 0.05);
        after += nn::mse_loss(&forward(&adapted, &qx), &qy).item() as f64;
        zero += qy.square().mean().item() as f64;
    }
    (before / 100.0, after / 100.0, zero / 100.0)
}

#[test]
fn one_step_from_the_learned_start_fits_a_new_sine() {
    let seed = nma_harness::seed();
    let mut run = Training::new("query MSE after one step / before it", 0.7, Goal::AtMost);
    let (before, after, zero) = adaptation_errors(seed, &mut run);
    assert!(after < 0.65 * zero, "after one step on 10 points, the query error ({after:.3}) should be well below that of answering 0 ({zero:.3}); at most 65% of it");
    run.finish(after / before);
}
