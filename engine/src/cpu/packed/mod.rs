//! Our own matrix product for CPUs with AVX-512 (`avx512.rs`) or AVX2 with
//! FMA (`avx2.rs`); others use `matrixmultiply`. B is read from panels of
//! [`NR`] columns laid out k-major (`panel[p * NR + c]`), A straight from its
//! buffer (one broadcast per row and k, so any strides work) except a
//! transposed A, packed into the kernel's tiles first ([`packs_a_tiles`]),
//! and C row-major.
//!
//! Why not only `matrixmultiply`: its sgemm packs both operands on every
//! call. An LSTM's recurrent products (32 × 512 × 128, 32 per step, the same
//! weight each time) spent as long packing the 256 KB weight as multiplying;
//! here a B read by several products is packed once per run (a `PackB`
//! step), and every other B one panel at a time into a per-thread buffer
//! that stays in L1 while all rows of A pass over it. The AVX-512 8 × 32 tile
//! keeps 16 accumulators in registers and reaches ~270 GFLOP/s on one Zen 5
//! core (peak ~290), against ~175 for `matrixmultiply` on the same shapes.
//!
//! Each element of C sums its K products in order with one FMA each, so a
//! product split between threads (by panels or rows, never along K) gives
//! the same bits as on one thread — and the AVX2 kernel the same bits as the
//! AVX-512 one.

use std::cell::{Cell, RefCell};
use std::ops::Range;

use super::simd::{self, SimdPath};

/// Columns of B per panel: two AVX-512 vectors, four AVX2 ones.
pub(crate) const NR: usize = 32;
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

/// How a product ends: C overwritten, added onto, or overwritten after an
/// [`Epilogue`].
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Finish {
    Overwrite,
    AddToC,
    Epilogue(Epilogue),
}

/// What a layer does with its product as the tile stores C, instead of a
/// pass of its own: a bias row added to every row (`x·Wᵀ + b`, the `n`
/// floats at `bias` unless it is null), then ReLU (`x · (0 < x)`) if `relu`,
/// then, if `mask.0` is not null, ReLU's gradient: each element times
/// `(0 < y)` for the `y` laid out as C is, at `mask.0`, where C is at
/// `mask.1` (so any part of C finds its part of `y`). The bits of the
/// separate operators.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Epilogue {
    pub bias: *const f32,
    pub relu: bool,
    pub mask: (*const f32, *const f32),
}

/// `x · (0 < y)`: ReLU's two operators (`y = x`), or its gradient's mask.
/// The tiles' vector versions give the same bits.
#[inline(always)]
pub(crate) fn times_positive(x: f32, y: f32) -> f32 {
    x * if 0.0 < y { 1.0 } else { 0.0 }
}

impl Epilogue {
    pub(crate) const NONE: Epilogue = Epilogue { bias: std::ptr::null(), relu: false, mask: (std::ptr::null(), std::ptr::null()) };

    /// Where the mask's row for C's row at `row` starts.
    #[inline(always)]
    unsafe fn mask_row(&self, row: *const f32) -> *const f32 {
        self.mask.0.offset(row.offset_from(self.mask.1))
    }

    /// The epilogue of the columns from `from` on.
    unsafe fn from_column(self, from: usize) -> Epilogue {
        let bias = if self.bias.is_null() { self.bias } else { self.bias.add(from) };
        Epilogue { bias, ..self }
    }
}

impl Finish {
    pub(crate) fn new(accumulate: bool) -> Finish {
        if accumulate {
            Finish::AddToC
        } else {
            Finish::Overwrite
        }
    }
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
    /// A block of A packed into tiles (see [`packs_a_tiles`]).
    static A_BLOCK: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// Tests force A's packing on or off for the calling thread.
    #[cfg(test)]
    static PACK_A_HERE: Cell<Option<bool>> = const { Cell::new(None) };
    /// Tests choose a kernel for the calling thread (see [`set_kernel_here`]).
    static HERE: Cell<Option<Option<SimdPath>>> = const { Cell::new(None) };
}

