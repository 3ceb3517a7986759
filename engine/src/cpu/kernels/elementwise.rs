//! Fused elementwise kernels: a short program of instructions run chunk by
//! chunk over the output, on the widest vectors the CPU has.

use super::*;

/// One instruction of a fused elementwise kernel. Instruction `i` writes register `i`.
#[derive(Clone, Debug)]
pub(crate) enum Instr {
    /// Read a materialized value through a (coalesced) view.
    Load { slot: usize, view: Strided },
    Const(f32),
    Unary(Op, usize),
    Binary(Op, Arg, Arg),
}

/// An operand of a binary instruction: a register or an immediate constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Arg {
    Reg(usize),
    Imm(f32),
}

/// A tree of elementwise operators evaluated in one pass over the output.
#[derive(Clone, Debug)]
pub(crate) struct Fused {
    pub instrs: Vec<Instr>,
}

/// [`run_fused`] over the whole of `out` in two halves on two threads (see
/// [`worth_splitting`]). `second` is the second thread's registers.
pub(crate) fn run_fused_parallel(
    f: &Fused,
    slots: &SharedSlots,
    out: &mut [f32],
    scratch: &mut Vec<f32>,
    second: &mut Vec<f32>,
) {
    // Split on a chunk boundary, so both halves see the same chunking.
    let mid = out.len() / 2 / CHUNK * CHUNK;
    let (a, b) = out.split_at_mut(mid);
    pool::run_parts([(a, 0, scratch), (b, mid, second)], &|(out, first, regs)| {
        run_fused(f, slots, out, first, regs)
    });
}

/// `2^f` for `|f| ≤ 1/2`: the Taylor coefficients `ln(2)^i / i!` to degree 7,
/// of [`exp2`] and of the LSTM cells' own (`recurrence::cell_exp2`).
pub(crate) const EXP2_TAYLOR: [f32; 8] = [
    1.0,
    std::f32::consts::LN_2,
    0.240_226_5,
    0.055_504_11,
    0.009_618_129,
    0.001_333_355_8,
    0.000_154_035_3,
    0.000_015_252_734,
];

/// `2^x` without a libm call, so that loops over it vectorise (sigmoids
/// and softmaxes spend most of their time here): `2^x = 2^n · 2^f` with
/// `n` the nearest integer to `x`, `2^f` for `|f| ≤ 1/2` by its Taylor series to degree 7
/// (truncation below 1e-8), and `2^n` built from exponent bits in two
/// halves so that no intermediate overflows. Relative error within a few
/// ulp of `f32::exp2` (tested); `inf`, `-inf` (0), overflow to `inf`,
/// underflow to 0 and NaN as `f32::exp2`.
#[inline(always)]
pub(crate) fn exp2(x: f32) -> f32 {
    const C: [f32; 8] = EXP2_TAYLOR;
    // Comparisons and selects only (no floor, which is a libm call without
    // SSE4.1): NaN falls through both and is put back at the end. (Not
    // `clamp`, whose NaN handling costs a branch per element.)
    #[allow(clippy::manual_clamp)]
    let xc = if x < -151.0 {
        -151.0
    } else if x > 129.0 {
        129.0
    } else {
        x
    };
    // Round to the nearest integer by adding 1.5·2^23: the integer lands in
    // the low mantissa bits.
    const SHIFT: f32 = 12_582_912.0;
    let t = xc + SHIFT;
    let n = t - SHIFT;
    let f = xc - n;
    let p = C[0] + f * (C[1] + f * (C[2] + f * (C[3] + f * (C[4] + f * (C[5] + f * (C[6] + f * C[7]))))));
    let n = (t.to_bits() as i32).wrapping_sub(SHIFT.to_bits() as i32);
    let (n1, n2) = (n >> 1, n.wrapping_sub(n >> 1));
    let s1 = f32::from_bits((n1.wrapping_add(127) as u32) << 23);
    let s2 = f32::from_bits((n2.wrapping_add(127) as u32) << 23);
    let r = p * s1 * s2;
    if x.is_nan() {
        x
    } else {
        r
    }
}

