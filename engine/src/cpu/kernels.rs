//! The CPU kernels a compiled program runs: fused elementwise loops, strided
//! reductions, and matrix products (our packed-panel or dot-product kernels
//! in `packed` where the CPU has AVX2 or AVX-512, else `matrixmultiply`'s sgemm),
//! split over the worker pool when large. Every kernel reads its inputs
//! through [`Strided`] views computed at compile time.

use crate::ir::Op;

use super::packed::{self, BSource};
use super::pool;
use super::simd;
use super::strided::Strided;

/// The widest vectors the kernels use, in floats: the elementwise loops are
/// compiled for the baseline x86-64 (SSE2, 4), AVX2 (8) and AVX-512 (16),
/// and [`simd::path`] picks one (the widest the CPU has, or `NMA_SIMD`'s).
/// The results are the same bits (Rust never contracts `a * b + c` into an
/// FMA by itself).
#[cfg(target_arch = "x86_64")]
pub(crate) fn vector_width() -> u8 {
    simd::path().width()
}

/// Defines `$name`, which runs `$inner` compiled for the widest vectors
/// this CPU has (see [`vector_width`]); `$inner` must be `#[inline(always)]`
/// so that its loops are compiled with each set of features.
macro_rules! widest_vectors {
    ($(#[$attr:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $inner:ident) => {
        $(#[$attr])*
        $vis fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f")]
                unsafe fn wide16($($arg: $ty),*) {
                    $inner($($arg),*)
                }
                #[target_feature(enable = "avx2")]
                unsafe fn wide8($($arg: $ty),*) {
                    $inner($($arg),*)
                }
                match vector_width() {
                    // SAFETY: the CPU has these features (checked by `vector_width`).
                    16 => return unsafe { wide16($($arg),*) },
                    8 => return unsafe { wide8($($arg),*) },
                    _ => {}
                }
            }
            $inner($($arg),*)
        }
    };
}
pub(crate) use widest_vectors;

/// Elements an elementwise kernel processes per instruction at a time: big
/// enough for tight (vectorised) loops, small enough that all registers stay in cache.
pub(crate) const CHUNK: usize = 1024;

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

/// Read access to the buffers of a running program.
pub(crate) trait Slots {
    fn get(&self, slot: usize) -> &[f32];
}

/// A program's buffers as plain pointers, so that two threads can read
/// them while each writes its own half of a kernel's output.
pub(crate) struct SharedSlots(pub Vec<(*const f32, usize)>);

// SAFETY: only read, while the program (which owns the buffers) waits for
// both threads; no buffer read by a kernel is written during it.
unsafe impl Sync for SharedSlots {}

