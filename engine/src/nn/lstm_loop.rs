//! An LSTM layer's time loop as one operator ([`Op::LstmLoop`]), for the
//! CPU backend: one node and one kernel per layer and direction instead of
//! ~15 nodes and ~12 kernels per time step. The cell's arithmetic stays in
//! registers, the recurrent weight is packed once, and the step graph
//! is not rebuilt, differentiated and keyed 32 times per training step.
//!
//! Other backends (luminal's interpreter, CUDA) never see this operator:
//! [`fused_operators_here`](crate::realize::fused_operators_here) is false
//! there, and the layer unrolls its cells.
//!
//! # The tape
//!
//! The operator's output is everything its adjoint needs, `[T + 1, B, 7H]`
//! ([`LSTM_TAPE_PARTS`]): time slot `s`, batch row `b` holds `h | c | i f g
//! o | tanh c` (the gates after their activations, and the `tanh c` that
//! made `h`, which the adjoint would otherwise compute again: an
//! exponential and a division per unit; zero in the initial state's slot).
//! Step `t` writes slot `t + 1` and reads its previous state from slot `t`; a reverse
//! loop (the backward direction of a bidirectional layer) runs `t` from
//! `T - 1` down to 0, writes slot `t` and reads slot `t + 1`. The initial
//! state sits in the remaining slot (0, or `T` in reverse). Time-major, so
//! the hidden states of all steps are one `[T·B, H]` matrix with row stride
//! `7H` that a product reads in place (the next layer's input projection,
//! the weight gradient).
//!
//! # The adjoint
//!
//! [`Op::LstmLoopBackward`] runs the loop backwards and writes `[T + 2, B,
//! 4H]`: the gradient of every step's gate pre-activations (slots `0..T`,
//! which is the gradient of the `xw` input as it is), then `dh0 | dc0 | 0 | 0`
//! per batch row, then the bias's gradient (their sum over steps and rows,
//! so no reduction ever reads the sliced `[T, B, 4H]` view — a reduction of
//! a sliced view would first copy it) in row 0 of the last slot. The
//! rest is built from ordinary operators: the weights' gradients
//! `Σ_t dgatesₜᵀ · [hₜ₋₁ | xₜ]`, `W_hh`'s and `W_ih`'s side by side, as one
//! product with K = T·B, and the input's `dgates · W_ih`. The loop's node
//! takes `x` and `W_ih` for that (besides `xw`, which its kernel reads), and
//! passes no gradient to `xw`.

use crate::ir::{Op, LSTM_TAPE_PARTS};
use crate::tensor::Tensor;

/// A layer's input projection `xw = x · W_ihᵀ` (`[T, B, 4H]`), with the `x`
/// (`[T, B, I]`) and `W_ih` (`[4H, I]`) it was made from.
pub(crate) struct InputProjection<'a> {
    pub xw: &'a Tensor,
    pub x: &'a Tensor,
    pub w_ih: &'a Tensor,
}

/// The tape of one LSTM layer direction from its input projection, `bias`
/// `[4H]` (`b_ih + b_hh`), `w_hh` `[4H, H]`, `h0`, `c0` `[B, H]` (shapes
/// checked by the caller). The node's inputs are `xw`, `bias`, `w_hh`, `h0`,
/// `c0`, which its kernel reads, then `x` and `W_ih`, which it does not: they
/// are there for [`adjoint`], which differentiates the projection itself, so
/// that `W_ih`'s gradient is one product with `W_hh`'s.
pub(crate) fn lstm_loop(input: InputProjection, bias: &Tensor, w_hh: &Tensor, h0: &Tensor, c0: &Tensor, reverse: bool) -> Tensor {
    let s = input.xw.shape();
    let (t, b, h) = (s[0], s[1], s[2] / 4);
    let mut inputs = [input.xw, bias, w_hh, h0, c0].map(Tensor::contiguous).to_vec();
    inputs.extend([input.x.clone(), input.w_ih.clone()]);
    Tensor::from_op(Op::LstmLoop { reverse }, inputs, vec![t + 1, b, LSTM_TAPE_PARTS * h])
}

