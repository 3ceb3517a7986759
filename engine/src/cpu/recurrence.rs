//! The kernels of fused recurrent loops ([`Op::LstmLoop`](crate::ir::Op) and
//! its adjoint; the tape's layout is described in `nn/lstm_loop.rs`).
//!
//! Each time step is one matrix product with the recurrent weight (packed
//! once per run, for the packed kernel) and one pass over the batch's rows
//! doing the whole cell's arithmetic in registers, compiled for the widest
//! vectors the CPU has. Written here rather than composed from the
//! elementwise interpreter because that interpreter passes every block
//! through L1 once per instruction (~15 per cell), and each of them was a
//! node to build, differentiate and key, 32 times per step.

use std::cell::RefCell;
use std::ops::Range;

#[cfg(target_arch = "x86_64")]
use super::kernels::vector_width;
use super::kernels::{gather, widest_vectors, Slots, EXP2_TAYLOR};
use super::packed::{self, BSource};
use super::pool;
use super::strided::Strided;
use crate::ir::LSTM_TAPE_PARTS;

thread_local! {
    /// The recurrent weight packed for the packed kernel (by the calling thread).
    static PACKED_W: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// The adjoint's per-row state (incoming gradient, dh, dc), on each thread.
    static ROW_STATE: RefCell<[Vec<f32>; 3]> = const { RefCell::new([Vec::new(), Vec::new(), Vec::new()]) };
}

/// Loops at least this large (steps × batch × hidden) run their two halves
/// of batch rows on two threads.
const PARALLEL_MIN: usize = 1 << 14;

/// The tape or output, written by both halves at once (disjoint rows).
#[derive(Clone, Copy)]
struct Shared(*mut f32);
// SAFETY: the two halves write disjoint rows, and the caller waits for both.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

impl Shared {
    /// (A method, so closures capture the `Shared`, not the bare pointer.)
    fn at(self, offset: usize) -> *mut f32 {
        self.0.wrapping_add(offset)
    }
}

/// Runs `f` on the batch rows `0..batch`: each row's recurrence is
/// independent of the others', so on two threads each takes half the rows
/// and they never wait for each other; on one, `f` takes them all at once
/// (each step's product then reads the weight once for all rows). Row
/// groups are the same either way ([`bias_groups`]), so the bias
/// gradient's two partial sums (and so the bits) are too.
fn by_rows(d: &Dims, f: &(dyn Fn(Range<usize>) + Sync)) {
    if pool::threads() >= 2 && d.batch >= 2 && d.steps * d.batch * d.hidden >= PARALLEL_MIN {
        pool::run_parts(halves(d.batch), f);
    } else {
        f(0..d.batch);
    }
}

/// The two halves of the batch rows `0..batch`: the rows each thread takes
/// on two threads, and the bias gradient's partial sums on one or two.
fn halves(batch: usize) -> [Range<usize>; 2] {
    let mid = batch / 2;
    [0..mid, mid..batch]
}

/// The halves of the batch rows that fall in `rows` (one or two): each
/// sums its own part of the bias gradient, whichever thread runs it.
fn bias_groups(batch: usize, rows: Range<usize>) -> impl Iterator<Item = Range<usize>> {
    halves(batch)
        .into_iter()
        .map(move |half| half.start.max(rows.start)..half.end.min(rows.end))
        .filter(|g| !g.is_empty())
}

/// Sizes of a loop: steps, batch rows, hidden units; and its direction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dims {
    pub steps: usize,
    pub batch: usize,
    pub hidden: usize,
    pub reverse: bool,
}

impl Dims {
    /// Steps in the order the forward loop runs them, each with the slot it
    /// writes and the slot of its previous state.
    fn order(&self) -> impl DoubleEndedIterator<Item = (usize, usize, usize)> {
        let reverse = self.reverse;
        let steps = self.steps;
        (0..steps).map(move |k| {
            let t = if reverse { steps - 1 - k } else { k };
            if reverse {
                (t, t, t + 1)
            } else {
                (t, t + 1, t)
            }
        })
    }

    /// The tape's slot holding the initial state.
    fn initial_slot(&self) -> usize {
        if self.reverse {
            self.steps
        } else {
            0
        }
    }

    /// Floats per row of the tape.
    fn tape_row(&self) -> usize {
        LSTM_TAPE_PARTS * self.hidden
    }
}