impl Slots for SharedSlots {
    fn get(&self, slot: usize) -> &[f32] {
        let (ptr, len) = self.0[slot];
        assert!(!ptr.is_null(), "slot {slot} read before it was computed");
        // SAFETY: see the `Sync` impl; the pointer and length come from a live buffer.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

/// Outputs at least this long are computed by two threads (when enabled).
pub(crate) const PARALLEL_MIN_ELEMENTS: usize = 1 << 15;

/// Whether an output of `len` elements is split between two threads.
pub(crate) fn worth_splitting(len: usize) -> bool {
    pool::threads() > 1 && len >= PARALLEL_MIN_ELEMENTS
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

/// Copies elements `start..start + dst.len()` (row-major over `v`'s logical
/// shape) of the view `v` of `src` into `dst`.
pub(crate) fn gather(src: &[f32], v: &Strided, start: usize, dst: &mut [f32]) {
    let nd = v.ndim;
    let mut idx = [0usize; 6];
    let mut rest = start;
    for a in (0..nd).rev() {
        idx[a] = rest % v.shape[a];
        rest /= v.shape[a];
    }
    let last = nd - 1;
    let (row_len, step) = (v.shape[last], v.strides[last]);
    if step == 0 && row_len > 1 && nd > 1 && v.valid.is_none() {
        return gather_repeated(src, v, start, dst);
    }
    if row_len < 8 && nd > 1 && v.valid.is_none() {
        return gather_short_rows(src, v, idx, dst);
    }
    let mut written = 0;
    // The buffer offset of `idx`, kept in step with it.
    let mut base = v.offset_of(&idx[..nd]);
    while written < dst.len() {
        let count = (row_len - idx[last]).min(dst.len() - written);
        let out = &mut dst[written..written + count];
        match &v.valid {
            None => {
                if step == 1 {
                    let b = base as usize;
                    let from = &src[b..b + count];
                    if count <= 16 {
                        // Short rows: a call to memcpy costs more than the copy.
                        for (o, &x) in out.iter_mut().zip(from) {
                            *o = x;
                        }
                    } else {
                        out.copy_from_slice(from);
                    }
                } else if step == 0 {
                    out.fill(src[base as usize]);
                } else {
                    // Bounds checked once per row (indices are monotone along it).
                    let end = base + (count as isize - 1) * step;
                    assert!(base.min(end) >= 0 && (base.max(end) as usize) < src.len(), "strided read outside its buffer");
                    for (j, o) in out.iter_mut().enumerate() {
                        // SAFETY: between the row's first and last index, checked above.
                        *o = unsafe { *src.get_unchecked((base + j as isize * step) as usize) };
                    }
                }
            }
            Some(valid) => {
                let row_ok = (0..last).all(|a| idx[a] >= valid[a].0 && idx[a] < valid[a].1);
                // Zeros, except the valid span of this row segment.
                let (lo, hi) = valid[last];
                let from = lo.saturating_sub(idx[last]).min(count);
                let to = hi.saturating_sub(idx[last]).min(count).max(from);
                if !row_ok {
                    out.fill(0.0);
                } else if step == 1 {
                    out[..from].fill(0.0);
                    out[to..].fill(0.0);
                    if to > from {
                        let b = (base + from as isize) as usize;
                        out[from..to].copy_from_slice(&src[b..b + (to - from)]);
                    }
                } else {
                    out.fill(0.0);
                    for (j, o) in out.iter_mut().enumerate().take(to).skip(from) {
                        *o = src[(base + j as isize * step) as usize];
                    }
                }
            }
        }
        written += count;
        idx[last] += count;
        base += count as isize * step;
        let mut a = last;
        while idx[a] == v.shape[a] && a > 0 {
            base -= v.shape[a] as isize * v.strides[a];
            idx[a] = 0;
            a -= 1;
            idx[a] += 1;
            base += v.strides[a];
        }
    }
}

/// [`gather`] for views whose last axis is a broadcast (stride 0) of `r`
/// elements (a pooling window's gradient share, read once per tap): the
/// view without that axis is gathered, and each element written `r` times.
fn gather_repeated(src: &[f32], v: &Strided, start: usize, dst: &mut [f32]) {
    let r = v.shape[v.ndim - 1];
    let mut inner = *v;
    inner.ndim -= 1;
    let (first, skip) = (start / r, start % r);
    let count = (skip + dst.len()).div_ceil(r);
    let mut stack = [0.0f32; 512];
    let mut heap = Vec::new();
    let values: &mut [f32] = if count <= stack.len() {
        &mut stack[..count]
    } else {
        heap.resize(count, 0.0);
        &mut heap
    };
    gather(src, &inner, first, values);
    let (head, rest) = dst.split_at_mut((r - skip).min(dst.len()));
    head.fill(values[0]);
    if r == 2 {
        // The common 2×2 pooling window, without a loop per pair.
        let mut pairs = rest.chunks_exact_mut(2);
        for (pair, &x) in (&mut pairs).zip(&values[1..]) {
            pair[0] = x;
            pair[1] = x;
        }
        if let Some(o) = pairs.into_remainder().first_mut() {
            *o = values[count - 1];
        }
        return;
    }
    for (chunk, &x) in rest.chunks_mut(r).zip(&values[1..]) {
        chunk.fill(x);
    }
}

/// [`gather`] for views whose rows are short (a pooling window's broadcast
/// of 2): an element-by-element odometer that updates the offset
/// incrementally, instead of recomputing it for every few elements.
fn gather_short_rows(src: &[f32], v: &Strided, mut idx: [usize; 6], dst: &mut [f32]) {
    let nd = v.ndim;
    let last = nd - 1;
    let mut at = v.offset_of(&idx[..nd]);
    for o in dst.iter_mut() {
        *o = src[at as usize];
        let mut a = last;
        idx[a] += 1;
        at += v.strides[a];
        while idx[a] == v.shape[a] && a > 0 {
            at -= v.shape[a] as isize * v.strides[a];
            idx[a] = 0;
            a -= 1;
            idx[a] += 1;
            at += v.strides[a];
        }
    }
}

/// The terms of a [`sum_of_views`]: (slot, view, times added), and whether
/// the terms' boxes tile the output exactly (disjoint, covering it, each
/// added once: a concatenation), so each box is written, not added.
#[derive(Clone, Debug)]
pub(crate) struct SumOfViews {
    pub terms: Vec<(usize, Strided, f32)>,
    pub tiles: bool,
}

/// The box of positions where `v` reads data: per axis `lo..hi`.
pub(crate) fn data_box(v: &Strided) -> ([usize; 6], [usize; 6]) {
    let mut lo = [0usize; 6];
    let mut hi = [0usize; 6];
    for a in 0..v.ndim {
        let (l, h) = v.valid.map_or((0, v.shape[a]), |valid| valid[a]);
        lo[a] = l.min(v.shape[a]);
        hi[a] = h.min(v.shape[a]);
    }
    (lo, hi)
}

/// `out = Σ times · view` over the given views of the slots' buffers. Each
/// term is added over the box of positions where it reads data (padding
/// adds nothing), row by row along its last axis; when the boxes tile the
/// output they are copied instead. Otherwise the first unpadded term (if
/// any) is gathered straight into `out` and the rest added.
pub(crate) fn sum_of_views(sum: &SumOfViews, slots: &dyn Slots, out: &mut [f32]) {
    sum_of_views_part(sum, slots, out, None)
}

/// Whether [`sum_of_views_parallel`] splits this sum: a long output whose
/// terms share one shape, split along its outermost axis.
pub(crate) fn splits_sum_of_views(sum: &SumOfViews, len: usize) -> bool {
    let (_, v0, _) = &sum.terms[0];
    let same_shape = sum.terms.iter().all(|(_, v, _)| v.ndim == v0.ndim && v.shape[..v.ndim] == v0.shape[..v0.ndim]);
    worth_splitting(len) && same_shape && v0.shape[0] >= 2
}

/// [`sum_of_views`] in two halves of the outermost axis on two threads (see
/// [`splits_sum_of_views`]).
pub(crate) fn sum_of_views_parallel(sum: &SumOfViews, slots: &SharedSlots, out: &mut [f32]) {
    let rows = sum.terms[0].1.shape[0];
    let row_len = out.len() / rows;
    let mid = rows / 2;
    let (a, b) = out.split_at_mut(mid * row_len);
    pool::run_parts([(a, 0..mid), (b, mid..rows)], &|(out, range)| {
        sum_of_views_part(sum, slots, out, Some(range))
    });
}

widest_vectors!(
    /// [`sum_of_views`] over the positions whose outermost index is in `outer`
    /// (all of them when `None`); `out` holds just those.
    fn sum_of_views_part(sum: &SumOfViews, slots: &dyn Slots, out: &mut [f32], outer: Option<std::ops::Range<usize>>) => sum_of_views_loops);

#[inline(always)]
fn sum_of_views_loops(sum: &SumOfViews, slots: &dyn Slots, out: &mut [f32], outer: Option<std::ops::Range<usize>>) {
    let terms = &sum.terms;
    let first = if sum.tiles {
        None
    } else {
        terms.iter().position(|(_, v, t)| v.valid.is_none() && *t == 1.0)
    };
    // Output positions before this part.
    let skip = outer.as_ref().map_or(0, |r| r.start * (out.len() / r.len().max(1)));
    match first {
        Some(f) => gather(slots.get(terms[f].0), &terms[f].1, skip, out),
        None if !sum.tiles => out.fill(0.0),
        None => {}
    }
    let mut row = Vec::new();
    for (i, (slot, v, times)) in terms.iter().enumerate() {
        if Some(i) == first {
            continue;
        }
        let src = slots.get(*slot);
        let nd = v.ndim;
        let (mut lo, mut hi) = data_box(v);
        if let Some(r) = &outer {
            lo[0] = lo[0].max(r.start);
            hi[0] = hi[0].min(r.end);
        }
        if (0..nd).any(|a| lo[a] >= hi[a]) {
            continue; // all padding (in this part)
        }
        // Row-major strides of the output over the view's shape.
        let mut out_stride = [0isize; 6];
        let mut acc = 1isize;
        for a in (0..nd).rev() {
            out_stride[a] = acc;
            acc *= v.shape[a] as isize;
        }
        let last = nd - 1;
        let (len, step) = (hi[last] - lo[last], v.strides[last]);
        let rows: usize = (0..last).map(|a| hi[a] - lo[a]).product();
        let mut idx = lo;
        // Offsets of the current row in `out` and in `src`, kept in step with `idx`.
        let mut o: isize = (0..nd).map(|a| idx[a] as isize * out_stride[a]).sum::<isize>() - skip as isize;
        let mut s = v.offset_of(&idx[..nd]);
        for _ in 0..rows {
            let dst = &mut out[o as usize..o as usize + len];
            if step == 1 && *times == 1.0 {
                let from = &src[s as usize..s as usize + len];
                if sum.tiles {
                    dst.copy_from_slice(from);
                } else {
                    for (d, x) in dst.iter_mut().zip(from) {
                        *d += x;
                    }
                }
            } else {
                row.clear();
                row.extend((0..len).map(|j| times * src[(s + j as isize * step) as usize]));
                if sum.tiles {
                    dst.copy_from_slice(&row);
                } else {
                    for (d, x) in dst.iter_mut().zip(&row) {
                        *d += x;
                    }
                }
            }
            // The next row of the box (the last axis is the row itself).
            for a in (0..last).rev() {
                idx[a] += 1;
                o += out_stride[a];
                s += v.strides[a];
                if idx[a] < hi[a] {
                    break;
                }
                let span = (hi[a] - lo[a]) as isize;
                o -= span * out_stride[a];
                s -= span * v.strides[a];
                idx[a] = lo[a];
            }
        }
    }
}

/// Zeros, read by registers of padded loads that are all padding in a chunk.
static ZEROS: [f32; CHUNK] = [0.0; CHUNK];

/// Whether any of elements `start..start + len` of the padded view `v`
/// reads real data (not padding). Only asked for views with long rows, so
/// this visits few rows.
fn any_valid(v: &Strided, start: usize, len: usize) -> bool {
    let Some(valid) = &v.valid else { return true };
    let nd = v.ndim;
    let mut idx = [0usize; 6];
    let mut rest = start;
    for a in (0..nd).rev() {
        idx[a] = rest % v.shape[a];
        rest /= v.shape[a];
    }
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

/// `2^x` without a libm call, so that loops over it vectorise (sigmoids
/// and softmaxes spend most of their time here): `2^x = 2^n · 2^f` with
/// `n` the nearest integer to `x`, `2^f` for `|f| ≤ 1/2` by its Taylor series to degree 7
/// (truncation below 1e-8), and `2^n` built from exponent bits in two
/// halves so that no intermediate overflows. Relative error within a few
/// ulp of `f32::exp2` (tested); `inf`, `-inf` (0), overflow to `inf`,
/// underflow to 0 and NaN as `f32::exp2`.
#[inline(always)]
pub(crate) fn exp2(x: f32) -> f32 {
    const C: [f32; 8] = [
        1.0,
        std::f32::consts::LN_2,
        0.240_226_5,
        0.055_504_11,
        0.009_618_129,
        0.001_333_355_8,
        0.000_154_035_3,
        0.000_015_252_734,
    ];
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

widest_vectors!(
    /// Sum or max over axis `axis` of the view `v` of `src`, into the row-major
    /// `out` (the view's shape without that axis). Like luminal's reducers, the
    /// sum starts at 0 and adds in index order, the max starts at -inf and uses
    /// `f32::max` (which skips NaN), and padded positions are skipped.
    pub(crate) fn reduce(src: &[f32], v: &Strided, axis: usize, max: bool, out: &mut [f32]) => reduce_loops);

#[inline(always)]
fn reduce_loops(src: &[f32], v: &Strided, axis: usize, max: bool, out: &mut [f32]) {
    let init = if max { f32::NEG_INFINITY } else { 0.0 };
    out.fill(init);
    let nd = v.ndim;
    let (k_len, k_step) = (v.shape[axis], v.strides[axis]);
    let combine = |acc: f32, x: f32| if max { acc.max(x) } else { acc + x };
    // Axes kept in the output, in order.
    let kept: Vec<usize> = (0..nd).filter(|&a| a != axis).collect();
    if v.valid.is_none() && k_len <= 8 && !kept.is_empty() && out.len() >= 64 {
        // A short axis (a pooling window's 2): combine k whole slices, each
        // gathered row by row, instead of visiting the axis per output.
        let mut slice = Strided { ndim: nd - 1, ..*v };
        for (i, &a) in kept.iter().enumerate() {
            slice.shape[i] = v.shape[a];
            slice.strides[i] = v.strides[a];
        }
        let chunks = |out: &mut [f32], first: usize| short_axis_chunks(src, &slice, k_len, k_step, max, out, first);
        if !worth_splitting(out.len()) {
            return chunks(out, 0);
        }
        let mid = out.len() / 2 / CHUNK;
        let (a, b) = out.split_at_mut(mid * CHUNK);
        pool::run_parts([(a, 0), (b, mid)], &|(out, first)| chunks(out, first));
        return;
    }
    let inner_step = kept.last().map(|&a| v.strides[a]);
    if v.valid.is_none() && (inner_step.is_none() || (k_step == 1 && inner_step != Some(1))) {
        // The reduced axis is contiguous (or the only one): one output
        // element at a time, a plain strided loop over the axis.
        let mut idx = [0usize; 6];
        let mut base = v.offset;
        for o in out.iter_mut() {
            let mut acc = *o;
            for k in 0..k_len {
                acc = combine(acc, src[(base + k as isize * k_step) as usize]);
            }
            *o = acc;
            // Advance the kept axes, keeping `base` (the offset of `idx`) in step.
            for &a in kept.iter().rev() {
                idx[a] += 1;
                base += v.strides[a];
                if idx[a] < v.shape[a] {
                    break;
                }
                idx[a] = 0;
                base -= v.shape[a] as isize * v.strides[a];
            }
        }
        return;
    }
    if v.valid.is_some() {
        // Padded views: one output element at a time, checking validity.
        let mut idx = [0usize; 6];
        for o in out.iter_mut() {
            let mut acc = *o;
            for k in 0..k_len {
                idx[axis] = k;
                if v.is_valid(&idx[..nd]) {
                    acc = combine(acc, src[v.offset_of(&idx[..nd]) as usize]);
                }
            }
            *o = acc;
            increment(&mut idx, v, &kept);
        }
        return;
    }
    // Otherwise accumulate whole output rows along the last axis, which
    // vectorises when that axis is contiguous.
    let inner = *kept.last().unwrap();
    let (i_len, i_step) = (v.shape[inner], v.strides[inner]);
    if i_step.abs() != 1 {
        // The contiguous kept axis is not the output's last (a bias gradient
        // read through a permutation): accumulate along it instead.
        if let Some(&c) = kept.iter().find(|&&a| v.strides[a] == 1 && v.shape[a] > 1) {
            return reduce_along(src, v, axis, &kept, c, combine, init, out);
        }
    }
    let outer = &kept[..kept.len() - 1];
    let mut idx = [0usize; 6];
    for row in out.chunks_mut(i_len) {
        let base = v.offset_of(&idx[..nd]);
        for k in 0..k_len {
            let at = base + k as isize * k_step;
            if i_step == 1 {
                let s = &src[at as usize..at as usize + i_len];
                for (r, &x) in row.iter_mut().zip(s) {
                    *r = combine(*r, x);
                }
            } else {
                for (i, r) in row.iter_mut().enumerate() {
                    *r = combine(*r, src[(at + i as isize * i_step) as usize]);
                }
            }
        }
        increment(&mut idx, v, outer);
    }
}

/// The short-axis path of [`reduce`] over the output chunks in `out`, which
/// start at chunk number `first`: the `k_len` taps (`slice`, offset by
/// `k·k_step`) gathered and combined into `out` (already holding the
/// reduction's initial value).
#[inline(always)]
fn short_axis_chunks(src: &[f32], slice: &Strided, k_len: usize, k_step: isize, max: bool, out: &mut [f32], first: usize) {
    let mut part = [0.0f32; CHUNK];
    for (c, chunk) in out.chunks_mut(CHUNK).enumerate() {
        for k in 0..k_len {
            let tap = Strided { offset: slice.offset + k as isize * k_step, ..*slice }.coalesced();
            let part = &mut part[..chunk.len()];
            gather(src, &tap, (first + c) * CHUNK, part);
            if max {
                for (o, &x) in chunk.iter_mut().zip(part.iter()) {
                    *o = o.max(x);
                }
            } else {
                for (o, &x) in chunk.iter_mut().zip(part.iter()) {
                    *o += x;
                }
            }
        }
    }
}

/// [`reduce`] of an unpadded view accumulating rows along kept axis `c`
/// (contiguous in the source) in a temporary, then scattering each row into
/// `out` with `c`'s output stride. Sums still add in index order along `axis`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn reduce_along(
    src: &[f32],
    v: &Strided,
    axis: usize,
    kept: &[usize],
    c: usize,
    combine: impl Fn(f32, f32) -> f32,
    init: f32,
    out: &mut [f32],
) {
    let nd = v.ndim;
    let (k_len, k_step) = (v.shape[axis], v.strides[axis]);
    // Row-major strides of the output over the kept axes.
    let mut out_stride = [0usize; 6];
    let mut acc = 1;
    for &a in kept.iter().rev() {
        out_stride[a] = acc;
        acc *= v.shape[a];
    }
    let others: Vec<usize> = kept.iter().copied().filter(|&a| a != c).collect();
    let c_len = v.shape[c];
    let mut row = vec![init; c_len];
    let mut idx = [0usize; 6];
    let rows = out.len() / c_len.max(1);
    for _ in 0..rows {
        row.fill(init);
        let base = v.offset_of(&idx[..nd]);
        for k in 0..k_len {
            let at = (base + k as isize * k_step) as usize;
            for (r, &x) in row.iter_mut().zip(&src[at..at + c_len]) {
                *r = combine(*r, x);
            }
        }
        let o: usize = others.iter().map(|&a| idx[a] * out_stride[a]).sum();
        for (j, &r) in row.iter().enumerate() {
            out[o + j * out_stride[c]] = r;
        }
        increment(&mut idx, v, &others);
    }
}

/// Advances the multi-index `idx` over the axes `axes` (row-major, last fastest).
fn increment(idx: &mut [usize; 6], v: &Strided, axes: &[usize]) {
    for &a in axes.iter().rev() {
        idx[a] += 1;
        if idx[a] < v.shape[a] {
            return;
        }
        idx[a] = 0;
    }
}

/// `C[m, n] = Σ_k A[m, k] · B[k, n]` for every batch position, all operands
/// given by offsets and element strides into their buffers. A batch loop
/// whose C stride is 0 sums its products into the same C (a weight
/// gradient summed over the batch).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Gemm {
    pub a: usize,
    pub b: usize,
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a_offset: isize,
    pub b_offset: isize,
    /// (row stride, column stride) of A, B and C.
    pub a_strides: (isize, isize),
    pub b_strides: (isize, isize),
    pub c_strides: (isize, isize),
    /// Extra loops: (size, A stride, B stride, C stride).
    pub batch: Vec<(usize, isize, isize, isize)>,
    /// The slot of a buffer (of C's length, read plainly) that the product is
    /// added onto, in place: `x + A·B`, as a sum of products builds.
    pub onto: Option<usize>,
    /// B's slot holds it packed in panels (a `PackB` step's output, see
    /// [`packed`]); B's offset and strides are then unused.
    pub b_packed: bool,
}

impl Gemm {
    /// Whether some batch loop sums into the same C.
    pub(crate) fn sums_batches(&self) -> bool {
        self.batch.iter().any(|d| d.3 == 0 && d.0 > 1)
    }

    /// Offsets of A, B and C for batch position `linear` (row-major over the batch loops).
    fn batch_offsets(&self, mut linear: usize) -> (isize, isize, isize) {
        let (mut ao, mut bo, mut co) = (self.a_offset, self.b_offset, 0isize);
        for &(size, sa, sb, sc) in self.batch.iter().rev() {
            let i = (linear % size) as isize;
            linear /= size;
            ao += i * sa;
            bo += i * sb;
            co += i * sc;
        }
        (ao, bo, co)
    }
}

/// Products smaller than this many multiply-adds run on one thread: waking a
/// helper costs more than it saves.
pub(crate) const PARALLEL_MIN_MACS: usize = 1 << 20;

/// Runs the product into `out`. `out` already holds the values to add onto
/// when `g.onto` is set; otherwise its contents are ignored.
pub(crate) fn gemm(g: &Gemm, slots: &dyn Slots, out: &mut [f32]) {
    let (a, b) = (slots.get(g.a), slots.get(g.b));
    let batches: usize = g.batch.iter().map(|d| d.0).product();
    // beta = 1 adds onto C: onto a given buffer, or onto earlier batch positions' sums.
    let sums = g.sums_batches();
    if sums && g.onto.is_none() {
        out.fill(0.0);
    }
    let beta = if sums || g.onto.is_some() { 1.0 } else { 0.0 };
    if g.m == 0 || g.n == 0 {
        return;
    }
    // (A packed B always has N > 1: see the compiler's `shared_b_key`.)
    if g.m == 1 && g.n == 1 {
        return dots(g, a, b, out, batches, beta);
    }
    let threads = pool::threads();
    let per_call = g.m * g.n * g.k;
    let parallel = threads > 1 && per_call >= PARALLEL_MIN_MACS;
    // Our own kernels, where the CPU has them and C's rows are contiguous.
    let own = packed::enabled() && g.c_strides.1 == 1;
    if g.b_packed {
        assert!(own && batches == 1, "a packed B needs the packed kernel and one product");
        assert_eq!(b.len(), packed::packed_len(g.k, g.n), "packed B has the wrong length");
        // SAFETY: as below; the packed B was sized for this product (checked).
        unsafe { own_product(g, a.as_ptr().offset(g.a_offset), BSource::Packed(b.as_ptr()), out.as_mut_ptr(), beta, parallel) };
        return;
    }
    if threads > 1 && batches >= 2 && per_call < PARALLEL_MIN_MACS && batches * per_call >= PARALLEL_MIN_MACS {
        return split_batches(g, a, b, out, batches, beta, own);
    }
    // The second half's partial product when splitting along K.
    let along_k = parallel && !own && split_k(g);
    let mut partial = if along_k { vec![0.0f32; g.m * g.n] } else { Vec::new() };
    for batch in 0..batches {
        let (ao, bo, co) = g.batch_offsets(batch);
        if batch + 1 < batches {
            prefetch_operands(g, a, b, batch + 1);
        }
        // SAFETY: the compiler checked that every index the strides reach
        // lies inside the buffers (operands are whole views of them, and C
        // is this step's own output of the right length).
        let a_ptr = unsafe { a.as_ptr().offset(ao) };
        let b_ptr = unsafe { b.as_ptr().offset(bo) };
        let c_ptr = unsafe { out.as_mut_ptr().offset(co) };
        if own {
            unsafe { on_own_kernels(g, a_ptr, b_ptr, c_ptr, beta, parallel) };
        } else if along_k {
            // Small M×N, long K (a layer's forward product on a small
            // batch): halving M or N would make each thread pack the whole
            // other operand, so split K instead. The first half writes C,
            // the second a row-major temporary that is added in afterwards.
            let k0 = g.k / 2;
            let (a_addr, b_addr, c_addr) = (a_ptr as usize, b_ptr as usize, c_ptr as usize);
            let p_addr = partial.as_mut_ptr() as usize;
            pool::run2(&|part: usize| unsafe {
                let (ap, bp) = (a_addr as *const f32, b_addr as *const f32);
                if part == 0 {
                    sgemm(g, (g.m, g.n, k0), ap, bp, c_addr as *mut f32, g.c_strides, beta);
                } else {
                    let ap = ap.offset(k0 as isize * g.a_strides.1);
                    let bp = bp.offset(k0 as isize * g.b_strides.0);
                    sgemm(g, (g.m, g.n, g.k - k0), ap, bp, p_addr as *mut f32, (g.n as isize, 1), 0.0);
                }
            });
            for i in 0..g.m {
                let row = &partial[i * g.n..(i + 1) * g.n];
                for (j, &x) in row.iter().enumerate() {
                    // SAFETY: inside C, as for the product itself.
                    unsafe {
                        *c_ptr.offset(i as isize * g.c_strides.0 + j as isize * g.c_strides.1) += x;
                    }
                }
            }
        } else if parallel {
            // Split the larger of M and N in two halves, one per thread.
            let split_m = g.m >= g.n;
            let total = if split_m { g.m } else { g.n };
            let half = total / 2;
            let (a_addr, b_addr, c_addr) = (a_ptr as usize, b_ptr as usize, c_ptr as usize);
            pool::run2(&|part: usize| {
                let (from, len) = if part == 0 { (0, half) } else { (half, total - half) };
                let (m, n) = if split_m { (len, g.n) } else { (g.m, len) };
                let (mut ap, mut bp, mut cp) =
                    (a_addr as *const f32, b_addr as *const f32, c_addr as *mut f32);
                unsafe {
                    if split_m {
                        ap = ap.offset(from as isize * g.a_strides.0);
                        cp = cp.offset(from as isize * g.c_strides.0);
                    } else {
                        bp = bp.offset(from as isize * g.b_strides.1);
                        cp = cp.offset(from as isize * g.c_strides.1);
                    }
                    sgemm(g, (m, n, g.k), ap, bp, cp, g.c_strides, beta);
                }
            });
        } else {
            unsafe { sgemm(g, (g.m, g.n, g.k), a_ptr, b_ptr, c_ptr, g.c_strides, beta) };
        }
    }
}

/// One product (one batch position) on our own kernels: as dot products
/// along K where [`packed::prefers_dots`], else over panels of B.
///
/// # Safety
/// As [`packed::product`], for the whole of `g`'s M × N.
unsafe fn on_own_kernels(g: &Gemm, a: *const f32, b: *const f32, c: *mut f32, beta: f32, parallel: bool) {
    if packed::prefers_dots(g.m, g.n, g.a_strides, g.b_strides) {
        own_dots(g, a, b, c, beta, parallel)
    } else {
        own_product(g, a, BSource::Strided { ptr: b, strides: g.b_strides }, c, beta, parallel)
    }
}

/// One product on the packed-panel kernel (C row-major), split between two
/// threads when `parallel`: by panels of B (each thread packs only its own),
/// or by rows when B is a single panel.
///
/// # Safety
/// As [`packed::product`], for the whole of `g`'s M × N.
unsafe fn own_product(g: &Gemm, a: *const f32, b: BSource, c: *mut f32, beta: f32, parallel: bool) {
    let panels = g.n.div_ceil(packed::NR);
    let accumulate = beta != 0.0;
    if !parallel {
        return packed::product(g.m, g.n, g.k, a, g.a_strides, b, c, g.c_strides.0, accumulate, 0..panels);
    }
    let (a_addr, c_addr) = (a as usize, c as usize);
    let b = SendB(b);
    pool::run2(&|part: usize| {
        let (a, c) = (a_addr as *const f32, c_addr as *mut f32);
        let b = b.get();
        if panels >= 2 {
            let range = if part == 0 { 0..panels / 2 } else { panels / 2..panels };
            packed::product(g.m, g.n, g.k, a, g.a_strides, b, c, g.c_strides.0, accumulate, range);
        } else {
            let half = g.m / 2;
            let (from, rows) = if part == 0 { (0, half) } else { (half, g.m - half) };
            let (a, c) = (a.offset(from as isize * g.a_strides.0), c.offset(from as isize * g.c_strides.0));
            packed::product(rows, g.n, g.k, a, g.a_strides, b, c, g.c_strides.0, accumulate, 0..panels);
        }
    });
}

/// One product as dot products along K ([`packed::dots`]), split by rows
/// between two threads when `parallel`.
///
/// # Safety
/// As [`packed::dots`], for the whole of `g`'s M × N.
unsafe fn own_dots(g: &Gemm, a: *const f32, b: *const f32, c: *mut f32, beta: f32, parallel: bool) {
    let accumulate = beta != 0.0;
    let (a_addr, b_addr, c_addr) = (a as usize, b as usize, c as usize);
    // Rows `from..from + rows` of C.
    let rows_of = |from: usize, rows: usize| {
        let a = (a_addr as *const f32).offset(from as isize * g.a_strides.0);
        let c = (c_addr as *mut f32).offset(from as isize * g.c_strides.0);
        let b = b_addr as *const f32;
        let (n, k, a_row, b_col, c_strides) = (g.n, g.k, g.a_strides.0, g.b_strides.1, g.c_strides);
        packed::Dots { m: rows, n, k, a, a_row, b, b_col, c, c_strides, accumulate }.run()
    };
    if !parallel || g.m < 2 {
        return rows_of(0, g.m);
    }
    let half = g.m / 2;
    pool::run2(&|part: usize| if part == 0 { rows_of(0, half) } else { rows_of(half, g.m - half) });
}

/// A [`BSource`] handed to the helper thread.
#[derive(Clone, Copy)]
struct SendB(BSource);

// SAFETY: B is only read, while the caller waits for both threads.
unsafe impl Sync for SendB {}

impl SendB {
    // A method, so that closures capture the whole wrapper, not its field.
    fn get(&self) -> BSource {
        self.0
    }
}

/// Many small products (a convolution's per-image products): the batch
/// positions are split between two threads. Products that sum into the same
/// C (`beta` = 1 over a summed batch loop) give the second thread a zeroed
/// copy of C to sum into, added in afterwards.
fn split_batches(g: &Gemm, a: &[f32], b: &[f32], out: &mut [f32], batches: usize, beta: f32, own: bool) {
    let sums = g.sums_batches();
    let mut second = if sums { vec![0.0f32; out.len()] } else { Vec::new() };
    let half = batches / 2;
    let c_addrs = [out.as_mut_ptr() as usize, if sums { second.as_mut_ptr() as usize } else { out.as_mut_ptr() as usize }];
    pool::run2(&|part: usize| {
        let range = if part == 0 { 0..half } else { half..batches };
        let end = range.end;
        for batch in range {
            let (ao, bo, co) = g.batch_offsets(batch);
            if batch + 1 < end {
                prefetch_operands(g, a, b, batch + 1);
            }
            // SAFETY: as in `gemm`; without a summed loop the two halves
            // write disjoint parts of C, with one each writes its own buffer.
            unsafe {
                let ap = a.as_ptr().offset(ao);
                let bp = b.as_ptr().offset(bo);
                let cp = (c_addrs[part] as *mut f32).offset(co);
                if own {
                    on_own_kernels(g, ap, bp, cp, beta, false);
                } else {
                    sgemm(g, (g.m, g.n, g.k), ap, bp, cp, g.c_strides, beta);
                }
            }
        }
    });
    if sums {
        for (o, s) in out.iter_mut().zip(&second) {
            *o += s;
        }
    }
}

/// Starts loading batch position `batch`'s A and B into cache while the
/// current product runs. A batch of small products (a convolution's weight
/// gradient, one image each) reads operands the forward pass wrote long
/// before, from memory: without this each product waits for its own.
fn prefetch_operands(g: &Gemm, a: &[f32], b: &[f32], batch: usize) {
    let (ao, bo, _) = g.batch_offsets(batch);
    // The span of buffer one operand reads, when it is small and dense.
    let span = |offset: isize, rows: usize, cols: usize, (rs, cs): (isize, isize), len: usize| {
        if rs < 0 || cs < 0 || offset < 0 {
            return None;
        }
        let extent = (rows - 1) * rs as usize + (cols - 1) * cs as usize + 1;
        let dense = extent <= 2 * rows * cols && extent <= 64 * 1024;
        (dense && offset as usize + extent <= len).then_some((offset as usize, extent))
    };
    for (buf, range) in [
        (a, span(ao, g.m, g.k, g.a_strides, a.len())),
        (b, span(bo, g.k, g.n, g.b_strides, b.len())),
    ] {
        if let Some((start, extent)) = range {
            prefetch(&buf[start..start + extent]);
        }
    }
}

/// A hint to bring `data` into cache (one touch per 64-byte line); no-op off x86-64.
fn prefetch(data: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    for line in data.chunks(16) {
        // SAFETY: a prefetch hint never faults, and the address is inside `data`.
        unsafe { std::arch::x86_64::_mm_prefetch(line.as_ptr() as *const i8, std::arch::x86_64::_MM_HINT_T0) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = data;
}

/// Whether two threads should split a product along K rather than M or N:
/// splitting N (M) makes both threads pack all of A (B), k·min(m, n) floats
/// packed twice; splitting K costs a temporary C, ~3·m·n floats moved.
fn split_k(g: &Gemm) -> bool {
    3 * g.m * g.n < g.k * g.m.min(g.n)
}

/// `C = A·B + beta·C` for an `m × n × k` block of the product (C with strides `c_strides`).
#[allow(clippy::too_many_arguments)]
unsafe fn sgemm(g: &Gemm, (m, n, k): (usize, usize, usize), a: *const f32, b: *const f32, c: *mut f32, c_strides: (isize, isize), beta: f32) {
    matrixmultiply::sgemm(
        m,
        k,
        n,
        1.0,
        a,
        g.a_strides.0,
        g.a_strides.1,
        b,
        g.b_strides.0,
        g.b_strides.1,
        beta,
        c,
        c_strides.0,
        c_strides.1,
    );
}

/// A product with M = N = 1 (a row-wise dot product, as attention's and
/// layer norm's adjoints build): one strided dot per batch position, since an
/// sgemm call per element costs far more than the element.
fn dots(g: &Gemm, a: &[f32], b: &[f32], out: &mut [f32], batches: usize, beta: f32) {
    let mut idx = [0usize; 8];
    let nb = g.batch.len();
    let (ak, bk) = (g.a_strides.1, g.b_strides.0);
    for _ in 0..batches {
        let (mut ao, mut bo, mut co) = (g.a_offset, g.b_offset, 0isize);
        for (i, &(_, sa, sb, sc)) in idx[..nb].iter().zip(&g.batch) {
            ao += *i as isize * sa;
            bo += *i as isize * sb;
            co += *i as isize * sc;
        }
        let mut acc = 0.0f32;
        if ak == 1 && bk == 1 {
            let (ao, bo) = (ao as usize, bo as usize);
            for (x, y) in a[ao..ao + g.k].iter().zip(&b[bo..bo + g.k]) {
                acc += x * y;
            }
        } else {
            for k in 0..g.k as isize {
                acc += a[(ao + k * ak) as usize] * b[(bo + k * bk) as usize];
            }
        }
        // (Never read C when beta is 0: reused buffers may hold anything, NaN included.)
        let o = &mut out[co as usize];
        *o = if beta == 0.0 { acc } else { *o + acc };
        for (i, d) in idx[..nb].iter_mut().zip(&g.batch).rev() {
            *i += 1;
            if *i < d.0 {
                break;
            }
            *i = 0;
        }
    }
}
