//! The packed product and dot products in AVX-512: tiles of 8 rows × 32
//! columns (16 accumulators of 16 floats), masked loads and stores at the edges.

use super::{a_layout, a_rows, tile_a, tile_rows, Epilogue, Start, A_PACKED, A_ROWS, A_STRIDED, UNROLL};
use std::arch::x86_64::*;

/// Rows of C per tile: 8 rows × 2 vectors = 16 of the 32 registers.
pub(super) const MR: usize = 8;

/// All rows of C for one panel of B (`cols` of its NR columns real, rows
/// `panel_row` floats apart: NR when packed), in tiles of MR rows, each
/// tile's A `a_tile` floats after the last's; `epilogue` ends every row of C
/// (its bias a row of `cols` floats).
#[target_feature(enable = "avx512f")]
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
    // Half a panel or less (attention's heads of 16): one vector per row.
    let wide = cols > 16;
    // Two accumulators a row when wide, one when not: four or eight rows keep the FMAs busy.
    for (i, rows) in tile_rows(m, MR, if wide { 4 } else { MR }, a_layout == A_PACKED) {
        let (a, c) = (tile_a(a, i, MR, a_layout, a_tile, a_strides.0), c.offset(i as isize * c_row));
        // A's layout a constant of the tile (see `a_layout`).
        macro_rules! tile {
            ($r:literal) => {
                match (a_layout, wide) {
                    (A_PACKED, true) => tile::<$r, A_PACKED, true>(k, a, a_strides, panel, panel_row, c, c_row, cols, start, epilogue),
                    (A_PACKED, false) => tile::<$r, A_PACKED, false>(k, a, a_strides, panel, panel_row, c, c_row, cols, start, epilogue),
                    (A_ROWS, true) => tile::<$r, A_ROWS, true>(k, a, a_strides, panel, panel_row, c, c_row, cols, start, epilogue),
                    (A_ROWS, false) => tile::<$r, A_ROWS, false>(k, a, a_strides, panel, panel_row, c, c_row, cols, start, epilogue),
                    (_, true) => tile::<$r, A_STRIDED, true>(k, a, a_strides, panel, panel_row, c, c_row, cols, start, epilogue),
                    (_, false) => tile::<$r, A_STRIDED, false>(k, a, a_strides, panel, panel_row, c, c_row, cols, start, epilogue),
                }
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
    }
}

/// R rows × NR columns of C: 2R accumulators, one FMA per element and k
/// (A read as `A_LAYOUT` says, see `a_layout`; not `WIDE`: `cols` ≤ 16, so
/// only the left vector of each row, and only 16 floats of each row of B read).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile<const R: usize, const A_LAYOUT: u8, const WIDE: bool>(
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
            if WIDE {
                right[i] = _mm512_maskz_loadu_ps(m1, row.add(16));
            }
        }
    }
    let mut b = panel;
    let (mut rows, a_col) = a_rows::<R, A_LAYOUT>(a, (a_row, a_col), MR);
    // The `u`th k after the current one (see `k_loop`).
    macro_rules! step {
        ($u:expr) => {{
            let b = b.add($u * panel_row);
            let b0 = _mm512_loadu_ps(b);
            let b1 = if WIDE { _mm512_loadu_ps(b.add(16)) } else { b0 };
            for i in 0..R {
                let x = _mm512_set1_ps(*rows[i].offset($u * a_col));
                left[i] = _mm512_fmadd_ps(x, b0, left[i]);
                if WIDE {
                    right[i] = _mm512_fmadd_ps(x, b1, right[i]);
                }
            }
        }};
    }
    k_loop!(k, step, b, panel_row, rows, a_col);
    // A bias row added to every row of C, then ReLU or its gradient's mask, as the product's last steps.
    let bias = epilogue.bias;
    let row_bias = (!bias.is_null()).then(|| (_mm512_maskz_loadu_ps(m0, bias), _mm512_maskz_loadu_ps(m1, bias.add(16))));
    for i in 0..R {
        let row = c.offset(i as isize * c_row);
        let (mut x0, mut x1) = (left[i], right[i]);
        if start == Start::AddToC {
            x0 = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, row), x0);
            x1 = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, row.add(16)), x1);
        }
        if let Some((b0, b1)) = row_bias {
            x0 = _mm512_add_ps(x0, b0);
            x1 = _mm512_add_ps(x1, b1);
        }
        if epilogue.relu {
            (x0, x1) = (relu(x0), relu(x1));
        }
        if !epilogue.mask.0.is_null() {
            let y = epilogue.mask_row(row);
            let (y0, y1) = (_mm512_maskz_loadu_ps(m0, y), _mm512_maskz_loadu_ps(m1, y.add(16)));
            (x0, x1) = (times_positive(x0, y0), times_positive(x1, y1));
        }
        _mm512_mask_storeu_ps(row, m0, x0);
        _mm512_mask_storeu_ps(row.add(16), m1, x1);
    }
}

/// `x · (0 < x)` lane by lane: the bits of ReLU's two operators (-0 for a
/// negative x, NaN for NaN).
#[inline(always)]
unsafe fn relu(x: __m512) -> __m512 {
    times_positive(x, x)
}

/// `x · (0 < y)` lane by lane.
#[inline(always)]
unsafe fn times_positive(x: __m512, y: __m512) -> __m512 {
    let positive = _mm512_cmp_ps_mask::<_CMP_LT_OQ>(_mm512_setzero_ps(), y);
    _mm512_mul_ps(x, _mm512_maskz_mov_ps(positive, _mm512_set1_ps(1.0)))
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
