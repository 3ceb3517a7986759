use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn keeps_the_mean_of_every_element() {
    // 2 000 copies of ten values in the columns of x: each column's mean must stay its
    // value. The mean of a column has standard deviation |v|·√(p/(1 − p)/2000).
    let base = [-3.0f32, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0];
    let rows = 2000;
    let x = Tensor::from_vec((0..rows).flat_map(|_| base).collect(), &[rows, 10]);
    for (p, seed) in [(0.2f32, 1u64), (0.5, 2), (0.8, 3)] {
        let y = dropout(&x, p, true, seed).to_vec();
        for (j, &v) in base.iter().enumerate() {
            let mean = (0..rows).map(|i| y[i * 10 + j] as f64).sum::<f64>() / rows as f64;
            let spread = v.abs() as f64 * (p as f64 / (1.0 - p as f64) / rows as f64).sqrt();
            assert!(
                (mean - v as f64).abs() <= 4.5 * spread + 1e-6,
                "p = {p}: elements equal to {v} average {mean:.4} after dropout; inverted dropout keeps the mean at {v}"
            );
        }
    }
}

#[test]
fn each_seed_draws_its_own_mask() {
    let x = Tensor::ones(&[8, 16]);
    let a = dropout(&x, 0.5, true, 11).to_vec();
    assert_eq!(a, dropout(&x, 0.5, true, 11).to_vec(), "the same seed must give the same mask");
    assert_ne!(a, dropout(&x, 0.5, true, 12).to_vec(), "different seeds should give different masks");
    let rows: Vec<&[f32]> = a.chunks(16).collect();
    assert!(rows.iter().any(|r| *r != rows[0]), "every element needs its own coin flip; all rows got the same mask");
}

#[test]
fn gradient_flows_through_the_kept_units() {
    let x = Tensor::from_vec((0..12).map(|i| 0.5 + i as f32).collect(), &[3, 4]).requires_grad();
    let y = dropout(&x, 0.25, true, 5);
    y.sum().backward();
    // Every x is positive, so a zero in y marks a dropped unit. Kept units pass the
    // gradient scaled by 1/(1 − p); dropped ones pass nothing.
    let expected: Vec<f32> = y.to_vec().iter().map(|&v| if v == 0.0 { 0.0 } else { 1.0 / 0.75 }).collect();
    assert!(expected.iter().any(|&g| g == 0.0) && expected.iter().any(|&g| g != 0.0), "with p = 0.25, some of 12 units should be dropped and some kept");
    let grad = x.grad().expect("x has no gradient: build the result from tensor operations on x");
    assert_close(&grad, &[3, 4], &expected, 1e-5);
    // p = 1: everything dropped, and no NaN from dividing by 1 − p = 0.
    let none = dropout(&Tensor::from_vec(vec![1.0, -2.0, 3.0], &[3]), 1.0, true, 5);
    assert_close(&none, &[3], &[0.0, 0.0, 0.0], 0.0);
}

#[test]
fn weight_decay_gives_smaller_weights() {
    // The penalty's gradient is 2λw.
    let w = Tensor::from_vec(vec![1.0, -2.0, 0.5], &[3]).requires_grad();
    penalised_loss(&(&w * 0.0).sum(), &[w.clone()], 0.25).backward();
    assert_close(&w.grad().unwrap(), &[3], &[0.5, -1.0, 0.25], 1e-6);

    // More weights than examples: many exact fits exist. The penalty picks smaller weights.
    let x = Tensor::randn(&[10, 20], 1);
    let y = Tensor::randn(&[10, 1], 2);
    let norm = |lambda: f32| {
        let model = Linear::new(20, 1, 3);
        let mut opt = Sgd::new(model.parameters(), 0.05);
        for _ in 0..300 {
            let loss = nn::mse_loss(&model.forward(&x), &y);
            let total = penalised_loss(&loss, &model.parameters(), lambda);
            opt.zero_grad();
            total.backward();
            opt.step();
        }
        model.parameters().iter().map(|p| p.square().sum().item()).sum::<f32>().sqrt()
    };
    let (plain, decayed) = (norm(0.0), norm(0.2));
    assert!(decayed < 0.8 * plain, "with λ = 0.2 the weights should end clearly smaller: norm {decayed} against {plain} without the penalty");
}
