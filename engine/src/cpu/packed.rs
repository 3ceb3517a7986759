//! Our own matrix product for CPUs with AVX-512: B is read from panels of
//! [`NR`] columns laid out k-major (`panel[p * NR + c]`), A straight from its
//! buffer (one broadcast per row and k, so any strides work and A is never
//! packed), and C row-major.
//!
//! Why not only `matrixmultiply`: its sgemm packs both operands on every
//! call. An LSTM's recurrent products (32 × 512 × 128, 32 per step, the same
//! weight each time) spent as long packing the 256 KB weight as multiplying;
//! here a B read by several products is packed once per run (a `PackB`
//! step), and every other B one panel at a time into a per-thread buffer
//! that stays in L1 while all rows of A pass over it. The 8 × 32 tile keeps
//! 16 accumulators in registers and reaches ~270 GFLOP/s on one Zen 5 core
//! (peak ~290), against ~175 for `matrixmultiply` on the same shapes.
//!
//! Each element of C sums its K products in order with one FMA each, so a
//! product split between threads (by panels or rows, never along K) gives
//! the same bits as on one thread.

use std::cell::{Cell, RefCell};
use std::ops::Range;

/// Columns of B per panel: two AVX-512 vectors.
pub(crate) const NR: usize = 32;
/// Rows of C per tile.
const MR: usize = 8;
/// Most of K a panel is multiplied over at once: 256 × NR floats (32 KB) stay in L1.
const KC: usize = 256;

/// What a tile's sums start from.
#[derive(Clone, Copy, PartialEq)]
enum Start {
    /// Zero (C is overwritten).
    Zero,
    /// Zero, and C is added at the end (`C += A·B`).
    AddToC,
    /// C's values: a later block of K continuing the sums stored there.
    Continue,
}

impl Start {
    fn new(accumulate: bool) -> Start {
        if accumulate {
            Start::AddToC
        } else {
            Start::Zero
        }
    }
}

thread_local! {
    /// One panel of B, packed just before use.
    static PANEL: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// Tests turn this kernel off to compare it with `matrixmultiply`.
    static OFF_HERE: Cell<bool> = const { Cell::new(false) };
}

/// Whether products run on this kernel: the CPU has AVX-512, and
/// `NMA_GEMM=matrixmultiply` has not asked for the portable one (checked once).
pub(crate) fn enabled() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    static KNOWN: AtomicU8 = AtomicU8::new(0);
    let on = match KNOWN.load(Ordering::Relaxed) {
        0 => {
            let on = supported() && std::env::var("NMA_GEMM").map_or(true, |v| v != "matrixmultiply");
            KNOWN.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
        known => known == 2,
    };
    on && !OFF_HERE.with(Cell::get)
}

#[cfg(target_arch = "x86_64")]
fn supported() -> bool {
    std::is_x86_feature_detected!("avx512f")
}

#[cfg(not(target_arch = "x86_64"))]
fn supported() -> bool {
    false
}

/// Turns this kernel off (or back on) for programs compiled and run on the calling thread.
#[cfg(test)]
pub(crate) fn set_off_here(off: bool) {
    OFF_HERE.with(|o| o.set(off));
}

/// Floats of a `k × n` B packed whole (the last panel zero-padded to [`NR`] columns).
pub(crate) fn packed_len(k: usize, n: usize) -> usize {
    k * n.div_ceil(NR) * NR
}

/// Where a product reads B from.
#[derive(Clone, Copy)]
pub(crate) enum BSource {
    /// Packed whole by [`pack`].
    Packed(*const f32),
    /// Element `[p, j]` at `ptr + p * strides.0 + j * strides.1`, packed a panel at a time.
    Strided { ptr: *const f32, strides: (isize, isize) },
}

