use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

#[test]
fn gru_matches_the_engine_cell() {
    let (batch, inp, hid) = (5, 4, 7);
    let wi = Tensor::randn(&[3 * hid, inp], 31) * 0.6;
    let wh = Tensor::randn(&[3 * hid, hid], 32) * 0.6;
    let bi = Tensor::randn(&[3 * hid], 33);
    let bh = Tensor::randn(&[3 * hid], 34);
    let x = Tensor::randn(&[batch, inp], 35);
    let h = Tensor::randn(&[batch, hid], 36);
    let cell = GruCell::from_tensors(wi.detach(), wh.detach(), bi.detach(), bh.detach());
    let want = cell.step(&x, &h);
    assert_close(&gru_cell(&x, &h, &wi, &wh, &bi, &bh), &[batch, hid], &want.to_vec(), 1e-5);
}

#[test]
fn one_example_and_one_hidden_unit() {
    let cell = GruCell::new(2, 1, 7);
    let x = Tensor::from_vec(vec![0.3, -0.8], &[1, 2]);
    let h = Tensor::from_vec(vec![0.45], &[1, 1]);
    let want = cell.step(&x, &h);
    let got = gru_cell(&x, &h, cell.weight_ih(), cell.weight_hh(), cell.bias_ih(), cell.bias_hh());
    assert_close(&got, &[1, 1], &want.to_vec(), 1e-6);
}

/// `batch` random bits per step, for `len` steps.
fn bits(rng: &mut Rng, batch: usize, len: usize) -> Vec<Vec<usize>> {
    (0..len).map(|_| (0..batch).map(|_| rng.below(2)).collect()).collect()
}

#[test]
fn a_gru_remembers_a_bit_four_steps_back() {
    // Random bits in; at every step from the fourth on, the target is the bit seen four
    // steps earlier. Guessing gives 50%; only a cell whose state carries the bits (and
    // whose gradients reach its weights through time) does better.
    let seed = nma_harness::seed();
    let (hid, len, batch, delay, steps) = (16, 20, 32, 4, 100);
    let mut rng = Rng::new(seed);
    let s = 1.0 / (hid as f32).sqrt();
    let mut uniform = |shape: &[usize]| {
        let n = shape.iter().product();
        Tensor::from_vec((0..n).map(|_| (2.0 * rng.uniform() - 1.0) * s).collect(), shape).requires_grad()
    };
    let (wi, wh, bi, bh) = (uniform(&[3 * hid, 2]), uniform(&[3 * hid, hid]), uniform(&[3 * hid]), uniform(&[3 * hid]));
    let head = Linear::new(hid, 2, seed.wrapping_add(1));
    let mut params = vec![wi.clone(), wh.clone(), bi.clone(), bh.clone()];
    params.extend(head.parameters());
    let mut opt = Adam::new(params, 0.02);
    let mut data = Rng::new(seed.wrapping_add(50));
    let mut run = Training::new("recall accuracy", 0.9, Goal::AtLeast);
    for step in 0..steps {
        let xs = bits(&mut data, batch, len);
        let mut h = Tensor::zeros(&[batch, hid]);
        let mut total: Option<Tensor> = None;
        for t in 0..len {
            h = gru_cell(&Tensor::one_hot(&xs[t], 2), &h, &wi, &wh, &bi, &bh);
            if t >= delay {
                let loss = nn::cross_entropy(&head.forward(&h), &xs[t - delay]);
                total = Some(match total {
                    None => loss,
                    Some(sum) => sum + loss,
                });
            }
        }
        let loss = total.unwrap() / (len - delay) as f32;
        opt.zero_grad();
        loss.backward();
        opt.step();
        run.step(step, loss.item());
    }
    // Fresh sequences: the share of recalled bits.
    let n = 256;
    let xs = bits(&mut Rng::new(seed.wrapping_add(999)), n, len);
    let mut h = Tensor::zeros(&[n, hid]);
    let (mut right, mut total) = (0, 0);
    for t in 0..len {
        h = gru_cell(&Tensor::one_hot(&xs[t], 2), &h, &wi.detach(), &wh.detach(), &bi.detach(), &bh.detach());
        if t >= delay {
            let guess = head.forward(&h).argmax_dim(1);
            right += guess.iter().zip(&xs[t - delay]).filter(|(a, b)| a == b).count();
            total += n;
        }
    }
    run.finish(right as f64 / total as f64);
}