/// The forward loop: slots of `xw` `[T, B, 4H]`, the bias `[4H]`, `w_hh`
/// `[4H, H]`, `h0`, `c0` `[B, H]` (all read in order); writes the tape.
#[derive(Clone, Debug)]
pub(crate) struct LstmLoop {
    pub dims: Dims,
    pub xw: usize,
    pub bias: usize,
    pub w: usize,
    pub h0: usize,
    pub c0: usize,
}

/// The adjoint: the tape's gradient (slot and view), the tape, `w_hh`;
/// writes `[T + 2, B, 4H]` (see `nn/lstm_loop.rs`), the initial state's
/// gradients only if `initial_state` (else zeros there).
#[derive(Clone, Debug)]
pub(crate) struct LstmLoopBackward {
    pub dims: Dims,
    pub dtape: usize,
    pub dtape_view: Strided,
    pub tape: usize,
    pub w: usize,
    pub initial_state: bool,
}

/// `C = A·W` for one step, with W `k × n` at `strides` in `w`: on the packed
/// kernel from `packed` (the whole W, packed by the caller once per run), else
/// `matrixmultiply`. A is `m × k` with row stride `a_row`, C row-major with
/// row stride `c_row`.
#[allow(clippy::too_many_arguments)]
fn step_product(
    w: &[f32],
    strides: (isize, isize),
    (m, k, n): (usize, usize, usize),
    packed_w: Option<&[f32]>,
    a: *const f32,
    a_row: isize,
    c: *mut f32,
    c_row: isize,
) {
    match packed_w {
        // SAFETY: `packed` is on (checked by the caller), the packed W holds
        // `packed_len(k, n)` floats, and A and C are rows of the caller's
        // buffers with the sizes given (C disjoint from A).
        Some(p) => unsafe {
            packed::product(m, n, k, a, (a_row, 1), BSource::Packed(p.as_ptr()), c, c_row, packed::Finish::Overwrite, 0..n.div_ceil(packed::NR))
        },
        // SAFETY: as above; W covers `k × n` at `strides` (checked by the caller).
        None => unsafe {
            matrixmultiply::sgemm(m, k, n, 1.0, a, a_row, 1, w.as_ptr(), strides.0, strides.1, 0.0, c, c_row, 1)
        },
    }
}

/// W packed for the packed kernel into `buf` when that kernel runs.
fn packed_weight<'a>(w: &[f32], strides: (isize, isize), k: usize, n: usize, buf: &'a mut Vec<f32>) -> Option<&'a [f32]> {
    if !packed::enabled() {
        return None;
    }
    buf.resize(packed::packed_len(k, n), 0.0);
    packed::pack(w, 0, strides, k, n, buf);
    Some(buf)
}

/// `a · b + c`: one FMA on the vector paths (`FMA`), a multiply and an add
/// on the baseline (see `widest_vectors!`'s `fma` form).
#[inline(always)]
fn madd<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// `2^t` for the cells' activations, which need neither subnormals nor
/// infinities: `t` is held to `[-125, 126]` (sigmoid and tanh are then
/// already 0, ±1 or 1 to within f32), the polynomial of
/// [`exp2`](super::kernels::exp2) is evaluated with FMAs, and `2^n` is one
/// normal float. Half the vector instructions of the elementwise `exp2`,
/// whose special cases the cells never reach; within 2 ulp of `f32::exp2`
/// (tested). NaN stays NaN, through the clamp and the product.
#[inline(always)]
pub(super) fn cell_exp2<const FMA: bool>(t: f32) -> f32 {
    const C: [f32; 8] = EXP2_TAYLOR;
    // Written so that a NaN fails both comparisons and stays (x86's max and
    // min with t second do just that, one instruction each).
    let t = if -125.0 > t { -125.0 } else { t };
    let t = if 126.0 < t { 126.0 } else { t };
    // Round to the nearest integer by adding 1.5·2^23 (see `exp2`).
    const SHIFT: f32 = 12_582_912.0;
    let shifted = t + SHIFT;
    let f = t - (shifted - SHIFT);
    let mut p = C[7];
    for &c in C[..7].iter().rev() {
        p = madd::<FMA>(p, f, c);
    }
    // 2^n with n = shifted's low bits, whose exponent field is n + 127.
    let biased = (shifted.to_bits() as i32).wrapping_sub(SHIFT.to_bits() as i32 - 127);
    p * f32::from_bits((biased as u32) << 23)
}

