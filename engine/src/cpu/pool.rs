//! Two-way parallelism for large kernels: one persistent helper thread that
//! may take the second half of a job while the calling thread runs the first.
//!
//! Starting a thread per call costs tens of microseconds, more than a whole
//! small kernel, so the helper lives for the process, spins briefly after each
//! job (the kernels of one training step come in quick succession) and then
//! sleeps. The second half is *claimed*: if the helper has not picked it up
//! by the time the caller finishes the first half (it may be asleep, or the
//! machine busy), the caller runs it too. A slow helper therefore never makes
//! a job slower than running it on one thread.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock, TryLockError};
use std::time::{Duration, Instant};

static THREADS: AtomicUsize = AtomicUsize::new(0);

#[cfg(test)]
thread_local! {
    /// The unit tests' thread count, per test thread (0: unset). Tests run
    /// side by side in one process, and one test's `set_threads` between
    /// another's two runs of a program changed how a summed batch split,
    /// and so its bits, failing that test's rerun check.
    static HERE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Threads kernels may use: `set_threads`, else `NMA_THREADS`, else up to 2 of the available cores.
pub(crate) fn threads() -> usize {
    #[cfg(test)]
    if let n @ 1.. = HERE.with(std::cell::Cell::get) {
        return n;
    }
    match THREADS.load(Ordering::Relaxed) {
        0 => {
            let n = std::env::var("NMA_THREADS")
                .ok()
                .and_then(|s| s.parse::<usize>().ok())
                .filter(|&n| n > 0)
                .unwrap_or_else(|| {
                    std::thread::available_parallelism()
                        .map(|n| n.get())
                        .unwrap_or(1)
                })
                .min(2);
            THREADS.store(n, Ordering::Relaxed);
            n
        }
        n => n,
    }
}

pub(crate) fn set_threads(n: usize) {
    #[cfg(test)]
    return HERE.with(|h| h.set(n.clamp(1, 2)));
    #[cfg(not(test))]
    THREADS.store(n.clamp(1, 2), Ordering::Relaxed);
}

struct Helper {
    /// Incremented for every posted job.
    posted: AtomicU64,
    /// The second half has been taken (by the helper or the caller).
    claimed: AtomicBool,
    /// The helper finished the half it claimed (or panicked in it: `failed`).
    done: AtomicBool,
    failed: AtomicBool,
    /// The posted job: a `&(dyn Fn(usize) + Sync)` as two words.
    job: Mutex<[usize; 2]>,
    wake: Condvar,
}

fn helper() -> &'static Helper {
    static HELPER: OnceLock<&'static Helper> = OnceLock::new();
    HELPER.get_or_init(|| {
        let h: &'static Helper = Box::leak(Box::new(Helper {
            posted: AtomicU64::new(0),
            claimed: AtomicBool::new(true),
            done: AtomicBool::new(true),
            failed: AtomicBool::new(false),
            job: Mutex::new([0; 2]),
            wake: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("nma-engine-worker".into())
            .spawn(move || worker(h))
            .expect("could not start the engine's worker thread");
        h
    })
}

/// How long the helper spins for the next job before it sleeps: longer than
/// the gap between one training step's last kernel and the next step's
/// first (building the graph, the optimizer: ~0.3 ms on the transformer
/// bench). Woken from sleep, the helper cost that first kernel ~65 µs on a
/// Xeon VM (the transformer's step at 2 threads 6.44 → 6.34 ms with 1 ms
/// here instead of 0.1).
const HELPER_SPIN: Duration = Duration::from_millis(1);

fn worker(h: &'static Helper) {
    let mut seen = 0u64;
    loop {
        // Spin a little for the next job, then sleep until one is posted.
        // Yielding while spinning: on a busy machine the helper may share a
        // core with the caller, and must not take the caller's time there
        // (alone on a core, a yield returns at once).
        let spin_until = Instant::now() + HELPER_SPIN;
        while h.posted.load(Ordering::Acquire) == seen && Instant::now() < spin_until {
            std::thread::yield_now();
        }
        let words = {
            let mut job = h.job.lock().unwrap();
            while h.posted.load(Ordering::Acquire) == seen {
                job = h.wake.wait(job).unwrap();
            }
            seen = h.posted.load(Ordering::Acquire);
            if h
                .claimed
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                continue; // the caller already ran it
            }
            *job
        };
        // SAFETY: the caller waits for `done` once the half is claimed, so
        // the closure outlives this use.
        let f: &(dyn Fn(usize) + Sync) = unsafe { std::mem::transmute(words) };
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(1))).is_ok();
        h.failed.store(!ok, Ordering::Release);
        h.done.store(true, Ordering::Release);
    }
}

/// Runs `f(0)` and `f(1)`, on this thread and (if it is free in time) the
/// helper, returning when both are done.
pub(crate) fn run2(f: &(dyn Fn(usize) + Sync)) {
    static IN_USE: Mutex<()> = Mutex::new(());
    let _guard = match IN_USE.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            // Another thread is using the helper.
            f(0);
            f(1);
            return;
        }
    };
    let h = helper();
    // SAFETY: a fat reference is two words; see `worker`.
    let words: [usize; 2] = unsafe { std::mem::transmute(f) };
    {
        let mut job = h.job.lock().unwrap();
        *job = words;
        h.done.store(false, Ordering::Release);
        h.claimed.store(false, Ordering::Release);
        h.posted.fetch_add(1, Ordering::AcqRel);
    }
    h.wake.notify_one();
    let mine = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(0)));
    if h
        .claimed
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_ok()
    {
        // The helper did not start it: do it here.
        match mine {
            Ok(()) => f(1),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        return;
    }
    let mut spins = 0u32;
    while !h.done.load(Ordering::Acquire) {
        spins += 1;
        if spins.is_multiple_of(64) {
            std::thread::yield_now();
        } else {
            std::hint::spin_loop();
        }
    }
    if let Err(panic) = mine {
        std::panic::resume_unwind(panic);
    }
    assert!(
        !h.failed.load(Ordering::Acquire),
        "internal error: a kernel panicked on the engine's worker thread"
    );
}

/// Runs `f` on two parts of a job, one per thread (see [`run2`]): each part
/// (typically a half of an output plus where it starts) is handed to
/// exactly one call.
pub(crate) fn run_parts<T: Send>([a, b]: [T; 2], f: &(dyn Fn(T) + Sync)) {
    let parts = [Mutex::new(Some(a)), Mutex::new(Some(b))];
    run2(&|i: usize| {
        let taken = parts[i].lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(part) = taken {
            f(part);
        }
    });
}
