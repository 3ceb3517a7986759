//! The packed product and dot products in AVX2 with FMA, for the many CPUs
//! without AVX-512. AVX2 has 16 vector registers of 8 floats, so a panel of
//! [`NR`] = 32 columns is multiplied as two halves of 16, each in tiles of
//! 6 rows: 12 accumulators, 2 vectors of B and 1 broadcast of A.
//!
//! Each element of C is the same chain of FMAs, in the same order, as in the
//! AVX-512 kernel, so both give the same bits.

use super::{a_layout, a_rows, tile_a, tile_rows, Epilogue, Start, A_PACKED, A_ROWS, A_STRIDED, NR, UNROLL};
use std::arch::x86_64::*;

/// Rows of C per tile.
pub(super) const MR: usize = 6;
/// Columns of C per tile: half a panel, two vectors.
const HALF: usize = NR / 2;

/// All rows of C for one panel of B (`cols` of its NR columns real), whose
/// rows start `panel_row` floats apart (NR when packed), in tiles of MR rows,
/// each tile's A `a_tile` floats after the last's; `epilogue` ends every row
/// of C (its bias a row of the panel's `cols` floats).
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn panel_product(
    m: usize,
    k: usize,
    a: *const f32,
    a_strides: (isize, isize),
    a_tile: isize,
    panel: *const f32,
    panel_row: usize,
    c: *mut f32,
    c_row: isize,
    cols: usize,
    start: Start,
    epilogue: Epilogue,
) {
    let a_layout = a_layout(a_strides, MR);
    for from in [0, HALF] {
        if cols <= from {
            break;
        }
        let half_cols = HALF.min(cols - from);
        let (panel, c) = (panel.add(from), c.add(from));
        let epilogue = epilogue.from_column(from);
        // Two accumulators a row: four rows keep the FMAs busy.
        for (i, rows) in tile_rows(m, MR, 4, a_layout == A_PACKED) {
            let (a, c) = (tile_a(a, i, MR, a_layout, a_tile, a_strides.0), c.offset(i as isize * c_row));
            // A's layout a constant of the tile (see `a_layout`).
            macro_rules! tile {
                ($r:literal) => {
                    match a_layout {
                        A_PACKED => tile::<$r, A_PACKED>(k, a, a_strides, panel, panel_row, c, c_row, half_cols, start, epilogue),
                        A_ROWS => tile::<$r, A_ROWS>(k, a, a_strides, panel, panel_row, c, c_row, half_cols, start, epilogue),
                        _ => tile::<$r, A_STRIDED>(k, a, a_strides, panel, panel_row, c, c_row, half_cols, start, epilogue),
                    }
                };
            }
            match rows {
                6 => tile!(6),
                5 => tile!(5),
                4 => tile!(4),
                3 => tile!(3),
                2 => tile!(2),
                _ => tile!(1),
            }
        }
    }
}

/// A mask for `_mm256_maskload_ps`/`maskstore`: lanes `from..from + 8` that are below `len`.
#[inline(always)]
unsafe fn lanes_below(len: usize, from: usize) -> __m256i {
    let n = len.saturating_sub(from).min(8) as i32;
    _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
}

