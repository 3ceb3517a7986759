use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn clips_to_the_global_norm() {
    // Two tensors, norms 5 and 12: the global norm is √(25 + 144) = 13, and clipping to 6.5
    // halves BOTH (not each tensor by its own norm).
    let mut grads = vec![Tensor::from_vec(vec![3.0, 4.0], &[2]), Tensor::from_vec(vec![12.0], &[1])];
    let norm = clip_grad_norm(&mut grads, 6.5);
    assert!((norm - 13.0).abs() < 1e-4, "the global norm of [3, 4] and [12] is 13, but clip_grad_norm returned {norm}");
    assert_close(&grads[0], &[2], &[1.5, 2.0], 1e-5);
    assert_close(&grads[1], &[1], &[6.0], 1e-5);
}

#[test]
fn leaves_gradients_under_the_max_alone() {
    let mut grads = vec![Tensor::from_vec(vec![0.3, -0.4], &[2]), Tensor::from_vec(vec![1.2, 0.0, 0.0, 0.0], &[2, 2])];
    let norm = clip_grad_norm(&mut grads, 5.0);
    assert!((norm - 1.3).abs() < 1e-5, "the global norm of [0.3, -0.4] and [[1.2, 0], [0, 0]] is 1.3, but clip_grad_norm returned {norm}");
    assert_close(&grads[0], &[2], &[0.3, -0.4], 1e-7);
    assert_close(&grads[1], &[2, 2], &[1.2, 0.0, 0.0, 0.0], 1e-7);
}

/// A tiny RNN with fixed weights, for checking train_bptt step by step.
fn tiny(seed: u64) -> (RnnCell, Linear) {
    let cell = RnnCell::from_tensors(
        Tensor::randn(&[3, 1], seed),
        Tensor::randn(&[3, 3], seed + 1) * 1.5,
        Tensor::randn(&[3], seed + 2) * 0.1,
        Tensor::zeros(&[3]),
    );
    (cell, Linear::new(3, 1, seed + 3))
}

/// Two steps of the loop train_bptt should run, written out here.
fn two_steps_by_hand(cell: &RnnCell, head: &Linear, x: &Tensor, y: &Tensor, lr: f32, max_norm: f32) -> Vec<f32> {
    let mut params = cell.parameters();
    params.extend(head.parameters());
    let mut losses = Vec::new();
    for _ in 0..2 {
        let mut h = Tensor::zeros(&[x.shape()[0], 3]);
        let mut outs = Vec::new();
        for t in 0..x.shape()[1] {
            h = cell.step(&x.slice(1, t, t + 1), &h);
            outs.push(head.forward(&h));
        }
        let refs: Vec<&Tensor> = outs.iter().collect();
        let loss = nn::mse_loss(&Tensor::cat(&refs, 1), y);
        for p in &params {
            p.zero_grad();
        }
        loss.backward();
        losses.push(loss.item());
        let grads: Vec<Vec<f32>> = params.iter().map(|p| p.grad().unwrap().to_vec()).collect();
        let norm = grads.iter().flatten().map(|g| (*g as f64).powi(2)).sum::<f64>().sqrt() as f32;
        let scale = if norm > max_norm { max_norm / (norm + 1e-6) } else { 1.0 };
        for (p, g) in params.iter().zip(&grads) {
            let new: Vec<f32> = p.to_vec().iter().zip(g).map(|(v, g)| v - lr * scale * g).collect();
            p.set_data(&Tensor::from_vec(new, &p.shape()));
        }
    }
    losses
}

#[test]
fn two_steps_match_the_loop_written_out() {
    // Batch 2, 6 steps, a clip that bites (0.05): your losses and weights after two updates
    // must equal the loop written out in this test.
    let x = Tensor::randn(&[2, 6], 40);
    let y = Tensor::randn(&[2, 6], 41);
    let (cell, head) = tiny(50);
    let losses = train_bptt(&cell, &head, &x, &y, 2, 0.5, 0.05);
    let (cell2, head2) = tiny(50);
    let want = two_steps_by_hand(&cell2, &head2, &x, &y, 0.5, 0.05);
    assert_eq!(losses.len(), 2, "train_bptt(…, steps = 2, …) must return 2 losses, one before each update, but returned {losses:?}");
    assert_close(&Tensor::from_vec(losses, &[2]), &[2], &want, 1e-4);
    println!("checking the recurrent weights after two updates");
    assert_close(cell.weight_hh(), &[3, 3], &cell2.weight_hh().to_vec(), 1e-4);
    println!("checking the head's weights after two updates");
    assert_close(&head.weight, &[1, 3], &head2.weight.to_vec(), 1e-4);
}

