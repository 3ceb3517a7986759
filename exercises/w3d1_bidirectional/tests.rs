use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn output_shapes() {
    let x = Tensor::randn(&[2, 5, 4], 1);
    let (fwd, bwd) = (RnnCell::new(4, 3, 2), RnnCell::new(4, 3, 3));
    assert_eq!(run_forward(&fwd, &x).shape(), vec![2, 5, 3], "run_forward: one state of 3 per example and step");
    assert_eq!(bidirectional(&fwd, &bwd, &x).shape(), vec![2, 5, 6], "bidirectional: [batch, seq, 2·hidden]");
}

#[test]
fn matches_the_engine_bidirectional_rnn() {
    // The engine's bidirectional Rnn runs the same two cells; its output at each step is
    // [forward, backward], like yours must be.
    let rnn = Rnn::with_layers(4, 3, 1, true, 7);
    let x = Tensor::randn(&[2, 5, 4], 8);
    let want = rnn.forward(&x);
    println!("checking run_forward against the forward half");
    assert_close(&run_forward(rnn.cell(0, 0), &x), &[2, 5, 3], &want.slice(2, 0, 3).to_vec(), 1e-5);
    println!("checking bidirectional against the whole output");
    assert_close(&bidirectional(rnn.cell(0, 0), rnn.cell(0, 1), &x), &[2, 5, 6], &want.to_vec(), 1e-5);
}

/// The largest absolute difference between two tensors' values.
fn largest_change(a: &Tensor, b: &Tensor) -> f32 {
    a.to_vec().iter().zip(b.to_vec()).map(|(p, q)| (p - q).abs()).fold(0.0, f32::max)
}

#[test]
fn the_backward_half_sees_the_future() {
    // Change the input at step 3 only. The forward states before step 3 and the backward
    // states after it must not move; the backward state at step 1 and the forward state at
    // step 4 must.
    let (hid, len) = (4, 6);
    let (fwd, bwd) = (RnnCell::new(2, hid, 11), RnnCell::new(2, hid, 12));
    let x = Tensor::randn(&[1, len, 2], 13);
    let mut changed = x.to_vec();
    changed[3 * 2] += 1.5;
    changed[3 * 2 + 1] -= 1.0;
    let y = Tensor::from_vec(changed, &[1, len, 2]);
    let (a, b) = (bidirectional(&fwd, &bwd, &x), bidirectional(&fwd, &bwd, &y));
    let part = |t: &Tensor, step: usize, half: usize| t.slice(1, step, step + 1).slice(2, half * hid, (half + 1) * hid);
    for step in 0..3 {
        let d = largest_change(&part(&a, step, 0), &part(&b, step, 0));
        assert!(d < 1e-6, "the forward half at step {step} changed by {d} when only step 3's input changed: it must only read steps 0..={step}");
    }
    for step in 4..len {
        let d = largest_change(&part(&a, step, 1), &part(&b, step, 1));
        assert!(d < 1e-6, "the backward half at step {step} changed by {d} when only step 3's input changed: it must only read steps {step}..{len}");
    }
    let d = largest_change(&part(&a, 1, 1), &part(&b, 1, 1));
    assert!(d > 1e-3, "the backward half at step 1 did not change when step 3's input did (by {d}): it must have read the steps after 1");
    let d = largest_change(&part(&a, 4, 0), &part(&b, 4, 0));
    assert!(d > 1e-3, "the forward half at step 4 did not change when step 3's input did (by {d})");
}

const VOCAB: usize = 6;
const LEN: usize = 12;
const AHEAD: usize = 2;

/// Random token sequences; the label of step t is the token two steps later (steps
/// 0..LEN − 2 are labelled). Returns (one-hot inputs [n, LEN, VOCAB], labels row-major).
fn look_ahead_task(rng: &mut Rng, n: usize) -> (Tensor, Vec<usize>) {
    let ids: Vec<usize> = (0..n * LEN).map(|_| rng.below(VOCAB)).collect();
    let labels = ids.chunks(LEN).flat_map(|row| row[AHEAD..].to_vec()).collect();
    (Tensor::one_hot(&ids, VOCAB).reshape(&[n, LEN, VOCAB]), labels)
}

/// Trains `features` (a sequence model giving [n, LEN, width]) and a linear head on the
/// look-ahead task; returns the accuracy on fresh sequences.
fn train_and_score(seed: u64, width: usize, mut params: Vec<Tensor>, features: &dyn Fn(&Tensor) -> Tensor, mut on_step: impl FnMut(usize, f32)) -> f32 {
    let head = Linear::new(width, VOCAB, seed.wrapping_add(2));
    params.extend(head.parameters());
    let logits = |x: &Tensor| {
        let n = x.shape()[0];
        head.forward(&features(x).slice(1, 0, LEN - AHEAD).reshape(&[n * (LEN - AHEAD), width]))
    };
    let mut opt = Adam::new(params, 0.02);
    let mut data = Rng::new(seed.wrapping_add(50));
    for step in 0..100 {
        let (x, labels) = look_ahead_task(&mut data, 32);
        let loss = nn::cross_entropy(&logits(&x), &labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    let (x, labels) = look_ahead_task(&mut Rng::new(seed.wrapping_add(999)), 256);
    nn::accuracy(&logits(&x), &labels)
}

#[test]
fn looking_ahead_beats_one_direction() {
    // Label every step with the token two steps LATER. A one-directional RNN has not read
    // it yet and can only guess (1/6 ≈ 17%); a bidirectional one has. Same hidden size (16).
    let seed = nma_harness::seed();
    let hid = 16;
    let one_way = Rnn::new(VOCAB, hid, seed);
    let uni = train_and_score(seed, hid, one_way.parameters(), &|x| one_way.forward(x), |_, _| {});
    println!("one direction: accuracy {uni:.3}");

    let (fwd, bwd) = (RnnCell::new(VOCAB, hid, seed), RnnCell::new(VOCAB, hid, seed.wrapping_add(1)));
    let mut params = fwd.parameters();
    params.extend(bwd.parameters());
    let mut run = Training::new("accuracy above one direction", 0.5, Goal::AtLeast);
    let bi = train_and_score(seed, 2 * hid, params, &|x| bidirectional(&fwd, &bwd, x), |step, loss| run.step(step, loss));
    println!("both directions: accuracy {bi:.3}");
    run.finish((bi - uni) as f64);
}
