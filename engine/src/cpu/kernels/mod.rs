//! The CPU kernels a compiled program runs: fused elementwise loops, strided
//! reductions, and matrix products (our packed-panel or dot-product kernels
//! in `packed` where the CPU has AVX2 or AVX-512, else `matrixmultiply`'s sgemm),
//! split over the worker pool when large. Every kernel reads its inputs
//! through [`Strided`] views computed at compile time. One file per family:
//! `gather`, `sum_of_views`, `elementwise`, `reduce`, `rows`, `products`, `pooling`, `softmax`; here what
//! they share (vector width, buffer access, when to split over two threads).

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
/// so that its loops are compiled with each set of features. The `fma`
/// form passes `$inner` a `const FMA: bool`, true on the vector paths
/// (which all have FMA, see [`simd::detected`]), where `f32::mul_add` then
/// compiles to one instruction; the baseline gets false and must multiply
/// and add (there `mul_add` would be a library call per element).
macro_rules! widest_vectors {
    (fma $(#[$attr:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $inner:ident) => {
        $(#[$attr])*
        $vis fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,fma")]
                unsafe fn wide16($($arg: $ty),*) {
                    $inner::<true>($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn wide8($($arg: $ty),*) {
                    $inner::<true>($($arg),*)
                }
                match vector_width() {
                    // SAFETY: the CPU has these features (checked by `vector_width`).
                    16 => return unsafe { wide16($($arg),*) },
                    8 => return unsafe { wide8($($arg),*) },
                    _ => {}
                }
            }
            $inner::<false>($($arg),*)
        }
    };
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

/// Checks that a row kernel's operands are each as long as `out`, whole
/// rows of `len` floats (softmax, layer norm and their adjoints).
pub(crate) fn check_rows(what: &str, operands: &[&[f32]], len: usize, out: &[f32]) {
    assert!(operands.iter().all(|o| o.len() == out.len()), "{what}: operands of the wrong length");
    assert!(len > 0 && out.len().is_multiple_of(len), "{what}: rows of {len} do not tile {} floats", out.len());
}

/// Where a row kernel's output of `floats` floats, rows of `len`, splits
/// between two threads: after half its rows, in whole groups of `group`
/// rows; `None` where it stays on one thread (short, or under two groups).
/// Each row is computed on its own, so where the halves meet changes no bit.
pub(crate) fn row_halves(floats: usize, len: usize, group: usize) -> Option<usize> {
    let rows = floats / len;
    (worth_splitting(floats) && rows >= 2 * group).then(|| rows / 2 / group * group * len)
}

mod elementwise;
mod gather;
mod layer_norm;
mod pooling;
mod products;
mod reduce;
pub(crate) mod rows;
mod softmax;
mod sum_of_views;

pub(crate) use elementwise::*;
pub(crate) use gather::*;
pub(crate) use layer_norm::*;
pub(crate) use pooling::*;
pub(crate) use products::*;
pub(crate) use reduce::*;
pub(crate) use softmax::*;
pub(crate) use sum_of_views::*;
