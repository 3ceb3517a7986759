//! Allocator tuning for glibc.
//!
//! A training step frees and reallocates the same few buffers every step; the
//! largest (a 784×128 weight's gradient, the product feeding it) are ~400 KB.
//! glibc's defaults handle that pattern badly: blocks above the *dynamic* mmap
//! threshold are mmapped and unmapped each time, and once the threshold has
//! grown, freeing them leaves more than `M_TRIM_THRESHOLD` free at the top of
//! the heap, which glibc returns to the OS (`brk` down) — only for the next
//! step to take it back and page-fault every page in again. Measured on the
//! MLP benchmark that cost ~0.28 ms per step (0.58 → 0.30 ms). Fixed thresholds stop
//! both: blocks up to 32 MiB come from the heap, and up to 64 MiB of free heap
//! top is kept for reuse (it is still reused by the process, never leaked).
//! Set once, from the first realization (any backend); only on glibc Linux
//! (other allocators don't have this behaviour or this knob), and not when
//! the user chose thresholds through glibc's environment variables.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn tune() {
    use std::sync::Once;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // <malloc.h>: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
        extern "C" {
            fn mallopt(
                param: std::os::raw::c_int,
                value: std::os::raw::c_int,
            ) -> std::os::raw::c_int;
        }
        const M_TRIM_THRESHOLD: std::os::raw::c_int = -1;
        const M_MMAP_THRESHOLD: std::os::raw::c_int = -3;
        // Respect a user's explicit choice (GLIBC_TUNABLES / MALLOC_*_ env vars).
        let user_set = std::env::var_os("GLIBC_TUNABLES").is_some_and(|v| {
            let v = v.to_string_lossy();
            v.contains("trim_threshold") || v.contains("mmap_threshold")
        }) || std::env::var_os("MALLOC_TRIM_THRESHOLD_").is_some()
            || std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_some();
        if user_set {
            return;
        }
        // SAFETY: mallopt only changes the allocator's parameters; glibc
        // serializes it with allocation internally.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 32 << 20);
            mallopt(M_TRIM_THRESHOLD, 64 << 20);
        }
    });
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn tune() {}
