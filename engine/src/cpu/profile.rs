//! The CPU backend's profiler: time per kernel kind, and per kernel of each
//! program, recorded only while `runtime::set_profiling(true)` is on.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A kernel of a cached program: (program address, step index).
pub(super) type StepKey = (usize, usize);

thread_local! {
    pub(super) static PROFILE: RefCell<Option<BTreeMap<&'static str, (Duration, u64)>>> = const { RefCell::new(None) };
    /// Per kernel of every program run while profiling: (description, time, runs).
    pub(super) static STEP_PROFILE: RefCell<BTreeMap<StepKey, (String, Duration, u64)>> = const { RefCell::new(BTreeMap::new()) };
}

/// Adds the time since `since` to `kind`, when profiling.
pub(crate) fn record(kind: &'static str, since: Instant) {
    PROFILE.with(|p| {
        if let Some(map) = p.borrow_mut().as_mut() {
            let e = map.entry(kind).or_default();
            e.0 += since.elapsed();
            e.1 += 1;
        }
    });
}

pub(super) fn profiling() -> bool {
    PROFILE.with(|p| p.borrow().is_some())
}

/// Adds `elapsed` to kernel `key`, described by `describe` the first time.
pub(super) fn record_step(key: StepKey, elapsed: Duration, describe: impl FnOnce() -> String) {
    STEP_PROFILE.with(|sp| {
        let mut sp = sp.borrow_mut();
        let e = sp.entry(key).or_insert_with(|| (describe(), Duration::ZERO, 0));
        e.1 += elapsed;
        e.2 += 1;
    });
}