/// Which of our kernels products run on — the AVX-512 or the AVX2 one, after
/// [`simd::path`] (so `NMA_SIMD` chooses) — or `None` for `matrixmultiply`'s
/// portable sgemm: a CPU without AVX2 and FMA, or `NMA_GEMM=matrixmultiply`
/// (checked once).
pub(crate) fn kernel() -> Option<SimdPath> {
    use std::sync::OnceLock;
    static KERNEL: OnceLock<Option<SimdPath>> = OnceLock::new();
    if let Some(here) = HERE.with(Cell::get) {
        return here;
    }
    *KERNEL.get_or_init(|| {
        let portable = std::env::var("NMA_GEMM").is_ok_and(|v| v == "matrixmultiply");
        Some(simd::path()).filter(|&p| p != SimdPath::Baseline && !portable)
    })
}

/// Whether products run on one of our kernels.
pub(crate) fn enabled() -> bool {
    kernel().is_some()
}

/// Makes products compiled and run on the calling thread use `kernel`
/// (`None`: `matrixmultiply`). A kernel this CPU cannot run is refused.
#[cfg(test)]
pub(crate) fn set_kernel_here(kernel: Option<SimdPath>) {
    assert!(kernel.is_none_or(|k| k != SimdPath::Baseline && k <= simd::detected()), "this CPU cannot run {kernel:?}");
    HERE.with(|h| h.set(Some(kernel)));
}

/// The calling thread's choice of kernel, if a test made one.
#[cfg(test)]
pub(crate) fn kernel_here() -> Option<Option<SimdPath>> {
    HERE.with(Cell::get)
}

/// Runs `f` with `here` as the calling thread's choice of kernel (see
/// [`kernel_here`]), then restores its own: a product split between
/// threads runs on the kernel its test chose on both.
#[cfg(test)]
pub(crate) fn with_kernel_here(here: Option<Option<SimdPath>>, f: impl FnOnce()) {
    let own = HERE.with(|h| h.replace(here));
    f();
    HERE.with(|h| h.set(own));
}

/// Forces a transposed A's packing into tiles on or off (`None`: as
/// [`packs_a_tiles`] decides) for products run on the calling thread.
#[cfg(test)]
pub(crate) fn set_a_packing_here(packs: Option<bool>) {
    PACK_A_HERE.with(|p| p.set(packs));
}

/// Floats of a `k × n` B packed whole: the panels (the last zero-padded to
/// [`NR`] columns) and the floats before the buffer's first cache line,
/// where they start ([`to_line`]).
pub(crate) fn packed_len(k: usize, n: usize) -> usize {
    k * n.div_ceil(NR) * NR + LINE_FLOATS
}

/// Floats in a cache line.
const LINE_FLOATS: usize = 16;

/// Floats from `at` to the next cache line's start (0 on one). Packed panels
/// start there: a row of a panel is then exactly two lines, where from an
/// allocator's 16-byte alignment each AVX-512 load of B straddled two
/// (measured on an AVX-512 Xeon: the same products 10–16% faster aligned;
/// AVX2's loads are level).
fn to_line(at: *const f32) -> usize {
    (LINE_FLOATS - (at as usize / 4) % LINE_FLOATS) % LINE_FLOATS
}

/// Where a product reads B from.
#[derive(Clone, Copy)]
pub(crate) enum BSource {
    /// Packed whole by [`pack`] into the buffer starting here.
    Packed(*const f32),
    /// Element `[p, j]` at `ptr + p * strides.0 + j * strides.1`, packed a panel at a time.
    Strided { ptr: *const f32, strides: (isize, isize) },
}

/// Packs the `k × n` B at `offset` with `strides` in `src` into `out`
/// (`packed_len(k, n)` floats, the panels from its first cache line), for
/// [`BSource::Packed`] (given `out`'s start).
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
    let start = to_line(out.as_ptr());
    for (j, panel) in out[start..start + packed_len(k, n) - LINE_FLOATS].chunks_exact_mut(k * NR).enumerate() {
        let cols = NR.min(n - j * NR);
        // SAFETY: every element read lies inside the box checked above.
        unsafe { pack_panel(src.as_ptr().offset(offset + (j * NR) as isize * strides.1), strides, k, cols, panel) };
    }
}

/// Rows of B in K beyond which a panel is packed rather than read in place:
/// a short B's rows stay in L1 wherever they are, but a long one read in
/// place at a large power-of-two stride thrashes L1's sets (measured: the
/// weight gradients, K = 1024, 20% slower).
const MAX_IN_PLACE_K: usize = 64;