/// Packs the `k × n` B at `offset` with `strides` in `src` into `out`
/// (`packed_len(k, n)` floats), for [`BSource::Packed`].
pub(crate) fn pack(src: &[f32], offset: isize, strides: (isize, isize), k: usize, n: usize, out: &mut [f32]) {
    assert_eq!(out.len(), packed_len(k, n), "packed B has the wrong length");
    if k == 0 || n == 0 {
        return;
    }
    let far = |s: isize, len: usize| s * (len as isize - 1);
    let corners = [offset, offset + far(strides.0, k), offset + far(strides.1, n), offset + far(strides.0, k) + far(strides.1, n)];
    assert!(
        corners.iter().all(|&c| c >= 0 && (c as usize) < src.len()),
        "B reaches outside its buffer"
    );
    for (j, panel) in out.chunks_exact_mut(k * NR).enumerate() {
        let cols = NR.min(n - j * NR);
        // SAFETY: every element read lies inside the box checked above.
        unsafe { pack_panel(src.as_ptr().offset(offset + (j * NR) as isize * strides.1), strides, k, cols, panel) };
    }
}

/// Packs `cols` (≤ NR) columns of B starting at `b` into `panel` (k × NR), zero-padding the rest.
///
/// # Safety
/// `b + p * strides.0 + c * strides.1` must be readable for `p < k`, `c < cols`.
unsafe fn pack_panel(b: *const f32, (rs, cs): (isize, isize), k: usize, cols: usize, panel: &mut [f32]) {
    debug_assert_eq!(panel.len(), k * NR);
    if cols < NR {
        panel.fill(0.0);
    }
    if cs == 1 {
        // Row-major: each row of the panel is a run of B's row.
        for (p, row) in panel.chunks_exact_mut(NR).enumerate() {
            row[..cols].copy_from_slice(std::slice::from_raw_parts(b.offset(p as isize * rs), cols));
        }
    } else if rs == 1 {
        // Column-major (a transposed weight): read each column in order.
        for c in 0..cols {
            let column = std::slice::from_raw_parts(b.offset(c as isize * cs), k);
            for (p, &x) in column.iter().enumerate() {
                *panel.get_unchecked_mut(p * NR + c) = x;
            }
        }
    } else {
        for (p, row) in panel.chunks_exact_mut(NR).enumerate() {
            for (c, o) in row[..cols].iter_mut().enumerate() {
                *o = *b.offset(p as isize * rs + c as isize * cs);
            }
        }
    }
}