/// The exploding setup: 16 tanh units whose recurrent weights are drawn with standard
/// deviation 2/√16 (twice the edge of chaos), on sine waves 60 steps long.
fn exploding_rnn(seed: u64) -> (RnnCell, Linear) {
    let hid = 16;
    let mut rng = Rng::new(seed);
    let w_ih: Vec<f32> = (0..hid).map(|_| 2.0 * rng.uniform() - 1.0).collect();
    let w_hh: Vec<f32> = (0..hid * hid).map(|_| rng.normal() * 2.0 / (hid as f32).sqrt()).collect();
    let cell = RnnCell::from_tensors(
        Tensor::from_vec(w_ih, &[hid, 1]),
        Tensor::from_vec(w_hh, &[hid, hid]),
        Tensor::zeros(&[hid]),
        Tensor::zeros(&[hid]),
    );
    (cell, Linear::new(hid, 1, seed.wrapping_add(100)))
}

/// `n` sine waves of `len` steps: (inputs, next values), each [n, len].
fn waves(n: usize, len: usize, seed: u64) -> (Tensor, Tensor) {
    let d = data::sine_sequences(n, len, seed);
    let values = match &d.targets {
        Targets::Values { values, .. } => values.clone(),
        Targets::Classes { .. } => unreachable!("sine_sequences is a regression set"),
    };
    (Tensor::from_vec(d.inputs.clone(), &[n, len]), Tensor::from_vec(values, &[n, len]))
}

/// Mean squared error of next-value predictions on held-out waves.
fn held_out_error(cell: &RnnCell, head: &Linear, x: &Tensor, y: &Tensor) -> f32 {
    let mut h = Tensor::zeros(&[x.shape()[0], cell.hidden_size()]);
    let mut outs = Vec::new();
    for t in 0..x.shape()[1] {
        h = cell.step(&x.slice(1, t, t + 1), &h);
        outs.push(head.forward(&h));
    }
    let refs: Vec<&Tensor> = outs.iter().collect();
    nn::mse_loss(&Tensor::cat(&refs, 1), y).item()
}

#[test]
fn clipping_tames_an_exploding_rnn() {
    // Predicting a sine wave's next value: always saying 0 scores 0.5, repeating the
    // current value about 0.06–0.09. The threshold, 0.05, needs a real model.
    let seed = nma_harness::seed();
    let (len, steps, lr, threshold) = (60, 400, 0.3, 0.05f32);
    let (x, y) = waves(32, len, seed.wrapping_add(7));
    let (ex, ey) = waves(64, len, seed.wrapping_add(1000));

    // Without clipping (max_norm = ∞) the same run blows up.
    let (cell, head) = exploding_rnn(seed);
    let plain = train_bptt(&cell, &head, &x, &y, steps, lr, f32::INFINITY);
    let plain_error = held_out_error(&cell, &head, &ex, &ey);
    println!("without clipping: {} updates, held-out error {plain_error}", plain.len());
    assert!(
        !(plain_error <= threshold),
        "without clipping (max_norm = ∞) this run should blow up, but it reached a held-out error of {plain_error}: \
         are gradients under max_norm left alone, and is the loop using the max_norm it is given?"
    );

    // With clipping at 1 it learns.
    let (cell, head) = exploding_rnn(seed);
    let mut run = Training::new("held-out error", threshold as f64, Goal::AtMost);
    let losses = train_bptt(&cell, &head, &x, &y, steps, lr, 1.0);
    assert_eq!(losses.len(), steps, "train_bptt must return one loss per update");
    for (step, loss) in losses.iter().enumerate() {
        run.step(step, *loss);
    }
    run.finish(held_out_error(&cell, &head, &ex, &ey) as f64);
}