/// The first of the consecutive slots holding the steps' outputs (`out`) or
/// their previous states (not `out`), in step order.
fn first_slot(out: bool, reverse: bool) -> usize {
    (out != reverse) as usize
}

/// Column range `k` of the tape's rows: 0 = h, 1 = c.
fn part(tape: &Tensor, k: usize) -> Tensor {
    let h = tape.shape()[2] / LSTM_TAPE_PARTS;
    tape.slice(2, k * h, (k + 1) * h)
}

/// The hidden states of all steps, `[T, B, H]` in step order (a view).
pub(crate) fn hidden_states(tape: &Tensor, reverse: bool) -> Tensor {
    let steps = tape.shape()[0] - 1;
    let first = first_slot(true, reverse);
    part(tape, 0).slice(0, first, first + steps)
}

/// The final `h` (`k = 0`) or `c` (`k = 1`), `[B, H]` (a view).
pub(crate) fn final_state(tape: &Tensor, reverse: bool, k: usize) -> Tensor {
    let steps = tape.shape()[0] - 1;
    let last = if reverse { 0 } else { steps };
    part(tape, k).slice(0, last, last + 1).squeeze(0)
}

/// Gradients of the inputs of an `LstmLoop` node (`xw`, `bias`, `w_hh`, `h0`,
/// `c0`, `x`, `w_ih`; see [`lstm_loop`]) given `g`, the gradient of its
/// tape; `None` where not wanted, and always for `xw`, whose gradient goes
/// to `x` and `w_ih` here.
pub(crate) fn adjoint(inputs: &[Tensor], tape: Tensor, g: &Tensor, reverse: bool, wanted: &[bool]) -> Vec<Option<Tensor>> {
    let shape = tape.shape();
    let (steps, batch, h) = (shape[0] - 1, shape[1], shape[2] / LSTM_TAPE_PARTS);
    let (w_hh, x, w_ih) = (&inputs[2], &inputs[5], &inputs[6]);
    let want = |i: usize| wanted.get(i).copied().unwrap_or(false);
    let d = Tensor::from_op(
        Op::LstmLoopBackward { reverse, initial_state: want(3) || want(4) },
        vec![g.clone(), tape.clone(), w_hh.clone()],
        vec![steps + 2, batch, 4 * h],
    );
    let dgates = d.slice(0, 0, steps);
    // The hidden state each step starts from, `[T, B, H]` in step order (a view of the tape).
    let prev_first = first_slot(false, reverse);
    let h_prev = part(&tape, 0).slice(0, prev_first, prev_first + steps);
    // Σ over steps and batch rows of dgatesᵀ · b: one product with K = T·B.
    let weight_gradient = |b: &Tensor| dgates.permute(&[0, 2, 1]).matmul(b).sum_dim(0, false);
    let (dw_hh, dw_ih) = match (want(2), want(6)) {
        // Both weights' gradients as one product with N = H + I: A (dgatesᵀ,
        // the largest operand) is read and packed once, and W_ih's few
        // columns ride in the same tiles (AVX2, one thread: 2.0 → 1.8 ms).
        (true, true) => {
            let both = weight_gradient(&Tensor::cat(&[&h_prev, x], 2));
            (Some(both.slice(1, 0, h)), Some(both.slice(1, h, both.shape()[1])))
        }
        (true, false) => (Some(weight_gradient(&h_prev)), None),
        (false, true) => (None, Some(weight_gradient(x))),
        (false, false) => (None, None),
    };
    let initial = d.slice(0, steps, steps + 1).squeeze(0);
    let dbias = d.slice(0, steps + 1, steps + 2).squeeze(0).slice(0, 0, 1).squeeze(0);
    vec![
        None,
        want(1).then_some(dbias),
        dw_hh,
        want(3).then(|| initial.slice(1, 0, h)),
        want(4).then(|| initial.slice(1, h, 2 * h)),
        want(5).then(|| dgates.matmul(w_ih)),
        dw_ih,
    ]
}
