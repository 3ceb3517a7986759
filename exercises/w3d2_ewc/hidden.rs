use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

fn linear_fisher(w: &[f32], b: &[f32], xs: &[Vec<f32>], ys: &[usize]) -> (Vec<f32>, Vec<f32>) {
    let (k, m) = (b.len(), xs[0].len());
    let (mut fw, mut fb) = (vec![0.0f64; k * m], vec![0.0f64; k]);
    for (x, &y) in xs.iter().zip(ys) {
        let z: Vec<f64> = (0..k).map(|r| b[r] as f64 + (0..m).map(|c| w[r * m + c] as f64 * x[c] as f64).sum::<f64>()).collect();
        let top = z.iter().cloned().fold(f64::MIN, f64::max);
        let e: Vec<f64> = z.iter().map(|v| (v - top).exp()).collect();
        let s: f64 = e.iter().sum();
        for r in 0..k {
            let d = e[r] / s - if r == y { 1.0 } else { 0.0 };
            fb[r] += d * d;
            for c in 0..m {
                fw[r * m + c] += (d * x[c] as f64).powi(2);
            }
        }
    }
    let n = xs.len() as f64;
    (fw.iter().map(|v| (v / n) as f32).collect(), fb.iter().map(|v| (v / n) as f32).collect())
}

#[test]
fn fisher_of_a_three_class_layer_on_five_examples() {
    let w: Vec<f32> = (0..12).map(|i| ((i * 7 % 11) as f32 - 5.0) / 4.0).collect();
    let b = vec![0.3f32, -0.1, 0.0];
    let layer = Linear::from_tensors(Tensor::from_vec(w.clone(), &[3, 4]), Some(Tensor::from_vec(b.clone(), &[3])));
    let xs: Vec<Vec<f32>> = (0..5).map(|i| (0..4).map(|j| ((i * 4 + j) as f32 * 0.37).sin()).collect()).collect();
    let ys = vec![2usize, 0, 1, 1, 2];
    let data = Dataset::classification(xs.concat(), 4, ys.clone(), 3);
    let fisher = fisher_diagonal(&layer, &data);
    let (fw, fb) = linear_fisher(&w, &b, &xs, &ys);
    assert_close(&fisher[0], &[3, 4], &fw, 1e-5);
    assert_close(&fisher[1], &[3], &fb, 1e-5);
    // Computing it twice gives the same answer (no gradients left over from the last call).
    let again = fisher_diagonal(&layer, &data);
    assert_close(&again[0], &[3, 4], &fw, 1e-5);
}

#[test]
fn fisher_of_an_mlp_has_every_parameter_and_no_negative_entry() {
    let model = Mlp::new(&[4, 6, 3], Activation::Relu, 9);
    let xs: Vec<f32> = (0..24).map(|i| (i as f32 * 0.61).cos()).collect();
    let data = Dataset::classification(xs, 4, vec![0, 1, 2, 0, 1, 2], 3);
    let fisher = fisher_diagonal(&model, &data);
    let shapes: Vec<Vec<usize>> = model.parameters().iter().map(|p| p.shape()).collect();
    let got: Vec<Vec<usize>> = fisher.iter().map(|f| f.shape()).collect();
    assert_eq!(got, shapes, "one Fisher tensor per parameter, with its shape");
    let total: f32 = fisher.iter().map(|f| f.to_vec().iter().sum::<f32>()).sum();
    assert!(fisher.iter().all(|f| f.to_vec().iter().all(|v| *v >= 0.0)), "squared gradients cannot be negative");
    assert!(total > 0.0, "an untrained model has nonzero gradients, so the Fisher cannot be all zero");
}

#[test]
fn penalty_is_zero_at_the_anchor_and_scales_with_lambda() {
    let theta = vec![Tensor::from_vec(vec![0.2, -0.4, 1.0, 3.0], &[2, 2]).requires_grad()];
    let fisher = vec![Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2])];
    let at_anchor = ewc_penalty(&theta, &[theta[0].detach()], &fisher, 100.0).item();
    assert!(at_anchor.abs() < 1e-6, "θ = θ* costs nothing, got {at_anchor}");
    let anchor = vec![Tensor::zeros(&[2, 2])];
    // ∑F·θ² = 0.04 + 0.32 + 3 + 36 = 39.36
    let p = ewc_penalty(&theta, &anchor, &fisher, 0.5).item();
    assert!((p - 0.25 * 39.36).abs() < 1e-3, "λ = 0.5: expected {}, got {p}", 0.25 * 39.36);
}

#[test]
fn train_task_reports_200_steps() {
    let model = Mlp::new(&[4, 5, 2], Activation::Relu, 1);
    let xs: Vec<f32> = (0..40).map(|i| (i as f32 * 0.3).sin()).collect();
    let data = Dataset::classification(xs, 4, (0..10).map(|i| i % 2).collect(), 2);
    let mut steps = Vec::new();
    train_task(&model, &data, None, 3, |s, l| {
        assert!(l.is_finite());
        steps.push(s)
    });
    assert_eq!(steps, (0..200).collect::<Vec<_>>(), "on_step once per step, steps 0..200");
}

// ------------------------------------------------------------------ a second run

fn split_digits(seed: u64) -> [(Dataset, Dataset); 2] {
    let all = data::digits().map_inputs(|v| v / 16.0);
    let (train, test) = data::train_test_split(&all, 0.3, seed);
    let part = |d: &Dataset, second: bool| {
        let keep: Vec<usize> = (0..d.len()).filter(|&i| (d.labels()[i] >= 5) == second).collect();
        let sub = d.subset(&keep);
        let labels = sub.labels().iter().map(|l| l % 5).collect();
        Dataset::classification(sub.inputs, 64, labels, 5)
    };
    [(part(&train, false), part(&test, false)), (part(&train, true), part(&test, true))]
}

fn copy_mlp(m: &Mlp) -> Mlp {
    let layers = m.layers.iter().map(|l| Linear::from_tensors(l.weight.detach(), l.bias.as_ref().map(|b| b.detach()))).collect();
    Mlp { layers, activation: m.activation }
}

fn accuracy(m: &Mlp, d: &Dataset) -> f64 {
    nn::accuracy(&m.forward(&d.x()), d.labels()) as f64
}

#[test]
fn ewc_recovers_backward_transfer() {
    let seed = nma_harness::seed().wrapping_add(100);
    let mut run = Training::new("BWT with EWC − BWT fine-tuned", 0.2, Goal::AtLeast);
    let [(a_train, a_test), (b_train, b_test)] = split_digits(seed);
    let model = Mlp::new(&[64, 64, 5], Activation::Relu, seed);
    train_task(&model, &a_train, None, seed.wrapping_add(1), |_, _| {});
    let a_a = accuracy(&model, &a_test);
    assert!(a_a > 0.9, "task A alone should reach > 90%, got {a_a:.3}");
    let plain = copy_mlp(&model);
    train_task(&plain, &b_train, None, seed.wrapping_add(2), |_, _| {});
    let examples: Vec<usize> = (200..400).collect();
    let ewc = Ewc::new(&model, &a_train.subset(&examples), 1000.0);
    train_task(&model, &b_train, Some(&ewc), seed.wrapping_add(2), |step, loss| run.step(step, loss));
    let b_b = accuracy(&model, &b_test);
    assert!(b_b > 0.7, "with EWC, task B should still reach > 70%, got {b_b:.3}");
    run.finish(accuracy(&model, &a_test) - accuracy(&plain, &a_test));
}