widest_vectors!(fn unary(op: Op, x: &[f32], y: &mut [f32]) => unary_loops);
widest_vectors!(fn binary(op: Op, a: Operand, b: Operand, y: &mut [f32]) => binary_loops);

#[cfg(test)]
pub(crate) fn unary_baseline(op: Op, x: &[f32], y: &mut [f32]) {
    unary_loops(op, x, y)
}

#[cfg(test)]
pub(crate) fn unary_dispatched(op: Op, x: &[f32], y: &mut [f32]) {
    unary(op, x, y)
}

#[cfg(test)]
pub(crate) fn binary_baseline(op: Op, a: &[f32], b: &[f32], y: &mut [f32]) {
    binary_loops(op, Operand::Slice(a), Operand::Slice(b), y)
}

#[cfg(test)]
pub(crate) fn binary_dispatched(op: Op, a: &[f32], b: &[f32], y: &mut [f32]) {
    binary(op, Operand::Slice(a), Operand::Slice(b), y)
}

#[inline(always)]
fn unary_loops(op: Op, x: &[f32], y: &mut [f32]) {
    macro_rules! map {
        ($f:expr) => {
            for (y, &x) in y.iter_mut().zip(x) {
                *y = $f(x);
            }
        };
    }
    match op {
        Op::Log2 => map!(f32::log2),
        Op::Exp2 => map!(exp2),
        Op::Sin => map!(f32::sin),
        Op::Sqrt => map!(f32::sqrt),
        Op::Recip => map!(f32::recip),
        Op::Contiguous => y.copy_from_slice(x),
        other => unreachable!("{other:?} is not a unary operator"),
    }
}

#[inline(always)]
fn binary_loops(op: Op, a: Operand, b: Operand, y: &mut [f32]) {
    macro_rules! zip {
        ($f:expr) => {
            match (a, b) {
                (Operand::Slice(a), Operand::Slice(b)) => {
                    for ((y, &a), &b) in y.iter_mut().zip(a).zip(b) {
                        *y = $f(a, b);
                    }
                }
                (Operand::Slice(a), Operand::Scalar(b)) => {
                    for (y, &a) in y.iter_mut().zip(a) {
                        *y = $f(a, b);
                    }
                }
                (Operand::Scalar(a), Operand::Slice(b)) => {
                    for (y, &b) in y.iter_mut().zip(b) {
                        *y = $f(a, b);
                    }
                }
                (Operand::Scalar(a), Operand::Scalar(b)) => y.fill($f(a, b)),
            }
        };
    }
    match op {
        Op::Add => zip!(|a: f32, b: f32| a + b),
        Op::Mul => zip!(|a: f32, b: f32| a * b),
        Op::Mod => zip!(|a: f32, b: f32| a % b),
        Op::LessThan => zip!(|a: f32, b: f32| if a < b { 1.0 } else { 0.0 }),
        other => unreachable!("{other:?} is not a binary operator"),
    }
}

#[derive(Clone, Copy)]
enum Operand<'a> {
    Slice(&'a [f32]),
    Scalar(f32),
}

