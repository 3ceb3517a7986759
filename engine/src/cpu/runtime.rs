//! Controls and measurements of the CPU backend (public as `nma_engine::runtime`).

use super::profile::{PROFILE, STEP_PROFILE};
use super::{packed, pool, simd, CACHE, UNFUSED_HERE};
use std::collections::BTreeMap;

/// Turns the fused operators off (or back on) for layers built on the calling
/// thread: LSTM layers then unroll their cells step by step, and max pooling
/// is two max reductions (the references the fused kernels are tested
/// against, and a comparison for benchmarks).
pub fn set_fused_operators(on: bool) {
    UNFUSED_HERE.with(|u| u.set(!on));
}

/// The vector instructions the kernels use (`NMA_SIMD` can lower it),
/// and whether products run on our own kernel or on `matrixmultiply`:
/// e.g. "avx512, products on ours" — what the benches print.
pub fn code_path() -> String {
    let products = if packed::enabled() { "ours" } else { "matrixmultiply" };
    format!("{}, products on {products}", simd::path().name())
}

/// Use `n` threads (1 or 2) for large matrix products. The default is
/// `NMA_THREADS`, else the machine's cores (at most 2).
pub fn set_threads(n: usize) {
    pool::set_threads(n)
}

/// The number of threads large matrix products use.
pub fn threads() -> usize {
    pool::threads()
}

/// Starts (or, with `false`, stops) recording time per kernel kind on this thread.
pub fn set_profiling(on: bool) {
    PROFILE.with(|p| *p.borrow_mut() = on.then(BTreeMap::new));
}

/// Time spent per kernel kind since profiling started (or the last call),
/// as `(kind, seconds, calls)`, longest first. Profiling stays on.
pub fn take_profile() -> Vec<(&'static str, f64, u64)> {
    let mut rows: Vec<(&'static str, f64, u64)> = PROFILE.with(|p| {
        p.borrow_mut()
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, (d, n))| (k, d.as_secs_f64(), n))
            .collect()
    });
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows
}

/// The `n` most expensive kernels since profiling started (or the last
/// call), each with its shape details, total seconds and runs.
pub fn take_kernel_profile(n: usize) -> Vec<(String, f64, u64)> {
    let mut rows: Vec<(String, f64, u64)> = STEP_PROFILE.with(|sp| {
        std::mem::take(&mut *sp.borrow_mut())
            .into_values()
            .map(|(d, t, runs)| (d, t.as_secs_f64(), runs))
            .collect()
    });
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows.truncate(n);
    rows
}

/// Compiled programs currently cached on this thread.
pub fn cached_programs() -> usize {
    CACHE.with(|c| c.borrow().entries.len())
}

/// Drops every cached program on this thread.
pub fn clear_cache() {
    CACHE.with(|c| c.borrow_mut().entries.clear());
}
