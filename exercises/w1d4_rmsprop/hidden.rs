use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn eps_is_added_after_the_square_root() {
    // g = 0.001, α = 0: √v = 0.001, so the step is 0.1·0.001/(0.001 + 0.01) = 0.1/11.
    // (With √(v + ε) it would be about 0.001.)
    let w = Tensor::from_vec(vec![0.5], &[1]).requires_grad();
    (&w * 0.001).sum().backward();
    let mut sq_avg = vec![vec![0.0]];
    rmsprop_update(&[w.clone()], &mut sq_avg, 0.1, 0.0, 0.01);
    assert_close(&w, &[1], &[0.490_909_1], 1e-6);
}

#[test]
fn matches_a_reference_over_three_steps() {
    // L = ½·Σ a⊙P² + Σ (b − t)²: ∂L/∂P = a⊙P, ∂L/∂b = 2(b − t). Reference in f64.
    let a = [30.0f64, 0.5, 1.0, 0.02];
    let t = [1.0f64, -1.0, 0.25];
    let (lr, alpha, eps) = (0.05f32, 0.9f32, 1e-6f32);
    let mut p_ref = [0.5f64, -1.0, 2.0, 0.25];
    let mut b_ref = [0.0f64, 0.5, -0.5];
    let (mut vp, mut vb) = ([0f64; 4], [0f64; 3]);

    let p = Tensor::from_vec(p_ref.iter().map(|&v| v as f32).collect(), &[2, 2]).requires_grad();
    let b = Tensor::from_vec(b_ref.iter().map(|&v| v as f32).collect(), &[3]).requires_grad();
    let a_t = Tensor::from_vec(a.iter().map(|&v| v as f32).collect(), &[2, 2]);
    let t_t = Tensor::from_vec(t.iter().map(|&v| v as f32).collect(), &[3]);
    let mut sq_avg = vec![vec![0.0; 4], vec![0.0; 3]];
    let (al, lr64, eps64) = (alpha as f64, lr as f64, eps as f64);
    for _ in 0..3 {
        p.zero_grad();
        b.zero_grad();
        ((&a_t * p.square()).sum() * 0.5 + (&b - &t_t).square().sum()).backward();
        rmsprop_update(&[p.clone(), b.clone()], &mut sq_avg, lr, alpha, eps);
        for i in 0..4 {
            let g = a[i] * p_ref[i];
            vp[i] = al * vp[i] + (1.0 - al) * g * g;
            p_ref[i] -= lr64 * g / (vp[i].sqrt() + eps64);
        }
        for i in 0..3 {
            let g = 2.0 * (b_ref[i] - t[i]);
            vb[i] = al * vb[i] + (1.0 - al) * g * g;
            b_ref[i] -= lr64 * g / (vb[i].sqrt() + eps64);
        }
    }
    let f = |v: &[f64]| v.iter().map(|&x| x as f32).collect::<Vec<f32>>();
    assert_close(&p, &[2, 2], &f(&p_ref), 1e-5);
    assert_close(&b, &[3], &f(&b_ref), 1e-5);
    assert_close(&Tensor::from_vec(sq_avg[0].clone(), &[4]), &[4], &f(&vp), 1e-4);
    assert_close(&Tensor::from_vec(sq_avg[1].clone(), &[3]), &[3], &f(&vb), 1e-4);
}

#[test]
fn skips_parameters_without_a_gradient() {
    let used = Tensor::from_vec(vec![1.0], &[1]).requires_grad();
    let unused = Tensor::from_vec(vec![5.0, 6.0], &[2]).requires_grad();
    (&used * 2.0).sum().backward();
    let mut sq_avg = vec![vec![0.5, 0.25], vec![0.0]];
    rmsprop_update(&[unused.clone(), used.clone()], &mut sq_avg, 0.1, 0.75, 0.0);
    assert_close(&unused, &[2], &[5.0, 6.0], 0.0);
    assert_eq!(sq_avg[0], vec![0.5, 0.25], "a parameter without a gradient keeps its average");
    // used: v = 0.25·4 = 1, w = 1 − 0.1·2/1 = 0.8.
    assert_close(&used, &[1], &[0.8], 1e-6);
}

/// L = ½·Σ aᵢ·wᵢ² with curvatures from 1 to 1000 (condition number 1000).
fn stretched_bowl() -> Tensor {
    Tensor::from_vec((0..8).map(|i| 10f32.powf(3.0 * i as f32 / 7.0)).collect(), &[8])
}

fn bowl_loss(curvature: &Tensor, w: &Tensor) -> Tensor {
    (curvature * w.square()).sum() * 0.5
}

#[test]
fn beats_sgd_on_a_stretched_bowl() {
    let mut rng = Rng::new(nma_harness::seed());
    let start: Vec<f32> = (0..8)
        .map(|_| {
            let size = 0.5 + 0.5 * rng.uniform();
            if rng.uniform() < 0.5 { -size } else { size }
        })
        .collect();
    let curvature = stretched_bowl();
    let steps = 200;

    // Plain SGD with (nearly) the largest stable learning rate, 1.9 / 1000.
    let w_sgd = Tensor::from_vec(start.clone(), &[8]).requires_grad();
    let mut sgd = Sgd::new(vec![w_sgd.clone()], 0.0019);
    for _ in 0..steps {
        sgd.zero_grad();
        bowl_loss(&curvature, &w_sgd).backward();
        sgd.step();
    }
    let sgd_loss = bowl_loss(&curvature, &w_sgd).item();

    let w = Tensor::from_vec(start, &[8]).requires_grad();
    let mut sq_avg = vec![vec![0.0; 8]];
    let mut run = Training::new("final loss", 1e-3, Goal::AtMost);
    for step in 0..steps {
        w.zero_grad();
        let loss = bowl_loss(&curvature, &w);
        loss.backward();
        run.step(step, loss.item());
        rmsprop_update(&[w.clone()], &mut sq_avg, 0.01, 0.99, 1e-8);
    }
    let final_loss = bowl_loss(&curvature, &w).item();
    assert!(
        final_loss < sgd_loss,
        "after {steps} steps RMSprop's loss is {final_loss}, plain SGD's {sgd_loss}: RMSprop should be lower"
    );
    run.finish(final_loss as f64);
}