#[inline(always)]
pub(super) fn sigmoid<const FMA: bool>(x: f32) -> f32 {
    1.0 / (1.0 + cell_exp2::<FMA>(x * -std::f32::consts::LOG2_E))
}

#[inline(always)]
pub(super) fn tanh<const FMA: bool>(x: f32) -> f32 {
    2.0 / (1.0 + cell_exp2::<FMA>(x * (-2.0 * std::f32::consts::LOG2_E))) - 1.0
}

impl LstmLoop {
    pub(crate) fn run(&self, slots: &impl Slots, tape: &mut [f32]) {
        let d = self.dims;
        let (b, h) = (d.batch, d.hidden);
        let row = d.tape_row();
        let (xw, bias, w) = (slots.get(self.xw), slots.get(self.bias), slots.get(self.w));
        let (h0, c0) = (slots.get(self.h0), slots.get(self.c0));
        assert!(
            xw.len() == d.steps * b * 4 * h
                && bias.len() == 4 * h
                && w.len() == 4 * h * h
                && h0.len() == b * h
                && c0.len() == b * h,
            "internal error: an LSTM loop's inputs have the wrong sizes"
        );
        assert_eq!(tape.len(), (d.steps + 1) * b * row, "internal error: an LSTM tape has the wrong size");
        // The initial state's slot: h0, c0, and no gates.
        let first = d.initial_slot();
        for r in 0..b {
            let at = (first * b + r) * row;
            tape[at..at + h].copy_from_slice(&h0[r * h..(r + 1) * h]);
            tape[at + h..at + 2 * h].copy_from_slice(&c0[r * h..(r + 1) * h]);
            tape[at + 2 * h..at + row].fill(0.0);
        }
        // Wᵀ (`H × 4H`, W read column by column) is B of every step's product.
        let w_t = (1, h as isize);
        // From a zero state (the usual h0) the first step's product is zero: each
        // sum starts at +0 and adds only ±0. So it is skipped, which changes no bit,
        // unless W holds an infinity or NaN, whose product with 0 is NaN.
        let zero_start = h0.iter().all(|&x| x == 0.0) && all_finite(w);
        let tape = Shared(tape.as_mut_ptr());
        PACKED_W.with(|buf| {
            let mut buf = buf.borrow_mut();
            let packed_w = packed_weight(w, w_t, h, 4 * h, &mut buf);
            by_rows(&d, &|rows| {
                let (r0, m) = (rows.start, rows.len());
                if m == 0 {
                    return;
                }
                let at = |slot: usize| (slot * b + r0) * row;
                for (n, (t, out, prev)) in d.order().enumerate() {
                    // SAFETY: these rows of slots `prev` and `out` are
                    // inside the tape, disjoint (different slots), and
                    // written by no other half (different rows).
                    let (prev_rows, out_rows) = unsafe {
                        let a = tape.at(at(prev));
                        let c = tape.at(at(out));
                        if n == 0 && zero_start {
                            for r in 0..m {
                                std::slice::from_raw_parts_mut(c.add(r * row + 2 * h), 4 * h).fill(0.0);
                            }
                        } else {
                            step_product(w, w_t, (m, h, 4 * h), packed_w, a, row as isize, c.add(2 * h), row as isize);
                        }
                        (std::slice::from_raw_parts(a, m * row), std::slice::from_raw_parts_mut(c, m * row))
                    };
                    let x = &xw[(t * b + r0) * 4 * h..(t * b + r0 + m) * 4 * h];
                    lstm_cell(x, bias, prev_rows, out_rows, h);
                }
            });
        });
    }
}

/// Whether no value of `x` is infinite or NaN: the largest exponent field
/// (a reduction the compiler vectorises, unlike a loop that stops early).
fn all_finite(x: &[f32]) -> bool {
    const EXPONENT: u32 = 0x7f80_0000;
    x.iter().fold(0, |most, v| most.max(v.to_bits() & EXPONENT)) != EXPONENT
}

widest_vectors!(fma
    /// One step's cell over all batch rows: `out`'s gate columns hold
    /// `h_prev·W_hhᵀ`; adds `xw` and the bias, applies the activations and writes h, c.
    fn lstm_cell(xw: &[f32], bias: &[f32], prev: &[f32], out: &mut [f32], h: usize) => lstm_cell_loops
);