/// R rows × 16 columns of C (`cols` ≤ 16 of them real): 2R accumulators;
/// A read as `A_LAYOUT` says (see `a_layout`).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<const R: usize, const A_LAYOUT: u8>(
    k: usize,
    a: *const f32,
    (a_row, a_col): (isize, isize),
    panel: *const f32,
    panel_row: usize,
    c: *mut f32,
    c_row: isize,
    cols: usize,
    start: Start,
    epilogue: Epilogue,
) {
    // Full tiles use plain loads and stores: masked ones are slow on some CPUs.
    let full = cols == HALF;
    let (m0, m1) = (lanes_below(cols, 0), lanes_below(cols, 8));
    let load = |row: *const f32| -> (__m256, __m256) {
        if full {
            (_mm256_loadu_ps(row), _mm256_loadu_ps(row.add(8)))
        } else {
            (_mm256_maskload_ps(row, m0), _mm256_maskload_ps(row.add(8), m1))
        }
    };
    let mut left = [_mm256_setzero_ps(); R];
    let mut right = [_mm256_setzero_ps(); R];
    if start == Start::Continue {
        for i in 0..R {
            (left[i], right[i]) = load(c.offset(i as isize * c_row));
        }
    }
    // The panel's rows (`panel_row` apart) can always be read 16 floats wide:
    // packed ones are zero-padded to NR columns, and B read in place has them.
    let mut b = panel;
    let (mut rows, a_col) = a_rows::<R, A_LAYOUT>(a, (a_row, a_col), MR);
    // The `u`th k after the current one (see `k_loop`).
    macro_rules! step {
        ($u:expr) => {{
            let b = b.add($u * panel_row);
            let (b0, b1) = (_mm256_loadu_ps(b), _mm256_loadu_ps(b.add(8)));
            for i in 0..R {
                let x = _mm256_broadcast_ss(&*rows[i].offset($u * a_col));
                left[i] = _mm256_fmadd_ps(x, b0, left[i]);
                right[i] = _mm256_fmadd_ps(x, b1, right[i]);
            }
        }};
    }
    k_loop!(k, step, b, panel_row, rows, a_col);
    // A bias row added to every row of C, then ReLU or its gradient's mask, as the product's last steps.
    let row_bias = (!epilogue.bias.is_null()).then(|| load(epilogue.bias));
    for i in 0..R {
        let row = c.offset(i as isize * c_row);
        let (mut x0, mut x1) = (left[i], right[i]);
        if start == Start::AddToC {
            let (c0, c1) = load(row);
            x0 = _mm256_add_ps(c0, x0);
            x1 = _mm256_add_ps(c1, x1);
        }
        if let Some((b0, b1)) = row_bias {
            x0 = _mm256_add_ps(x0, b0);
            x1 = _mm256_add_ps(x1, b1);
        }
        if epilogue.relu {
            (x0, x1) = (relu(x0), relu(x1));
        }
        if !epilogue.mask.0.is_null() {
            let (y0, y1) = load(epilogue.mask_row(row));
            (x0, x1) = (times_positive(x0, y0), times_positive(x1, y1));
        }
        if full {
            _mm256_storeu_ps(row, x0);
            _mm256_storeu_ps(row.add(8), x1);
        } else {
            _mm256_maskstore_ps(row, m0, x0);
            _mm256_maskstore_ps(row.add(8), m1, x1);
        }
    }
}

/// `dst[c · dst_row + r] = src[r · src_row + c]` for `r < rows`, `c < cols`:
/// `rows` rows of `cols` floats copied column by column, 8 × 8 blocks
/// through registers (a transposed A's block made row-major, a transposed
/// B's columns made a panel's rows).
///
/// # Safety
/// AVX2 is available, and `src` is readable at every index above.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn transpose(src: *const f32, src_row: isize, rows: usize, cols: usize, dst: &mut [f32], dst_row: usize) {
    if rows == 0 || cols == 0 {
        return;
    }
    assert!(rows <= dst_row && (cols - 1) * dst_row + rows <= dst.len(), "a transposed copy outside its buffer");
    let d = dst.as_mut_ptr();
    let (full_rows, full_cols) = (rows / 8 * 8, cols / 8 * 8);
    let block = |r: usize, c: usize| {
        let v: [__m256; 8] = std::array::from_fn(|i| _mm256_loadu_ps(src.offset((r + i) as isize * src_row).add(c)));
        for (j, column) in crate::cpu::simd::transpose8(v).into_iter().enumerate() {
            // SAFETY: floats r..r + 8 of row c + j of `dst`, inside it (asserted).
            _mm256_storeu_ps(d.add((c + j) * dst_row + r), column);
        }
    };
    // Sixteen columns (a cache line of each source row) down all rows at a
    // time: every source line is read once, and the sixteen rows of `dst`
    // fill from start to end while their lines are in L1.
    let mut c = 0;
    while c < full_cols {
        let wide = c + 16 <= full_cols;
        for r in (0..full_rows).step_by(8) {
            block(r, c);
            if wide {
                block(r, c + 8);
            }
        }
        c += if wide { 16 } else { 8 };
    }
    // The edges: columns past the last block of 8, then rows past it.
    for r in 0..rows {
        let from = if r < full_rows { full_cols } else { 0 };
        for c in from..cols {
            dst[c * dst_row + r] = *src.offset(r as isize * src_row).add(c);
        }
    }
}

