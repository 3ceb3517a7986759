use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

/// The exact per-example Fisher of a linear softmax layer z = W·x + b, in f64:
/// ∂(−log p_y)/∂z = p − onehot(y), so ∂/∂W = (p − e_y)·xᵀ and ∂/∂b = p − e_y.
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
fn penalty_by_hand_and_its_gradient() {
    let theta = vec![
        Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).requires_grad(),
        Tensor::from_vec(vec![0.5, -0.5], &[2, 1]).requires_grad(),
    ];
    let anchor = vec![Tensor::from_vec(vec![1.0, 1.0, 1.0], &[3]), Tensor::from_vec(vec![0.0, 0.0], &[2, 1])];
    let fisher = vec![Tensor::from_vec(vec![5.0, 2.0, 0.5], &[3]), Tensor::from_vec(vec![4.0, 0.0], &[2, 1])];
    // F·(θ − θ*)²: 5·0 + 2·1 + 0.5·4 = 4 and 4·0.25 + 0·0.25 = 1; total 5, times λ/2 = 3/2.
    let penalty = ewc_penalty(&theta, &anchor, &fisher, 3.0);
    assert_eq!(penalty.numel(), 1, "the penalty is one number (shape {:?})", penalty.shape());
    let value = penalty.item();
    assert!((value - 7.5).abs() < 1e-4, "(λ/2)·∑F·(θ − θ*)² with λ = 3 should be 1.5 · 5 = 7.5, got {value}");
    penalty.backward();
    // ∂/∂θ = λ·F·(θ − θ*)
    assert_close(&theta[0].grad().expect("the penalty must depend on the parameters"), &[3], &[0.0, 6.0, 3.0], 1e-4);
    assert_close(&theta[1].grad().expect("the penalty must depend on every parameter"), &[2, 1], &[6.0, 0.0], 1e-4);
}

#[test]
fn fisher_of_a_linear_layer_by_hand() {
    let (w, b) = (vec![1.0f32, -1.0, 0.5, 2.0], vec![0.1f32, -0.2]);
    let layer = Linear::from_tensors(Tensor::from_vec(w.clone(), &[2, 2]), Some(Tensor::from_vec(b.clone(), &[2])));
    // The second example is misclassified, the third points the other way from the first:
    // the per-example gradients partly cancel, their squares do not.
    let xs = vec![vec![1.0f32, 0.0], vec![0.0, 1.0], vec![-1.0, 0.5]];
    let ys = vec![0usize, 0, 1];
    let data = Dataset::classification(xs.concat(), 2, ys.clone(), 2);
    let fisher = fisher_diagonal(&layer, &data);
    assert_eq!(fisher.len(), 2, "one Fisher tensor per parameter (weight and bias), got {}", fisher.len());
    let (fw, fb) = linear_fisher(&w, &b, &xs, &ys);
    assert_close(&fisher[0], &[2, 2], &fw, 1e-5);
    assert_close(&fisher[1], &[2], &fb, 1e-5);
}

#[test]
fn the_anchor_is_a_copy_of_the_weights_after_task_a() {
    let layer = Linear::new(3, 2, 4);
    let before = layer.weight.to_vec();
    let data = Dataset::classification(vec![1.0, 0.0, 2.0, 0.0, 1.0, -1.0], 3, vec![0, 1], 2);
    let ewc = Ewc::new(&layer, &data, 5.0);
    assert_eq!(ewc.lambda, 5.0);
    assert_eq!(ewc.anchor.len(), 2, "one anchor tensor per parameter");
    // Training on task B moves the weights; the anchor must stay where task A left them.
    layer.weight.set_data(&(&layer.weight + 1.0));
    assert_eq!(ewc.anchor[0].to_vec(), before, "after the weights moved, the anchor moved with them: store copies (`detach()`), not the parameters themselves");
    let after = ewc_penalty(&layer.parameters(), &ewc.anchor, &ewc.fisher, ewc.lambda).item();
    assert!(after > 0.0, "the weights moved by 1, so the penalty should be positive, got {after}");
}

// ---------------------------------------------------------------- the two-task run

/// Digits 0–4 (task A) and 5–9 (task B, labels 0–4 again: a shared head), each split into
/// (train, test).
pub fn split_digits(seed: u64) -> [(Dataset, Dataset); 2] {
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

/// A new model with the same weights.
pub fn copy_mlp(m: &Mlp) -> Mlp {
    let layers = m.layers.iter().map(|l| Linear::from_tensors(l.weight.detach(), l.bias.as_ref().map(|b| b.detach()))).collect();
    Mlp { layers, activation: m.activation }
}

pub fn accuracy(m: &Mlp, d: &Dataset) -> f64 {
    nn::accuracy(&m.forward(&d.x()), d.labels()) as f64
}

/// Trains A, then B twice (plain and with EWC, λ = 1000); returns
/// (A after A, A after B plain, A after B with EWC, B after B with EWC).
pub fn two_task_run(seed: u64, run: &mut Training) -> (f64, f64, f64, f64) {
    let [(a_train, a_test), (b_train, b_test)] = split_digits(seed);
    let model = Mlp::new(&[64, 64, 5], Activation::Relu, seed);
    train_task(&model, &a_train, None, seed.wrapping_add(1), |_, _| {});
    let a_after_a = accuracy(&model, &a_test);
    let plain = copy_mlp(&model);
    train_task(&plain, &b_train, None, seed.wrapping_add(2), |_, _| {});
    let fisher_examples: Vec<usize> = (0..200.min(a_train.len())).collect();
    let ewc = Ewc::new(&model, &a_train.subset(&fisher_examples), 1000.0);
    train_task(&model, &b_train, Some(&ewc), seed.wrapping_add(2), |step, loss| run.step(step, loss));
    (a_after_a, accuracy(&plain, &a_test), accuracy(&model, &a_test), accuracy(&model, &b_test))
}

#[test]
fn ewc_keeps_task_a_while_learning_b() {
    let seed = nma_harness::seed();
    let mut run = Training::new("BWT with EWC − BWT fine-tuned", 0.2, Goal::AtLeast);
    let (a_a, a_plain, a_ewc, b_ewc) = two_task_run(seed, &mut run);
    assert!(a_a > 0.9, "after training on task A (digits 0–4) the model should get > 90% of its test digits, got {a_a:.3}");
    assert!(b_ewc > 0.7, "with EWC the model must still learn task B (digits 5–9) to > 70%, got {b_ewc:.3} (λ too strong? the penalty counted twice?)");
    // With two tasks, BWT = R[1][0] − R[0][0]; R[0][0] is shared, so the gain is in R[1][0].
    run.finish((a_ewc - a_a) - (a_plain - a_a));
}
