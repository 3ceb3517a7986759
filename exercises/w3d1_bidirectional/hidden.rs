use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

#[test]
fn matches_the_engine_on_other_sizes() {
    let rnn = Rnn::with_layers(3, 5, 1, true, 21);
    let x = Tensor::randn(&[3, 7, 3], 22);
    let want = rnn.forward(&x);
    assert_close(&bidirectional(rnn.cell(0, 0), rnn.cell(0, 1), &x), &[3, 7, 10], &want.to_vec(), 1e-5);
}

#[test]
fn a_single_step_reads_the_same_input_both_ways() {
    // One step: both cells read x₀ from h = 0.
    let (fwd, bwd) = (RnnCell::new(2, 3, 31), RnnCell::new(2, 3, 32));
    let x = Tensor::randn(&[2, 1, 2], 33);
    let x0 = x.reshape(&[2, 2]);
    let h = Tensor::zeros(&[2, 3]);
    let want = Tensor::cat(&[&fwd.step(&x0, &h), &bwd.step(&x0, &h)], 1);
    assert_close(&bidirectional(&fwd, &bwd, &x), &[2, 1, 6], &want.to_vec(), 1e-6);
}

#[test]
fn run_forward_matches_the_engine_rnn() {
    let rnn = Rnn::new(4, 6, 41);
    let x = Tensor::randn(&[2, 9, 4], 42);
    assert_close(&run_forward(rnn.cell(0, 0), &x), &[2, 9, 6], &rnn.forward(&x).to_vec(), 1e-5);
}