/// Packs a transposed A (`m × cols`, element `(i, p)` at `src + i + p ·
/// a_col`: a weight gradient's `gᵀ`) into tiles of `mr` ≤ 8 rows, `tile`
/// floats apart, k-major: tile `t`'s element `(r, p)` at `dst + t · tile +
/// p · mr + r`. A is read in memory order, each k's `m` adjacent floats,
/// `mr` to a tile (tile by tile, the reads would jump `a_col` floats per k,
/// lines that crowd a few of L1's sets).
///
/// # Safety
/// AVX2 is available, A is readable at every element, and `dst` writable
/// for `m.div_ceil(mr) · tile` floats.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn pack_transposed_a(src: *const f32, a_col: isize, m: usize, cols: usize, dst: *mut f32, mr: usize, tile: usize) {
    debug_assert!(mr <= 8);
    let tiles = m.div_ceil(mr);
    // Sixteen k at a time: their rows of A (16 lines a set at most) stay in
    // L1 while every tile takes its part, and each tile is written 16 k in
    // a row. (One k at a time for all tiles, each store went to another of
    // up to 64 tiles' lines: the LSTM's weight gradients spent 9% of their
    // step packing.)
    for first in (0..cols).step_by(BLOCK_K) {
        for t in 0..tiles {
            let live = lanes_below(mr.min(m - t * mr), 0);
            for p in first..(first + BLOCK_K).min(cols) {
                let x = _mm256_maskload_ps(src.offset(p as isize * a_col).add(t * mr), live);
                let to = dst.add(t * tile + p * mr);
                // A store's spill past this k's `mr` floats lands on the
                // next k's, written later; the last k's would land on the
                // next tile's first, written already, so it is masked.
                if p + 1 < cols {
                    _mm256_storeu_ps(to, x);
                } else {
                    _mm256_maskstore_ps(to, lanes_below(mr, 0), x);
                }
            }
        }
    }
}

/// K taken at a time by [`pack_transposed_a`].
const BLOCK_K: usize = 16;

/// `x · (0 < x)` lane by lane: the bits of ReLU's two operators (-0 for a
/// negative x, NaN for NaN).
#[inline(always)]
unsafe fn relu(x: __m256) -> __m256 {
    times_positive(x, x)
}

/// `x · (0 < y)` lane by lane.
#[inline(always)]
unsafe fn times_positive(x: __m256, y: __m256) -> __m256 {
    let positive = _mm256_cmp_ps::<_CMP_LT_OQ>(_mm256_setzero_ps(), y);
    _mm256_mul_ps(x, _mm256_and_ps(positive, _mm256_set1_ps(1.0)))
}

/// Tiles of up to 4 × 3 dot products: 12 accumulators of 8 lanes, 3 vectors of B, 1 of A.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn dots(d: &super::Dots) {
    let &super::Dots { m, n, k, a, a_row, b, b_col, c, c_strides, accumulate } = d;
    let mut i = 0;
    while i < m {
        let rows = 4.min(m - i);
        let mut j = 0;
        while j < n {
            let cols = 3.min(n - j);
            let (a, b) = (a.offset(i as isize * a_row), b.offset(j as isize * b_col));
            let c = c.offset(i as isize * c_strides.0 + j as isize * c_strides.1);
            macro_rules! tile {
                ($r:literal, $c:literal) => {
                    dot_tile::<$r, $c>(k, a, a_row, b, b_col, c, c_strides, accumulate)
                };
            }
            match (rows, cols) {
                (4, 3) => tile!(4, 3),
                (4, 2) => tile!(4, 2),
                (4, _) => tile!(4, 1),
                (3, 3) => tile!(3, 3),
                (3, 2) => tile!(3, 2),
                (3, _) => tile!(3, 1),
                (2, 3) => tile!(2, 3),
                (2, 2) => tile!(2, 2),
                (2, _) => tile!(2, 1),
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
    let mut acc = [[_mm256_setzero_ps(); C]; R];
    let mut p = 0;
    // Full vectors, then the tail with masked loads (which never touch the masked lanes).
    while p + 8 <= k {
        let mut bv = [_mm256_setzero_ps(); C];
        for (jj, v) in bv.iter_mut().enumerate() {
            *v = _mm256_loadu_ps(b.offset(jj as isize * b_col).add(p));
        }
        for (ii, row) in acc.iter_mut().enumerate() {
            let av = _mm256_loadu_ps(a.offset(ii as isize * a_row).add(p));
            for (jj, x) in row.iter_mut().enumerate() {
                *x = _mm256_fmadd_ps(av, bv[jj], *x);
            }
        }
        p += 8;
    }
    if p < k {
        let mask = lanes_below(k, p);
        let mut bv = [_mm256_setzero_ps(); C];
        for (jj, v) in bv.iter_mut().enumerate() {
            *v = _mm256_maskload_ps(b.offset(jj as isize * b_col).add(p), mask);
        }
        for (ii, row) in acc.iter_mut().enumerate() {
            let av = _mm256_maskload_ps(a.offset(ii as isize * a_row).add(p), mask);
            for (jj, x) in row.iter_mut().enumerate() {
                *x = _mm256_fmadd_ps(av, bv[jj], *x);
            }
        }
    }
    for (ii, row) in acc.iter().enumerate() {
        for (jj, x) in row.iter().enumerate() {
            let out = c.offset(ii as isize * c_row + jj as isize * c_col);
            let sum = horizontal_sum(*x);
            *out = if accumulate { *out + sum } else { sum };
        }
    }
}

#[inline(always)]
unsafe fn horizontal_sum(v: __m256) -> f32 {
    let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
    let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps::<1>(s, s)))
}
