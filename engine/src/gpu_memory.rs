//! A test's budget of GPU memory. The CUDA driver limits no process, so on a shared GPU
//! one test could take the memory the tests beside it need (other learners' among them):
//! the grader sets the budget, and the CUDA backend refuses a larger computation.
#![cfg_attr(not(feature = "cuda"), allow(dead_code))]

/// Set by the grader (`nma_harness::protocol::MEMORY_LIMIT_ENV`, the same name): the MiB
/// one test may use, GPU memory included.
pub const MEMORY_LIMIT_ENV: &str = "NMA_MEMORY_MB";

/// Whether a computation whose buffers take `bytes` may run on the GPU under `budget_mb`
/// (none: no limit), or a message saying why not.
pub(crate) fn check(bytes: u64, budget_mb: Option<u64>) -> Result<(), String> {
    match budget_mb {
        Some(budget) if bytes > budget.saturating_mul(1024 * 1024) => Err(format!(
            "this computation needs {} MiB of GPU memory at once, and a test may use {budget} MiB: \
             look for a tensor far larger than the exercise needs",
            bytes.div_ceil(1024 * 1024)
        )),
        _ => Ok(()),
    }
}

/// The budget from [`MEMORY_LIMIT_ENV`], read once.
pub(crate) fn budget_mb() -> Option<u64> {
    static BUDGET: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *BUDGET.get_or_init(|| std::env::var(MEMORY_LIMIT_ENV).ok().and_then(|v| v.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_computation_larger_than_the_gpu_budget_is_refused_with_its_size() {
        assert_eq!(check(u64::MAX, None), Ok(()), "no budget: no limit");
        assert_eq!(check(2048 << 20, Some(2048)), Ok(()), "exactly the budget fits");
        let why = check((2048 << 20) + 1, Some(2048)).unwrap_err();
        assert!(why.contains("needs 2049 MiB") && why.contains("may use 2048 MiB"), "{why}");
    }
}