/// Lanes a cell's arithmetic works on at once: the values are gathered into
/// local arrays first, so that LLVM, which cannot tell the tape's row
/// slices apart, sees no aliasing and vectorises the arithmetic.
const LANES: usize = 16;

/// The units `j..j + n` of a row slice as an array of [`LANES`] (`n ≤ LANES`;
/// the rest 0). `FULL` (`n == LANES`) is a constant, so a whole chunk's
/// code has no branch on `n` for LLVM to keep or not: left to it, the same
/// source compiled into code 50% slower in one build of the crate than in
/// the next (the LSTM's adjoint, measured).
#[inline(always)]
fn load<const FULL: bool>(s: &[f32], j: usize, n: usize) -> [f32; LANES] {
    if FULL {
        return s[j..j + LANES].try_into().expect("LANES floats");
    }
    let mut v = [0.0; LANES];
    v[..n].copy_from_slice(&s[j..j + n]);
    v
}

#[inline(always)]
fn store<const FULL: bool>(s: &mut [f32], j: usize, n: usize, v: &[f32; LANES]) {
    if FULL {
        let to: &mut [f32; LANES] = (&mut s[j..j + LANES]).try_into().expect("LANES floats");
        *to = *v;
        return;
    }
    s[j..j + n].copy_from_slice(&v[..n]);
}

#[inline(always)]
fn lstm_cell_loops<const FMA: bool>(xw: &[f32], bias: &[f32], prev: &[f32], out: &mut [f32], h: usize) {
    let row = LSTM_TAPE_PARTS * h;
    for ((x, p), o) in xw.chunks_exact(4 * h).zip(prev.chunks_exact(row)).zip(out.chunks_exact_mut(row)) {
        for j in (0..h).step_by(LANES) {
            let n = LANES.min(h - j);
            if n == LANES {
                cell_chunk::<true, FMA>(x, bias, p, o, h, j, n);
            } else {
                cell_chunk::<false, FMA>(x, bias, p, o, h, j, n);
            }
        }
    }
}

/// Units `j..j + n` of one row of the cell (see [`load`] for `FULL`).
#[inline(always)]
fn cell_chunk<const FULL: bool, const FMA: bool>(x: &[f32], bias: &[f32], p: &[f32], o: &mut [f32], h: usize, j: usize, n: usize) {
    let mut gates = [[0.0; LANES]; 4];
    for (k, gate) in gates.iter_mut().enumerate() {
        let (pre, x, b) = (load::<FULL>(o, (2 + k) * h + j, n), load::<FULL>(x, k * h + j, n), load::<FULL>(bias, k * h + j, n));
        for l in 0..LANES {
            gate[l] = pre[l] + x[l] + b[l];
        }
    }
    let c_prev = load::<FULL>(p, h + j, n);
    let (mut hh, mut cc, mut tc) = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
    for l in 0..LANES {
        let i = sigmoid::<FMA>(gates[0][l]);
        let f = sigmoid::<FMA>(gates[1][l]);
        let g = tanh::<FMA>(gates[2][l]);
        let o = sigmoid::<FMA>(gates[3][l]);
        cc[l] = madd::<FMA>(f, c_prev[l], i * g);
        tc[l] = tanh::<FMA>(cc[l]);
        hh[l] = o * tc[l];
        gates[0][l] = i;
        gates[1][l] = f;
        gates[2][l] = g;
        gates[3][l] = o;
    }
    store::<FULL>(o, j, n, &hh);
    store::<FULL>(o, h + j, n, &cc);
    store::<FULL>(o, 6 * h + j, n, &tc);
    for (k, gate) in gates.iter().enumerate() {
        store::<FULL>(o, (2 + k) * h + j, n, gate);
    }
}