/// Evaluates `f` over `out`, `CHUNK` elements at a time; `out[0]` is
/// element `first` of the kernel's output (a part of it, when the output is
/// split between threads). `scratch` is reused between calls so kernels do
/// not allocate.
pub(crate) fn run_fused(f: &Fused, slots: &dyn Slots, out: &mut [f32], first: usize, scratch: &mut Vec<f32>) {
    let n_regs = f.instrs.len();
    if scratch.len() < n_regs * CHUNK {
        scratch.resize(n_regs * CHUNK, 0.0);
    }
    let root = n_regs - 1;
    let mut regs: Vec<*const f32> = vec![std::ptr::null(); n_regs];
    // Per register, whether it is all zeros in this chunk (a padded load
    // entirely outside its data: the adjoint of a slice, summed with others).
    let mut zero = vec![false; n_regs];
    debug_assert!(first.is_multiple_of(CHUNK), "a fused kernel's part starts inside a chunk");
    let mut start = 0;
    while start < out.len() {
        let len = CHUNK.min(out.len() - start);
        for (i, instr) in f.instrs.iter().enumerate() {
            // The root writes straight into the output; others into their register.
            let dst: &mut [f32] = if i == root {
                &mut out[start..start + len]
            } else {
                &mut scratch[i * CHUNK..i * CHUNK + len]
            };
            // SAFETY: registers point either into `scratch` rows other than
            // `dst`'s (every instruction reads only earlier registers) or into
            // input buffers that outlive this call; all have `len` elements.
            let reg = |r: usize| unsafe { std::slice::from_raw_parts(regs[r], len) };
            zero[i] = false;
            match instr {
                Instr::Load { slot, view }
                    if i != root
                        && view.valid.is_some()
                        && view.shape[view.ndim - 1] >= 64
                        && !any_valid(view, first + start, len) =>
                {
                    regs[i] = ZEROS.as_ptr();
                    zero[i] = true;
                    continue;
                }
                // x + 0 is x: alias (or copy) the other operand.
                Instr::Binary(Op::Add, Arg::Reg(a), Arg::Reg(b)) if zero[*a] || zero[*b] => {
                    let keep = if zero[*a] { *b } else { *a };
                    if i != root {
                        regs[i] = regs[keep];
                        zero[i] = zero[keep];
                        continue;
                    }
                    dst.copy_from_slice(reg(keep));
                }
                // A load whose every chunk reads the same values (a row
                // broadcast down the rows: layer norm's weight and bias,
                // `[1024, 64]/[0, 1]`) is gathered for the first chunk
                // only; its register row is its own. Chunks start at
                // multiples of CHUNK (`first` is one), so of the period too.
                Instr::Load { view, .. } if start > 0 && i != root && repeats_within_a_chunk(view) => continue,
                Instr::Load { slot, view } => {
                    let src = slots.get(*slot);
                    let contiguous =
                        view.ndim == 1 && view.strides[0] == 1 && view.valid.is_none();
                    if contiguous && i != root {
                        regs[i] = src[view.offset as usize + first + start..].as_ptr();
                        continue;
                    }
                    gather(src, view, first + start, dst);
                }
                Instr::Const(value) => dst.fill(*value),
                Instr::Unary(op, x) => unary(*op, reg(*x), dst),
                Instr::Binary(op, a, b) => {
                    let arg = |x: &Arg| match *x {
                        Arg::Reg(r) => Operand::Slice(reg(r)),
                        Arg::Imm(v) => Operand::Scalar(v),
                    };
                    binary(*op, arg(a), arg(b), dst)
                }
            }
            regs[i] = dst.as_ptr();
        }
        start += len;
    }
}

/// Whether the view `v` repeats with a period that divides [`CHUNK`]: its
/// leading axes are broadcasts (stride 0), the rest `CHUNK / k` elements,
/// and it is longer than a chunk.
fn repeats_within_a_chunk(v: &Strided) -> bool {
    if v.valid.is_some() {
        return false;
    }
    let dims = &v.shape[..v.ndim];
    let leading = v.strides[..v.ndim].iter().take_while(|&&s| s == 0).count();
    let period: usize = dims[leading..].iter().product();
    let total: usize = dims.iter().product();
    period > 0 && CHUNK.is_multiple_of(period) && total > CHUNK
}

/// Zeros, read by registers of padded loads that are all padding in a chunk.
static ZEROS: [f32; CHUNK] = [0.0; CHUNK];

/// Whether any of elements `start..start + len` of the padded view `v`
/// reads real data (not padding). Only asked for views with long rows, so
/// this visits few rows.
fn any_valid(v: &Strided, start: usize, len: usize) -> bool {
    let Some(valid) = &v.valid else { return true };
    let nd = v.ndim;
    let mut idx = v.index_of(start);
    let last = nd - 1;
    let row_len = v.shape[last];
    let mut seen = 0;
    while seen < len {
        let count = (row_len - idx[last]).min(len - seen);
        let row_ok = (0..last).all(|a| idx[a] >= valid[a].0 && idx[a] < valid[a].1);
        let (lo, hi) = valid[last];
        if row_ok && idx[last] + count > lo && idx[last] < hi {
            return true;
        }
        seen += count;
        idx[last] += count;
        let mut a = last;
        while idx[a] == v.shape[a] && a > 0 {
            idx[a] = 0;
            a -= 1;
            idx[a] += 1;
        }
    }
    false
}
