//! Sums, maxima and dot products along eight rows at once (or a few
//! groups of eight), each row still one chain in index order
//! (`((0 + x₀) + x₁) + …`, the bits of a plain loop), as the row reductions
//! and row-wise dots of softmax and layer norm need.
//!
//! A row's chain waits on its previous add; eight rows side by side overlap
//! their chains. With AVX2 each 8 × 8 block (eight rows, eight elements) is
//! loaded as eight vectors and transposed, so one vector add advances all
//! eight chains by one element; elsewhere the eight chains run as scalars.
//! One vector chain still waits on itself (an add 4 cycles, a NaN-skipping
//! max 7): up to [`MAX_GROUPS`] groups of eight rows advance side by side,
//! so their chains overlap too.

use super::simd::SimdPath;

/// Lanes: rows advanced together by one vector.
pub(crate) const LANES: usize = 8;

/// Most groups of [`LANES`] rows one call advances side by side.
pub(crate) const MAX_GROUPS: usize = 4;

/// Checks, as it compiles, that `N` rows are whole groups, and no more than [`MAX_GROUPS`].
fn check_groups<const N: usize>() {
    const { assert!(N.is_multiple_of(LANES) && N <= LANES * MAX_GROUPS, "rows must be whole groups of LANES, at most MAX_GROUPS") }
}

/// `acc[l] += rows[l][0] + rows[l][1] + …` in order; every row has `len`
/// elements, `N` a multiple of [`LANES`] up to `LANES · MAX_GROUPS`.
pub(crate) fn sum_rows<const N: usize>(rows: &[&[f32]; N], len: usize, acc: &mut [f32; N]) {
    check_groups::<N>();
    assert!(rows.iter().all(|r| r.len() >= len), "a row shorter than its sum");
    #[cfg(target_arch = "x86_64")]
    if super::simd::path() >= SimdPath::Avx2 {
        // SAFETY: the CPU has AVX2 (checked), and every row has `len` elements (checked).
        return unsafe { avx2::chains(rows, None, len, acc) };
    }
    scalar_chains(rows, None, len, acc)
}

/// `acc[l] += a[l][0]·b[l][0] + a[l][1]·b[l][1] + …` in order (each product
/// rounded, then added: no FMA); every row has `len` elements, `N` as for
/// [`sum_rows`].
pub(crate) fn dot_rows<const N: usize>(a: &[&[f32]; N], b: &[&[f32]; N], len: usize, acc: &mut [f32; N]) {
    check_groups::<N>();
    assert!(a.iter().chain(b).all(|r| r.len() >= len), "a row shorter than its dot product");
    #[cfg(target_arch = "x86_64")]
    if super::simd::path() >= SimdPath::Avx2 {
        // SAFETY: the CPU has AVX2 (checked), and every row has `len` elements (checked).
        return unsafe { avx2::chains(a, Some(b), len, acc) };
    }
    scalar_chains(a, Some(b), len, acc)
}

/// `acc[l] = acc[l].max(rows[l][0]).max(rows[l][1])…` in order (`f32::max`:
/// a NaN element is skipped); every row has `len` elements, `N` as for
/// [`sum_rows`].
pub(crate) fn max_rows<const N: usize>(rows: &[&[f32]; N], len: usize, acc: &mut [f32; N]) {
    check_groups::<N>();
    assert!(rows.iter().all(|r| r.len() >= len), "a row shorter than its maximum");
    #[cfg(target_arch = "x86_64")]
    if super::simd::path() >= SimdPath::Avx2 {
        // SAFETY: the CPU has AVX2 (checked), and every row has `len` elements (checked).
        return unsafe { avx2::max_chains(rows, len, acc) };
    }
    scalar_max_chains(rows, len, acc)
}

fn scalar_max_chains<const N: usize>(rows: &[&[f32]; N], len: usize, acc: &mut [f32; N]) {
    for k in 0..len {
        for l in 0..N {
            acc[l] = acc[l].max(rows[l][k]);
        }
    }
}