impl LstmLoopBackward {
    pub(crate) fn run(&self, slots: &impl Slots, out: &mut [f32]) {
        let d = self.dims;
        let (b, h) = (d.batch, d.hidden);
        let row = d.tape_row();
        let (dtape, tape, w) = (slots.get(self.dtape), slots.get(self.tape), slots.get(self.w));
        assert!(
            tape.len() == (d.steps + 1) * b * row && w.len() == 4 * h * h && out.len() == (d.steps + 2) * b * 4 * h,
            "internal error: an LSTM loop's adjoint has the wrong sizes"
        );
        // The last slot: the bias gradient's partial sums land in the first
        // row of each half, and are added in row 0 at the end.
        let last = d.steps + 1;
        out[last * b * 4 * h..].fill(0.0);
        // W (`4H × H`, row-major) is B of every step's product dgates·W.
        let w_rows = (h as isize, 1);
        let gates = 4 * h;
        let shared = Shared(out.as_mut_ptr());
        let initial_slot = d.initial_slot();
        PACKED_W.with(|buf| {
            let mut buf = buf.borrow_mut();
            let packed_w = packed_weight(w, w_rows, 4 * h, h, &mut buf);
            by_rows(&d, &|rows| {
                let (r0, m) = (rows.start, rows.len());
                if m == 0 {
                    return;
                }
                // SAFETY: each thread writes only its own rows of each slot,
                // inside `out`; nobody else touches `out` until both are done.
                let rows_of = |slot: usize, rows: Range<usize>| unsafe {
                    std::slice::from_raw_parts_mut(shared.at((slot * b + rows.start) * gates), rows.len() * gates)
                };
                ROW_STATE.with(|state| {
                    let [incoming, dh, dc] = &mut *state.borrow_mut();
                    // Gradients reaching the state from later steps.
                    for v in [&mut *dh, &mut *dc] {
                        v.clear();
                        v.resize(m * h, 0.0);
                    }
                    incoming.resize(m * 2 * h, 0.0);
                    for (t, slot, prev) in d.order().rev() {
                        let arrived = self.incoming(dtape, slot, rows.clone(), incoming);
                        for group in bias_groups(b, rows.clone()) {
                            // This group's rows of the tape and of the rows' state.
                            let (g0, gm) = (group.start - r0, group.len());
                            let tape_rows = |s: usize| &tape[(s * b + group.start) * row..(s * b + group.end) * row];
                            lstm_cell_backward(&mut BackwardStep {
                                incoming: arrived.then_some(&incoming[g0 * 2 * h..(g0 + gm) * 2 * h]),
                                rows: tape_rows(slot),
                                prev: tape_rows(prev),
                                dh: &mut dh[g0 * h..(g0 + gm) * h],
                                dc: &mut dc[g0 * h..(g0 + gm) * h],
                                dgates: rows_of(t, group.clone()),
                                dbias: &mut rows_of(last, group.start..group.start + 1)[..],
                                h,
                            });
                        }
                        // dh for the previous step: dgates · W (none wanted before the first).
                        if prev == initial_slot && !self.initial_state {
                            continue;
                        }
                        let dgates = rows_of(t, rows.clone());
                        step_product(w, w_rows, (m, 4 * h, h), packed_w, dgates.as_ptr(), gates as isize, dh.as_mut_ptr(), h as isize);
                    }
                    // The initial state's gradients: dh0 | dc0 | zeros.
                    let initial = rows_of(d.steps, rows.clone());
                    for r in 0..m {
                        let o = &mut initial[r * gates..(r + 1) * gates];
                        if self.initial_state {
                            o[..h].copy_from_slice(&dh[r * h..(r + 1) * h]);
                            o[h..2 * h].copy_from_slice(&dc[r * h..(r + 1) * h]);
                            o[2 * h..].fill(0.0);
                        } else {
                            o.fill(0.0);
                        }
                    }
                });
            });
        });
        let mid = b / 2;
        if mid > 0 {
            let (first, second) = out[last * b * gates..].split_at_mut(mid * gates);
            for (x, y) in first[..gates].iter_mut().zip(&mut second[..gates]) {
                *x += *y;
                *y = 0.0;
            }
        }
    }

    /// The tape gradient's h and c columns of `slot` for `rows` (`[rows, 2H]`)
    /// into `buf`; false (and nothing read) when the view has no data there
    /// (the usual case: only the final state or only some steps are used).
    fn incoming(&self, dtape: &[f32], slot: usize, rows: Range<usize>, buf: &mut [f32]) -> bool {
        let v = &self.dtape_view;
        let (b, h) = (self.dims.batch, self.dims.hidden);
        if let Some(valid) = &v.valid {
            // A shortcut only: reading through the padding would give zeros.
            let (lo, hi) = valid[0];
            if slot < lo || slot >= hi {
                return false;
            }
        }
        let row = self.dims.tape_row();
        for (k, r) in rows.enumerate() {
            gather(dtape, v, (slot * b + r) * row, &mut buf[k * 2 * h..(k + 1) * 2 * h]);
        }
        true
    }
}

