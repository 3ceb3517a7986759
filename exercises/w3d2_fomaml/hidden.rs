use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn adapt_matches_a_gradient_step_of_the_whole_network() {
    let params = init_params(3);
    let mut rng = Rng::new(4);
    let task = SineTask::sample(&mut rng);
    let (sx, sy) = task.points(10, &mut rng);
    let (qx, qy) = task.points(7, &mut rng);
    let adapted = adapt(&params, &sx, &sy, 0.05);
    // The same step, by hand.
    nn::mse_loss(&forward(&params, &sx), &sy).backward();
    for (p, a) in params.iter().zip(&adapted) {
        let want = (p - &(p.grad().unwrap() * 0.05)).to_vec();
        assert_close(a, &p.shape(), &want, 1e-5);
    }
    for p in &params {
        p.zero_grad();
    }
    // First order: the query gradient at θ′ lands on θ unchanged.
    nn::mse_loss(&forward(&adapted, &qx), &qy).backward();
    let fresh: Vec<Tensor> = adapted.iter().map(|a| a.detach().requires_grad()).collect();
    nn::mse_loss(&forward(&fresh, &qx), &qy).backward();
    for (p, f) in params.iter().zip(&fresh) {
        let want = f.grad().unwrap().to_vec();
        assert_close(&p.grad().expect("the query loss must reach every starting weight"), &p.shape(), &want, 1e-4);
    }
}

#[test]
fn a_zero_step_changes_nothing() {
    let params = init_params(8);
    let x = Tensor::from_vec(vec![0.5, -1.0, 2.0], &[3, 1]);
    let y = Tensor::from_vec(vec![1.0, 0.0, -1.0], &[3, 1]);
    for (p, a) in params.iter().zip(adapt(&params, &x, &y, 0.0)) {
        assert_eq!(a.to_vec(), p.to_vec());
    }
}

#[test]
fn meta_train_reports_every_step() {
    let params = init_params(2);
    let start = params[0].to_vec();
    let mut steps = Vec::new();
    meta_train(&params, 6, 1, |s, l| {
        assert!(l.is_finite() && l >= 0.0, "a mean squared error, got {l}");
        steps.push(s)
    });
    assert_eq!(steps, vec![0, 1, 2, 3, 4, 5]);
    assert_ne!(params[0].to_vec(), start, "meta-training must move the starting weights");
}

#[test]
fn the_learned_start_adapts_on_other_seeds() {
    let seed = nma_harness::seed().wrapping_add(400);
    let mut run = Training::new("query MSE after one step / before it", 0.7, Goal::AtMost);
    let params = init_params(seed);
    meta_train(&params, 1000, seed.wrapping_add(1), |step, loss| run.step(step, loss));
    let mut rng = Rng::new(seed.wrapping_add(6000));
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
    assert!(after < 0.65 * zero, "one step should bring the query error well below answering 0");
    run.finish(after / before);
}