/// Whether a block of `len` rows of B (with `strides`), `cols` columns of a
/// panel, is read where it is instead of packed: its rows are contiguous and
/// short in K, their lines do not crowd a few of L1's sets, and the kernel
/// reads exactly `cols` floats of each row (a whole panel, or half of one:
/// AVX2's tiles are half a panel wide, and AVX-512's read only the first
/// half of a panel of 16 columns or fewer). Attention's products (K 16 or
/// 32) spent 40% of their time packing.
fn reads_in_place((rs, cs): (isize, isize), len: usize, cols: usize) -> bool {
    let read = cols == NR || cols == NR / 2;
    cs == 1 && rs >= cols as isize && len <= MAX_IN_PLACE_K && read && !crowds_l1_sets(rs as usize, len)
}

/// Whether `len` rows `row` floats apart, one cache line read from each,
/// would put more than [`MAX_LINES_PER_SET`] lines in one set of a 32 KB,
/// 8-way L1 (64 sets of 64-byte lines): a row stride of 256 floats reaches
/// only 4 sets. (Measured: `g·W` of the transformer's feed-forward layer,
/// K 64, B rows 256 floats apart, ran at ~65 GFLOP/s in place, ~80 packed.)
fn crowds_l1_sets(row: usize, len: usize) -> bool {
    const LINE: usize = 16;
    const SETS: usize = 64;
    if !row.is_multiple_of(LINE) {
        // Rows off line boundaries spread over the sets.
        return false;
    }
    let step = (row / LINE) % SETS;
    let reached = SETS / gcd(step, SETS);
    len.div_ceil(reached) > MAX_LINES_PER_SET
}