/// One step of the adjoint over a half's batch rows: `incoming` (the tape
/// gradient's h and c columns, if any) plus `dh`, `dc` (from the next step)
/// give the gate pre-activations' gradients `dgates`, which are also added
/// into `dbias`; `dc` becomes the gradient of the previous cell state (`dh`
/// is the caller's). `rows` and `prev` are the step's and the previous
/// state's tape rows.
struct BackwardStep<'a> {
    incoming: Option<&'a [f32]>,
    rows: &'a [f32],
    prev: &'a [f32],
    dh: &'a mut [f32],
    dc: &'a mut [f32],
    dgates: &'a mut [f32],
    dbias: &'a mut [f32],
    h: usize,
}

widest_vectors!(fn lstm_cell_backward(step: &mut BackwardStep<'_>) => lstm_cell_backward_loops);

#[inline(always)]
fn lstm_cell_backward_loops(step: &mut BackwardStep<'_>) {
    let h = step.h;
    let row = LSTM_TAPE_PARTS * h;
    for r in 0..step.rows.len() / row {
        for j in (0..h).step_by(LANES) {
            let n = LANES.min(h - j);
            if n == LANES {
                cell_backward_chunk::<true>(step, r, j, n);
            } else {
                cell_backward_chunk::<false>(step, r, j, n);
            }
        }
    }
}

/// Units `j..j + n` of row `r` of the cell's adjoint (see [`load`] for `FULL`).
#[inline(always)]
fn cell_backward_chunk<const FULL: bool>(step: &mut BackwardStep<'_>, r: usize, j: usize, n: usize) {
    let BackwardStep { incoming, rows, prev, dh, dc, dgates, dbias, h } = step;
    let (incoming, rows, prev, h) = (*incoming, *rows, *prev, *h);
    let row = LSTM_TAPE_PARTS * h;
    let (t, p) = (&rows[r * row..(r + 1) * row], &prev[r * row..(r + 1) * row]);
    let (dh, dc) = (&mut dh[r * h..(r + 1) * h], &mut dc[r * h..(r + 1) * h]);
    let dgates = &mut dgates[r * 4 * h..(r + 1) * 4 * h];
    let (mut dhv, mut dcv) = (load::<FULL>(dh, j, n), load::<FULL>(dc, j, n));
    if let Some(inc) = incoming {
        let inc = &inc[r * 2 * h..(r + 1) * 2 * h];
        let (ih, ic) = (load::<FULL>(inc, j, n), load::<FULL>(inc, h + j, n));
        for l in 0..LANES {
            dhv[l] += ih[l];
            dcv[l] += ic[l];
        }
    }
    let (tanh_c, c_prev) = (load::<FULL>(t, 6 * h + j, n), load::<FULL>(p, h + j, n));
    let (i, f) = (load::<FULL>(t, 2 * h + j, n), load::<FULL>(t, 3 * h + j, n));
    let (g, o) = (load::<FULL>(t, 4 * h + j, n), load::<FULL>(t, 5 * h + j, n));
    let mut d = [[0.0; LANES]; 4];
    for l in 0..LANES {
        let tc = tanh_c[l];
        let dcl = dcv[l] + dhv[l] * o[l] * (1.0 - tc * tc);
        d[0][l] = dcl * g[l] * i[l] * (1.0 - i[l]);
        d[1][l] = dcl * c_prev[l] * f[l] * (1.0 - f[l]);
        d[2][l] = dcl * i[l] * (1.0 - g[l] * g[l]);
        d[3][l] = dhv[l] * tc * o[l] * (1.0 - o[l]);
        dcv[l] = dcl * f[l];
    }
    store::<FULL>(dc, j, n, &dcv);
    for (k, dk) in d.iter().enumerate() {
        store::<FULL>(dgates, k * h + j, n, dk);
        let mut sum = load::<FULL>(dbias, k * h + j, n);
        for l in 0..LANES {
            sum[l] += dk[l];
        }
        store::<FULL>(dbias, k * h + j, n, &sum);
    }
}
