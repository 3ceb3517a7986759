use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn lstm_matches_the_engine_cell() {
    let (batch, inp, hid) = (4, 5, 6);
    let wi = Tensor::randn(&[4 * hid, inp], 31) * 0.5;
    let wh = Tensor::randn(&[4 * hid, hid], 32) * 0.5;
    let b = Tensor::randn(&[4 * hid], 33);
    let x = Tensor::randn(&[batch, inp], 34);
    let h = Tensor::randn(&[batch, hid], 35);
    let c = Tensor::randn(&[batch, hid], 36) * 2.0;
    let cell = LstmCell::from_tensors(wi.detach(), wh.detach(), b.detach(), Tensor::zeros(&[4 * hid]));
    let (want_h, want_c) = cell.step(&x, (&h, &c));
    let (got_h, got_c) = lstm_cell(&x, (&h, &c), &wi, &wh, &b);
    assert_close(&got_c, &[batch, hid], &want_c.to_vec(), 1e-5);
    assert_close(&got_h, &[batch, hid], &want_h.to_vec(), 1e-5);
}

#[test]
fn rnn_matches_the_engine_cell() {
    let (batch, inp, hid) = (3, 4, 7);
    let wi = Tensor::randn(&[hid, inp], 41);
    let wh = Tensor::randn(&[hid, hid], 42) * 0.3;
    let b = Tensor::randn(&[hid], 43);
    let x = Tensor::randn(&[batch, inp], 44);
    let h = Tensor::randn(&[batch, hid], 45);
    let cell = RnnCell::from_tensors(wi.detach(), wh.detach(), b.detach(), Tensor::zeros(&[hid]));
    assert_close(&rnn_cell(&x, &h, &wi, &wh, &b), &[batch, hid], &cell.step(&x, &h).to_vec(), 1e-5);
}

#[test]
fn an_lstm_learns_a_repeating_text() {
    // Next-character prediction on "hello world, " repeated: after an 'l' comes 'l', 'o'
    // or 'd', so the cell must remember what came before.
    let seed = nma_harness::seed();
    let text: Vec<char> = "hello world, ".chars().collect();
    let mut vocab = text.clone();
    vocab.sort_unstable();
    vocab.dedup();
    let id = |ch: char| vocab.iter().position(|&v| v == ch).unwrap();
    let (v, hid, steps, period) = (vocab.len(), 24, 12, text.len());
    let mut rng = Rng::new(seed);
    let mut uniform = |shape: &[usize], scale: f32| {
        let n = shape.iter().product();
        Tensor::from_vec((0..n).map(|_| (2.0 * rng.uniform() - 1.0) * scale).collect(), shape).requires_grad()
    };
    let s = 1.0 / (hid as f32).sqrt();
    let (wi, wh, b) = (uniform(&[4 * hid, v], s), uniform(&[4 * hid, hid], s), uniform(&[4 * hid], s));
    let head = Linear::new(hid, v, seed.wrapping_add(1));
    let mut params = vec![wi.clone(), wh.clone(), b.clone()];
    params.extend(head.parameters());
    let mut opt = Adam::new(params, 0.02);
    // One sequence per starting offset: inputs at t, targets at t + 1.
    let column = |t: usize| (0..period).map(|s0| id(text[(s0 + t) % period])).collect::<Vec<_>>();
    let mut run = Training::new("final loss", 0.3, Goal::AtMost);
    let mut last = f32::NAN;
    for step in 0..120 {
        let (mut h, mut c) = (Tensor::zeros(&[period, hid]), Tensor::zeros(&[period, hid]));
        let mut total: Option<Tensor> = None;
        for t in 0..steps {
            let x = Tensor::one_hot(&column(t), v);
            let (h2, c2) = lstm_cell(&x, (&h, &c), &wi, &wh, &b);
            let loss = nn::cross_entropy(&head.forward(&h2), &column(t + 1));
            total = Some(match total {
                None => loss,
                Some(sum) => sum + loss,
            });
            (h, c) = (h2, c2);
        }
        let loss = total.unwrap() / steps as f32;
        opt.zero_grad();
        loss.backward();
        opt.step();
        last = loss.item();
        run.step(step, last);
    }
    run.finish(last as f64);
}