/// The chains of `a` (times `b`, when given) as scalars.
fn scalar_chains<const N: usize>(a: &[&[f32]; N], b: Option<&[&[f32]; N]>, len: usize, acc: &mut [f32; N]) {
    for k in 0..len {
        for l in 0..N {
            acc[l] += match b {
                Some(b) => a[l][k] * b[l][k],
                None => a[l][k],
            };
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{LANES, MAX_GROUPS};
    use crate::cpu::simd::transpose8;
    use std::arch::x86_64::*;

    /// The chains of `a` (times `b`, when given), 8 × 8 blocks transposed,
    /// `N / 8` groups of eight rows side by side.
    ///
    /// # Safety
    /// AVX2 is available, and every row of `a` and `b` has at least `len` elements.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn chains<const N: usize>(a: &[&[f32]; N], b: Option<&[&[f32]; N]>, len: usize, acc: &mut [f32; N]) {
        let groups = N / LANES;
        let mut sums = [_mm256_setzero_ps(); MAX_GROUPS];
        for (g, sum) in sums.iter_mut().enumerate().take(groups) {
            *sum = _mm256_loadu_ps(acc.as_ptr().add(g * LANES));
        }
        let blocks = len / 8;
        for block in 0..blocks {
            let at = block * 8;
            for (g, sum) in sums.iter_mut().enumerate().take(groups) {
                let rows = g * LANES;
                let mut v = [_mm256_setzero_ps(); 8];
                for (l, v) in v.iter_mut().enumerate() {
                    *v = _mm256_loadu_ps(a[rows + l].as_ptr().add(at));
                    if let Some(b) = b {
                        *v = _mm256_mul_ps(*v, _mm256_loadu_ps(b[rows + l].as_ptr().add(at)));
                    }
                }
                // Column j of the block: element `at + j` of every row, in order.
                for column in transpose8(v) {
                    *sum = _mm256_add_ps(*sum, column);
                }
            }
        }
        for (g, sum) in sums.iter().enumerate().take(groups) {
            _mm256_storeu_ps(acc.as_mut_ptr().add(g * LANES), *sum);
        }
        for k in blocks * 8..len {
            for l in 0..N {
                let x = match b {
                    Some(b) => a[l][k] * b[l][k],
                    None => a[l][k],
                };
                acc[l] += x;
            }
        }
    }

    /// The maxima of `a`, 8 × 8 blocks transposed, `N / 8` groups of eight
    /// rows side by side.
    ///
    /// # Safety
    /// AVX2 is available, and every row of `a` has at least `len` elements.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn max_chains<const N: usize>(a: &[&[f32]; N], len: usize, acc: &mut [f32; N]) {
        let groups = N / LANES;
        let mut bests = [_mm256_setzero_ps(); MAX_GROUPS];
        for (g, best) in bests.iter_mut().enumerate().take(groups) {
            *best = _mm256_loadu_ps(acc.as_ptr().add(g * LANES));
        }
        for block in 0..len / 8 {
            for (g, best) in bests.iter_mut().enumerate().take(groups) {
                let v: [__m256; 8] = std::array::from_fn(|l| _mm256_loadu_ps(a[g * LANES + l].as_ptr().add(block * 8)));
                for column in transpose8(v) {
                    // `f32::max`: maxps returns its second operand when either is
                    // NaN, which skips a NaN element; a NaN so far gives way to
                    // the element.
                    let max = _mm256_max_ps(column, *best);
                    *best = _mm256_blendv_ps(max, column, _mm256_cmp_ps::<_CMP_UNORD_Q>(*best, *best));
                }
            }
        }
        for (g, best) in bests.iter().enumerate().take(groups) {
            _mm256_storeu_ps(acc.as_mut_ptr().add(g * LANES), *best);
        }
        for k in len / 8 * 8..len {
            for l in 0..N {
                acc[l] = acc[l].max(a[l][k]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both paths give the bits of one plain loop per row, for lengths with
    /// and without a tail, NaN and infinities included, one group of eight
    /// rows and four side by side.
    #[test]
    fn eight_chains_give_the_bits_of_one_loop_per_row() {
        rows_give_the_bits_of_one_loop_per_row::<LANES>();
        rows_give_the_bits_of_one_loop_per_row::<{ LANES * MAX_GROUPS }>();
    }

    fn rows_give_the_bits_of_one_loop_per_row<const N: usize>() {
        let value = |l: usize, k: usize| ((l * 31 + k * 17) % 23) as f32 * 0.37 - 4.1 + 1e-3 * k as f32;
        for len in [0, 1, 7, 8, 9, 32, 64, 71] {
            let mut a: Vec<Vec<f32>> = (0..N).map(|l| (0..len).map(|k| value(l, k)).collect()).collect();
            let b: Vec<Vec<f32>> = (0..N).map(|l| (0..len).map(|k| value(k, l + 3)).collect()).collect();
            if len > 5 {
                // In the first group and, where there is one, the last.
                for g in [0, N - LANES] {
                    a[g + 2][5] = f32::NAN;
                    a[g + 3][1] = f32::INFINITY;
                    a[g + 5] = (0..len).map(|k| if (k + g) % 2 == 0 { 0.0 } else { -0.0 }).collect();
                    a[g + 6][0] = f32::NAN;
                    a[g + 7][len - 1] = f32::NEG_INFINITY;
                }
            }
            let rows = |v: &Vec<Vec<f32>>| -> [Vec<f32>; N] { std::array::from_fn(|l| v[l].clone()) };
            let (ra, rb) = (rows(&a), rows(&b));
            let (ar, br): ([&[f32]; N], [&[f32]; N]) = (std::array::from_fn(|l| &ra[l][..]), std::array::from_fn(|l| &rb[l][..]));
            let start: [f32; N] = std::array::from_fn(|l| l as f32 * 0.5);
            let (mut sums, mut dots, mut scalar_sums, mut scalar_dots) = (start, start, start, start);
            sum_rows(&ar, len, &mut sums);
            dot_rows(&ar, &br, len, &mut dots);
            scalar_chains(&ar, None, len, &mut scalar_sums);
            scalar_chains(&ar, Some(&br), len, &mut scalar_dots);
            // Maxima from -inf, and from a NaN (which gives way), over rows with NaN, ±0 and ±inf.
            let mut max_start = [f32::NEG_INFINITY; N];
            max_start[4] = f32::NAN;
            max_start[N - 3] = f32::NAN;
            let (mut maxima, mut scalar_maxima) = (max_start, max_start);
            max_rows(&ar, len, &mut maxima);
            scalar_max_chains(&ar, len, &mut scalar_maxima);
            for l in 0..N {
                let sum = (0..len).fold(start[l], |s, k| s + a[l][k]);
                let dot = (0..len).fold(start[l], |s, k| s + a[l][k] * b[l][k]);
                let max = (0..len).fold(max_start[l], |m, k| m.max(a[l][k]));
                for (got, want, what) in [(sums, sum, "sum"), (scalar_sums, sum, "scalar sum"), (dots, dot, "dot"), (scalar_dots, dot, "scalar dot"), (maxima, max, "max"), (scalar_maxima, max, "scalar max")] {
                    assert_eq!(got[l].to_bits(), want.to_bits(), "row {l} of {N} rows of {len}: {what}");
                }
            }
        }
    }
}