/// `C = A·B` (or `C += A·B` when `accumulate`) for the columns of B's
/// panels `panels`: A is `m × k` at `a` with `a_strides`, C row-major with
/// row stride `c_row` (C's column stride is 1).
///
/// # Safety
/// The CPU has AVX-512 ([`enabled`]); A, B and C cover the sizes given (a
/// packed B: `packed_len(k, n)` floats), and C does not overlap A or B.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn product(
    m: usize,
    n: usize,
    k: usize,
    a: *const f32,
    a_strides: (isize, isize),
    b: BSource,
    c: *mut f32,
    c_row: isize,
    accumulate: bool,
    panels: Range<usize>,
) {
    #[cfg(target_arch = "x86_64")]
    {
        // K in blocks of at most KC, so the part of a panel all rows of A
        // pass over stays in L1. Later blocks continue from C's stored sums:
        // the same FMAs in the same order, so the same bits as one block.
        // (A product added onto C keeps one block: it adds C only at the end.)
        let blocks = if accumulate { 1 } else { k.div_ceil(KC).max(1) };
        let kc = k.div_ceil(blocks);
        match b {
            BSource::Strided { ptr, strides } => PANEL.with(|buf| {
                let mut buf = buf.borrow_mut();
                buf.resize(kc * NR, 0.0);
                for j in panels {
                    let cols = NR.min(n - j * NR);
                    for k0 in (0..k).step_by(kc.max(1)) {
                        let len = kc.min(k - k0);
                        let panel = &mut buf[..len * NR];
                        pack_panel(ptr.offset(k0 as isize * strides.0 + (j * NR) as isize * strides.1), strides, len, cols, panel);
                        let a = a.offset(k0 as isize * a_strides.1);
                        let start = if k0 == 0 { Start::new(accumulate) } else { Start::Continue };
                        avx512::panel_product(m, len, a, a_strides, panel.as_ptr(), c.add(j * NR), c_row, cols, start);
                    }
                }
            }),
            BSource::Packed(packed) => {
                for j in panels {
                    let cols = NR.min(n - j * NR);
                    for k0 in (0..k).step_by(kc.max(1)) {
                        let len = kc.min(k - k0);
                        let panel = packed.add(j * k * NR + k0 * NR);
                        let a = a.offset(k0 as isize * a_strides.1);
                        let start = if k0 == 0 { Start::new(accumulate) } else { Start::Continue };
                        avx512::panel_product(m, len, a, a_strides, panel, c.add(j * NR), c_row, cols, start);
                    }
                }
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (m, n, k, a, a_strides, b, c, c_row, accumulate, panels);
        unreachable!("the packed product needs AVX-512");
    }
}

/// `C = A·B` (or `C += A·B` when `accumulate`) as dot products along K,
/// for A and B both contiguous along K (`A·Bᵀ` of row-major matrices: a
/// convolution's weight gradient per image). No packing at all: where M or
/// N is small, packing B into 32-column panels costs more than the product.
/// A is `m × k` with row stride `a_row` (column stride 1), B `k × n` with
/// column stride `b_col` (row stride 1), C `m × n` with any `c_strides`.
#[derive(Clone, Copy)]
pub(crate) struct Dots {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub a: *const f32,
    pub a_row: isize,
    pub b: *const f32,
    pub b_col: isize,
    pub c: *mut f32,
    pub c_strides: (isize, isize),
    pub accumulate: bool,
}

impl Dots {
    /// # Safety
    /// The CPU has AVX-512 ([`enabled`]); A, B and C cover the sizes and
    /// strides given, and C does not overlap A or B.
    pub(crate) unsafe fn run(&self) {
        #[cfg(target_arch = "x86_64")]
        avx512::dots(self);
        #[cfg(not(target_arch = "x86_64"))]
        unreachable!("the dot-product kernel needs AVX-512");
    }
}

/// Whether [`dots`] beats packing B for this product: both operands run
/// along K, and M or N is at most [`DOTS_MAX_SIDE`] — packing costs about
/// 1/M of the product, and an N that fills a fraction of a panel wastes
/// the rest. (Both large, the panels win: attention's `Q·Kᵀ` ran at half
/// the speed as dots, whose horizontal sums cost as much as a short K.)
pub(crate) fn prefers_dots(m: usize, n: usize, a_strides: (isize, isize), b_strides: (isize, isize)) -> bool {
    a_strides.1 == 1 && b_strides.0 == 1 && m.min(n) <= DOTS_MAX_SIDE
}

/// Measured on a convolution's weight gradients (M 16 or N 9, K 196–784: 2–5× faster as dots).
const DOTS_MAX_SIDE: usize = 16;

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{Start, MR, NR};
    use std::arch::x86_64::*;

    /// All rows of C for one panel of B (`cols` of its NR columns real), in tiles of MR rows.
    #[target_feature(enable = "avx512f")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn panel_product(
        m: usize,
        k: usize,
        a: *const f32,
        a_strides: (isize, isize),
        panel: *const f32,
        c: *mut f32,
        c_row: isize,
        cols: usize,
        start: Start,
    ) {
        let mut i = 0;
        while i < m {
            let rows = MR.min(m - i);
            let (a, c) = (a.offset(i as isize * a_strides.0), c.offset(i as isize * c_row));
            macro_rules! tile {
                ($r:literal) => {
                    tile::<$r>(k, a, a_strides, panel, c, c_row, cols, start)
                };
            }
            match rows {
                8 => tile!(8),
                7 => tile!(7),
                6 => tile!(6),
                5 => tile!(5),
                4 => tile!(4),
                3 => tile!(3),
                2 => tile!(2),
                _ => tile!(1),
            }
            i += rows;
        }
    }

    /// R rows × NR columns of C: 2R accumulators, one FMA per element and k.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile<const R: usize>(
        k: usize,
        a: *const f32,
        (a_row, a_col): (isize, isize),
        panel: *const f32,
        c: *mut f32,
        c_row: isize,
        cols: usize,
        start: Start,
    ) {
        let mask = |from: usize| -> __mmask16 {
            let n = cols.saturating_sub(from).min(16);
            ((1u32 << n) - 1) as __mmask16
        };
        let (m0, m1) = (mask(0), mask(16));
        let mut left = [_mm512_setzero_ps(); R];
        let mut right = [_mm512_setzero_ps(); R];
        if start == Start::Continue {
            for i in 0..R {
                let row = c.offset(i as isize * c_row);
                left[i] = _mm512_maskz_loadu_ps(m0, row);
                right[i] = _mm512_maskz_loadu_ps(m1, row.add(16));
            }
        }
        let mut rows = [a; R];
        for (i, row) in rows.iter_mut().enumerate() {
            *row = a.offset(i as isize * a_row);
        }
        let mut b = panel;
        for _ in 0..k {
            let (b0, b1) = (_mm512_loadu_ps(b), _mm512_loadu_ps(b.add(16)));
            for i in 0..R {
                let x = _mm512_set1_ps(*rows[i]);
                left[i] = _mm512_fmadd_ps(x, b0, left[i]);
                right[i] = _mm512_fmadd_ps(x, b1, right[i]);
                rows[i] = rows[i].offset(a_col);
            }
            b = b.add(NR);
        }
        for i in 0..R {
            let row = c.offset(i as isize * c_row);
            let (mut x0, mut x1) = (left[i], right[i]);
            if start == Start::AddToC {
                x0 = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, row), x0);
                x1 = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, row.add(16)), x1);
            }
            _mm512_mask_storeu_ps(row, m0, x0);
            _mm512_mask_storeu_ps(row.add(16), m1, x1);
        }
    }

    /// Tiles of up to 4 × 4 dot products, 16 accumulators of 16 lanes each.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn dots(d: &super::Dots) {
        let &super::Dots { m, n, k, a, a_row, b, b_col, c, c_strides, accumulate } = d;
        let mut i = 0;
        while i < m {
            let rows = 4.min(m - i);
            let mut j = 0;
            while j < n {
                let cols = 4.min(n - j);
                let (a, b) = (a.offset(i as isize * a_row), b.offset(j as isize * b_col));
                let c = c.offset(i as isize * c_strides.0 + j as isize * c_strides.1);
                macro_rules! tile {
                    ($r:literal, $c:literal) => {
                        dot_tile::<$r, $c>(k, a, a_row, b, b_col, c, c_strides, accumulate)
                    };
                }
                match (rows, cols) {
                    (4, 4) => tile!(4, 4),
                    (4, 3) => tile!(4, 3),
                    (4, 2) => tile!(4, 2),
                    (4, _) => tile!(4, 1),
                    (3, 4) => tile!(3, 4),
                    (3, 3) => tile!(3, 3),
                    (3, 2) => tile!(3, 2),
                    (3, _) => tile!(3, 1),
                    (2, 4) => tile!(2, 4),
                    (2, 3) => tile!(2, 3),
                    (2, 2) => tile!(2, 2),
                    (2, _) => tile!(2, 1),
                    (_, 4) => tile!(1, 4),
                    (_, 3) => tile!(1, 3),
                    (_, 2) => tile!(1, 2),
                    _ => tile!(1, 1),
                }
                j += cols;
            }
            i += rows;
        }
    }

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn dot_tile<const R: usize, const C: usize>(
        k: usize,
        a: *const f32,
        a_row: isize,
        b: *const f32,
        b_col: isize,
        c: *mut f32,
        (c_row, c_col): (isize, isize),
        accumulate: bool,
    ) {
        let mut acc = [[_mm512_setzero_ps(); C]; R];
        let mut p = 0;
        // Full vectors, then the tail with masked loads (which never touch the masked lanes).
        while p < k {
            let mask: __mmask16 = if k - p >= 16 { 0xffff } else { ((1u32 << (k - p)) - 1) as __mmask16 };
            let mut bv = [_mm512_setzero_ps(); C];
            for (jj, v) in bv.iter_mut().enumerate() {
                *v = _mm512_maskz_loadu_ps(mask, b.offset(jj as isize * b_col).add(p));
            }
            for (ii, row) in acc.iter_mut().enumerate() {
                let av = _mm512_maskz_loadu_ps(mask, a.offset(ii as isize * a_row).add(p));
                for (jj, x) in row.iter_mut().enumerate() {
                    *x = _mm512_fmadd_ps(av, bv[jj], *x);
                }
            }
            p += 16;
        }
        for (ii, row) in acc.iter().enumerate() {
            for (jj, x) in row.iter().enumerate() {
                let out = c.offset(ii as isize * c_row + jj as isize * c_col);
                let sum = _mm512_reduce_add_ps(*x);
                *out = if accumulate { *out + sum } else { sum };
            }
        }
    }
}