/// Lines of B a set may hold: half its ways, leaving the rest to A and C.
const MAX_LINES_PER_SET: usize = 4;

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Packs `cols` (≤ NR) columns of B starting at `b` into `panel` (k × NR), zero-padding the rest.
///
/// # Safety
/// `b + p * strides.0 + c * strides.1` must be readable for `p < k`, `c < cols`.
unsafe fn pack_panel(b: *const f32, (rs, cs): (isize, isize), k: usize, cols: usize, panel: &mut [f32]) {
    debug_assert_eq!(panel.len(), k * NR);
    if cs == 1 {
        // Row-major: each row of the panel is a run of B's row (an element
        // loop for short runs: a call to memcpy costs more), then zeros.
        for (p, row) in panel.chunks_exact_mut(NR).enumerate() {
            let (real, padding) = row.split_at_mut(cols);
            let from = std::slice::from_raw_parts(b.offset(p as isize * rs), cols);
            if cols == NR {
                real.copy_from_slice(from);
            } else {
                for (o, &x) in real.iter_mut().zip(from) {
                    *o = x;
                }
            }
            padding.fill(0.0);
        }
        return;
    }
    if cols < NR {
        panel.fill(0.0);
    }
    if rs == 1 {
        // Column-major (a transposed weight, attention's keys): each column's
        // run of K becomes a column of the panel, 8 × 8 blocks at a time.
        #[cfg(target_arch = "x86_64")]
        if enabled() {
            return avx2::transpose(b, cs, cols, k, panel, NR);
        }
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

/// Whether a product packs each K block of its A into the kernel's tiles
/// first ([`pack_a_tiles`]): A is transposed in memory (a weight gradient's
/// `gᵀ·x`), so read in place a tile's rows are adjacent floats but each k a
/// cache line further, lines a large power of two apart that crowd L1's
/// sets, read again for every panel. Packed, the kernel reads a tile's A
/// in order from one pointer. Measured on an AVX-512 Xeon (`bench_products`,
/// the LSTM's `dgᵀ·h`): 152 → 182 GFLOP/s. A row-major A packed the same
/// way (8 × 8 transposes) made the LSTM and the transformer 1–3% slower
/// there, so it is read in place. Only for blocks that fit in L2, and on
/// AVX2 only for products of more than two panels.
fn packs_a_tiles(m: usize, n: usize, kc: usize, (a_row, a_col): (isize, isize), kernel: SimdPath) -> bool {
    let transposed = a_row == 1 && a_col != 1;
    #[cfg(test)]
    if let Some(forced) = PACK_A_HERE.with(Cell::get) {
        return forced && transposed;
    }
    transposed && m * kc <= MAX_A_BLOCK && (kernel == SimdPath::Avx512 || n > AVX2_IN_PLACE_A_MAX_N)
}

/// Columns of C up to which AVX2 reads a transposed A in place: over two
/// panels or fewer the packing costs more than it saves (measured alone on
/// the Xeon: the transformer's `gᵀ·x` with N = 64, 99–100 → 105–108 GFLOP/s
/// in place; with N = 256 packing still wins, 99 → 102). AVX-512's tiles
/// gain from packing at every N.
const AVX2_IN_PLACE_A_MAX_N: usize = 2 * NR;

/// Most floats of a packed block of A (512 KB).
const MAX_A_BLOCK: usize = 1 << 17;

/// Packs the `m × len` transposed A at `a` (element `(i, p)` at `a + i +
/// p · a_col`) into tiles of `mr` rows for [`avx512::panel_product`] and
/// [`avx2::panel_product`]: tile `t`'s element `(r, p)` at
/// `out[t · a_tile_len(mr, len) + p · mr + r]`, so the kernels read A with
/// strides `(1, mr)`. `out` holds `m.div_ceil(mr) · a_tile_len(mr, len)`
/// floats.
///
/// # Safety
/// AVX2 is available and A is readable at every element.
#[cfg(target_arch = "x86_64")]
unsafe fn pack_a_tiles(a: *const f32, a_col: isize, m: usize, len: usize, mr: usize, out: &mut [f32]) {
    let tile = a_tile_len(mr, len);
    assert!(out.len() >= m.div_ceil(mr) * tile, "A's tiles outside their buffer");
    avx2::pack_transposed_a(a, a_col, m, len, out.as_mut_ptr(), mr, tile);
}

/// Floats from one packed tile of A to the next: its `mr · len`, and a
/// cache line, so that tiles of a power-of-two size do not start in the
/// same set of L1 (packing a transposed A writes to every tile per k: with
/// tiles 8 KB apart, every store missed).
fn a_tile_len(mr: usize, len: usize) -> usize {
    mr * len + LINE_FLOATS
}

/// How a kernel's tile reads A, a constant of the tile: packed into tiles
/// (strides `(1, MR)`: [`packs_a_tiles`]), row-major in place (column
/// stride 1), or through any strides. Known as the tile compiles, the
/// offsets of a row's next [`UNROLL`] k are immediate displacements, with
/// no pointer arithmetic of their own: with R row pointers each advanced
/// every k, the scalar adds competed with the FMAs for their ports
/// (measured alone on the Xeon, AVX2: the LSTM's and the transformer's
/// products 100–111 → 109–121 GFLOP/s; the transformer's step 7–8%
/// faster on one and two threads).
#[cfg(target_arch = "x86_64")]
const A_PACKED: u8 = 0;
#[cfg(target_arch = "x86_64")]
const A_ROWS: u8 = 1;
#[cfg(target_arch = "x86_64")]
const A_STRIDED: u8 = 2;

/// K a tile's loop takes at once (see [`A_PACKED`]).
#[cfg(target_arch = "x86_64")]
const UNROLL: usize = 4;

/// A kernel's tiles of C's `m` rows, as (first row, rows): `mr` rows each, except where
/// the last tile would have fewer than `min_rows` (too few accumulators to cover the
/// FMA's latency on two ports): then all tiles share the rows evenly (32 rows of 6-row
/// tiles: 6, 6, 5, 5, 5, 5, not five 6s and a 2, the LSTM's steps at one thread). A
/// packed A is laid out in `mr`-row tiles and keeps them. Each row of C is computed on its
/// own, so the bits do not change.
#[cfg(target_arch = "x86_64")]
fn tile_rows(m: usize, mr: usize, min_rows: usize, a_packed: bool) -> impl Iterator<Item = (usize, usize)> {
    let tiles = m.div_ceil(mr);
    let even = !a_packed && tiles > 1 && m % mr != 0 && m % mr < min_rows;
    let (base, extra) = (m / tiles, m % tiles);
    (0..tiles).scan(0, move |first, t| {
        let rows = if even { base + usize::from(t < extra) } else { mr.min(m - *first) };
        let tile = (*first, rows);
        *first += rows;
        Some(tile)
    })
}

/// Where a tile's A starts, for the tile whose first row is `i` (see [`tile_rows`]):
/// a packed A's tiles are `a_tile` floats apart, an A in place has rows `a_row` apart.
#[cfg(target_arch = "x86_64")]
fn tile_a(a: *const f32, i: usize, mr: usize, a_layout: u8, a_tile: isize, a_row: isize) -> *const f32 {
    if a_layout == A_PACKED {
        a.wrapping_offset((i / mr) as isize * a_tile)
    } else {
        a.wrapping_offset(i as isize * a_row)
    }
}

/// The layout of an A with `a_strides` for a kernel of `mr`-row tiles.
#[cfg(target_arch = "x86_64")]
fn a_layout(a_strides: (isize, isize), mr: usize) -> u8 {
    if a_strides == (1, mr as isize) {
        A_PACKED
    } else if a_strides.1 == 1 {
        A_ROWS
    } else {
        A_STRIDED
    }
}

/// The pointers to a tile's `R` rows of A, from `a`, and A's column
/// stride, with what `A_LAYOUT` fixes as constants (see [`A_PACKED`]).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn a_rows<const R: usize, const A_LAYOUT: u8>(a: *const f32, (a_row, a_col): (isize, isize), mr: usize) -> ([*const f32; R], isize) {
    let (a_row, a_col) = match A_LAYOUT {
        A_PACKED => (1, mr as isize),
        A_ROWS => (a_row, 1),
        _ => (a_row, a_col),
    };
    (std::array::from_fn(|i| a.offset(i as isize * a_row)), a_col)
}

/// A tile's loop over K: `$step!(u)` multiplies the `u`th k after the
/// current one, [`UNROLL`] at a time and then the rest one by one; after
/// each, B's row pointer `$b` moves on `$panel_row` floats a k and each of
/// A's row pointers `$rows` `$a_col`. (A macro, not a function taking a
/// closure: a closure does not inherit the kernel's target features, and
/// its intrinsics became calls.)
#[cfg(target_arch = "x86_64")]
macro_rules! k_loop {
    ($k:expr, $step:ident, $b:ident, $panel_row:expr, $rows:ident, $a_col:expr) => {{
        const { assert!(UNROLL == 4, "k_loop takes four steps a turn") };
        for _ in 0..$k / UNROLL {
            $step!(0);
            $step!(1);
            $step!(2);
            $step!(3);
            $b = $b.add(UNROLL * $panel_row);
            for row in &mut $rows {
                *row = row.offset(UNROLL as isize * $a_col);
            }
        }
        for _ in 0..$k % UNROLL {
            $step!(0);
            $b = $b.add($panel_row);
            for row in &mut $rows {
                *row = row.offset($a_col);
            }
        }
    }};
}

/// The kernels' [`avx512::panel_product`] and [`avx2::panel_product`].
#[cfg(target_arch = "x86_64")]
type PanelProduct = unsafe fn(usize, usize, *const f32, (isize, isize), isize, *const f32, usize, *mut f32, isize, usize, Start, Epilogue);

/// `C = A·B` (`C += A·B`, or an epilogue of `A·B`, as `finish` says) for the columns of B's
/// panels `panels`: A is `m × k` at `a` with `a_strides`, C row-major with
/// row stride `c_row` (C's column stride is 1).
///
/// # Safety
/// [`kernel`] is one of ours; A, B and C cover the sizes given (a
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
    finish: Finish,
    panels: Range<usize>,
) {
    #[cfg(target_arch = "x86_64")]
    {
        let accumulate = finish == Finish::AddToC;
        // Panel `j`'s epilogue, run with K's last block only.
        let epilogue_for = |j: usize, last: bool| match finish {
            Finish::Epilogue(e) if last => e.from_column(j * NR),
            _ => Epilogue::NONE,
        };
        // K in blocks of at most KC, so the part of a panel all rows of A
        // pass over stays in L1. Later blocks continue from C's stored sums:
        // the same FMAs in the same order, so the same bits as one block.
        // (A product added onto C keeps one block: it adds C only at the end.)
        let path = kernel().unwrap_or(SimdPath::Baseline);
        let (panel_product, mr) = match path {
            SimdPath::Avx512 => (avx512::panel_product as PanelProduct, avx512::MR),
            SimdPath::Avx2 => (avx2::panel_product as PanelProduct, avx2::MR),
            SimdPath::Baseline => unreachable!("the packed product needs AVX2 or AVX-512"),
        };
        // A packed B's panels start at its buffer's first cache line (see `pack`).
        let b = match b {
            BSource::Packed(packed) => BSource::Packed(packed.add(to_line(packed))),
            strided => strided,
        };
        let blocks = if accumulate { 1 } else { k.div_ceil(KC).max(1) };
        let kc = k.div_ceil(blocks);
        let packs_a = packs_a_tiles(m, n, kc, a_strides, path);
        // Reused between calls, like the panel; taken out so both can be borrowed.
        let mut a_block = if packs_a { A_BLOCK.with(|v| std::mem::take(&mut *v.borrow_mut())) } else { Vec::new() };
        PANEL.with(|buf| {
            let mut buf = buf.borrow_mut();
            if let BSource::Strided { .. } = b {
                buf.resize(kc * NR + LINE_FLOATS, 0.0);
            }
            // The panel starts on a cache line, like a packed B.
            let panel_at = to_line(buf.as_ptr());
            // Panel `j` times the block of K from `k0`, A's block at `a`
            // with `a_strides`, its tiles `a_tile` floats apart.
            let mut block = |j: usize, k0: usize, a: *const f32, a_strides: (isize, isize), a_tile: isize| {
                let cols = NR.min(n - j * NR);
                let len = kc.min(k - k0);
                let start = if k0 == 0 { Start::new(accumulate) } else { Start::Continue };
                let (epilogue, c) = (epilogue_for(j, k0 + len == k), c.add(j * NR));
                let (panel, panel_row) = match b {
                    BSource::Strided { ptr, strides } => {
                        let from = ptr.offset(k0 as isize * strides.0 + (j * NR) as isize * strides.1);
                        if reads_in_place(strides, len, cols) {
                            (from, strides.0 as usize)
                        } else {
                            let panel = &mut buf[panel_at..panel_at + len * NR];
                            pack_panel(from, strides, len, cols, panel);
                            (panel.as_ptr(), NR)
                        }
                    }
                    BSource::Packed(panels) => (panels.add(j * k * NR + k0 * NR), NR),
                };
                panel_product(m, len, a, a_strides, a_tile, panel, panel_row, c, c_row, cols, start, epilogue);
            };
            if packs_a {
                // Each block of A packed into tiles once, then every panel
                // over it: the same FMAs in the same order.
                for k0 in (0..k).step_by(kc.max(1)) {
                    let len = kc.min(k - k0);
                    a_block.resize(a_block.len().max(m.div_ceil(mr) * a_tile_len(mr, len)), 0.0);
                    pack_a_tiles(a.offset(k0 as isize * a_strides.1), a_strides.1, m, len, mr, &mut a_block);
                    for j in panels.clone() {
                        block(j, k0, a_block.as_ptr(), (1, mr as isize), a_tile_len(mr, len) as isize);
                    }
                }
            } else {
                let a_tile = mr as isize * a_strides.0;
                for j in panels.clone() {
                    for k0 in (0..k).step_by(kc.max(1)) {
                        block(j, k0, a.offset(k0 as isize * a_strides.1), a_strides, a_tile);
                    }
                }
            }
        });
        if packs_a {
            A_BLOCK.with(|v| *v.borrow_mut() = a_block);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (m, n, k, a, a_strides, b, c, c_row, finish, panels);
        unreachable!("the packed product needs AVX2 or AVX-512");
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
    /// [`kernel`] is one of ours; A, B and C cover the sizes and
    /// strides given, and C does not overlap A or B.
    pub(crate) unsafe fn run(&self) {
        #[cfg(target_arch = "x86_64")]
        match kernel() {
            Some(SimdPath::Avx512) => avx512::dots(self),
            Some(SimdPath::Avx2) => avx2::dots(self),
            _ => unreachable!("the dot-product kernel needs AVX2 or AVX-512"),
        }
        #[cfg(not(target_arch = "x86_64"))]
        unreachable!("the dot-product kernel needs AVX2 or AVX-512");
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
mod avx512;
#[cfg(target_arch = "x86_64")]
mod avx2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn tiles_cover_every_row_once_and_leave_no_short_last_tile() {
        for a_packed in [false, true] {
            for m in 1..100 {
                let tiles: Vec<_> = super::tile_rows(m, 6, 4, a_packed).collect();
                let mut next = 0;
                for &(first, rows) in &tiles {
                    assert!(first == next && (1..=6).contains(&rows), "m {m}: {tiles:?}");
                    next += rows;
                }
                assert_eq!(next, m, "m {m}: {tiles:?}");
                let sizes: Vec<usize> = tiles.iter().map(|t| t.1).collect();
                let (fewest, most) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                if a_packed || !(1..4).contains(&(m % 6)) {
                    assert!(sizes[..sizes.len() - 1].iter().all(|&r| r == 6), "whole tiles but the last: {tiles:?}");
                } else {
                    assert!(most - fewest <= 1, "m {m}: the rows shared evenly: {tiles:?}");
                }
            }
        }
        assert_eq!(super::tile_rows(32, 6, 4, false).map(|t| t.1).collect::<Vec<_>>(), [6, 6, 5, 5, 5, 5]);
    }

    #[test]
    fn packed_panels_start_on_a_cache_line_wherever_their_buffer_starts() {
        let (m, k, n) = (9, 20, 40);
        let a: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 - 3.0).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i % 5) as f32 * 0.5 - 1.0).collect();
        let want: Vec<f32> = (0..m * n).map(|x| (0..k).map(|p| a[x / n * k + p] * b[p * n + x % n]).sum()).collect();
        let kernels = [SimdPath::Avx2, SimdPath::Avx512].into_iter().filter(|&p| p <= simd::detected());
        for kernel in kernels {
            set_kernel_here(Some(kernel));
            // Every start a 4-byte-aligned allocation can have within a line.
            for shift in 0..LINE_FLOATS {
                let mut buf = vec![f32::NAN; packed_len(k, n) + shift];
                let packed = &mut buf[shift..];
                pack(&b, 0, (n as isize, 1), k, n, packed);
                let first = packed.as_ptr() as usize + 4 * to_line(packed.as_ptr());
                assert_eq!(first % 64, 0, "shift {shift}: the panels start off a line");
                // The first panel's first row is B's (read back where the product reads it).
                assert_eq!(&packed[to_line(packed.as_ptr())..][..NR], &b[..NR]);
                let mut c = vec![0.0; m * n];
                // SAFETY: AVX2 or AVX-512 is here (filtered); the sizes are as given.
                unsafe {
                    product(m, n, k, a.as_ptr(), (k as isize, 1), BSource::Packed(packed.as_ptr()), c.as_mut_ptr(), n as isize, Finish::Overwrite, 0..n.div_ceil(NR))
                };
                assert_eq!(c, want, "{kernel:?}, shift {shift}");
            }
        }
    }

    #[test]
    fn a_transposed_a_is_packed_on_avx2_only_for_more_than_two_panels() {
        let transposed = (1, 1024);
        for (n, avx2, avx512) in [(32, false, true), (64, false, true), (65, true, true), (256, true, true)] {
            assert_eq!(packs_a_tiles(256, n, 256, transposed, SimdPath::Avx2), avx2, "AVX2, n {n}");
            assert_eq!(packs_a_tiles(256, n, 256, transposed, SimdPath::Avx512), avx512, "AVX-512, n {n}");
        }
        // Never a row-major A, nor a block beyond L2.
        assert!(!packs_a_tiles(256, 256, 256, (1024, 1), SimdPath::Avx512));
        assert!(!packs_a_tiles(1024, 256, 256, transposed, SimdPath::Avx512));
    }

    #[test]
    fn b_rows_read_in_place_only_where_their_lines_spread_over_l1s_sets() {
        // 256 floats apart (1 KB): 4 sets, so 64 rows put 16 lines in each.
        assert!(crowds_l1_sets(256, 64));
        assert!(!crowds_l1_sets(256, 16), "16 rows are 4 lines a set");
        // 64 floats apart: 16 sets, 4 lines each for 64 rows.
        assert!(!crowds_l1_sets(64, 64));
        assert!(crowds_l1_sets(64, 65));
        // Attention's V, 192 floats apart: 16 sets (gcd of 12 lines and 64).
        assert!(!crowds_l1_sets(192, 32));
        // A stride of a whole number of L1 ways (4 KB) reaches one set.
        assert!(crowds_l1_sets(1024, 5));
        assert!(!crowds_l1_sets(1024, 4));
        // Rows off line boundaries spread over the sets.
        assert!(!crowds_l1_sets(100, 64));
    }
}
