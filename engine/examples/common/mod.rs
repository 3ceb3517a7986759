//! Timing and profiling shared by the bench examples (`bench_mlp`, `bench_cnn`, `bench_seq`).

use nma_engine::runtime;
use std::time::Instant;

/// Runs `step` `warmup` times untimed, then `steps` times timed; returns the median,
/// 10th and 90th percentile in ms/step, and the last loss (which must stay finite).
pub fn time_steps(mut step: impl FnMut() -> f32, warmup: usize, steps: usize) -> (f64, f64, f64, f32) {
    let mut times = Vec::with_capacity(steps);
    let mut loss = 0.0;
    for i in 0..warmup + steps {
        let t = Instant::now();
        loss = step();
        assert!(loss.is_finite(), "the benchmarked step diverged (loss {loss})");
        if i >= warmup {
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    (at(50), at(10), at(90), loss)
}

/// Time per kernel kind over `steps` steps, in µs per step, as printable lines; what the
/// profile does not account for is reported as "outside realization". With
/// `NMA_PROFILE_KERNELS` set, the costliest kernels are listed too.
pub fn profile(steps: usize, step: &mut dyn FnMut() -> f32) -> String {
    if profiles_off() {
        return String::new();
    }
    runtime::set_profiling(true);
    let t = Instant::now();
    for _ in 0..steps {
        step();
    }
    let total = t.elapsed().as_secs_f64();
    let rows = runtime::take_profile();
    runtime::set_profiling(false);
    let per_step = |s: f64| s / steps as f64 * 1e6;
    let mut out = String::new();
    let mut accounted = 0.0;
    for (kind, seconds, calls) in &rows {
        // Indented kinds are parts of another kind's time.
        if !kind.starts_with(' ') {
            accounted += seconds;
        }
        out += &format!("  {kind:<26} {:>9.1} us  ({:.0} calls)\n", per_step(*seconds), *calls as f64 / steps as f64);
    }
    // NMA_PROFILE_KERNELS=N (or =1 for 25) also lists the N costliest kernels with their shapes.
    if let Ok(n) = std::env::var("NMA_PROFILE_KERNELS") {
        let n = n.parse().ok().filter(|&n| n > 1).unwrap_or(25);
        for (what, seconds, runs) in runtime::take_kernel_profile(n) {
            out += &format!("    {:>8.1} us x{:.1}  {what}\n", per_step(seconds), runs as f64 / steps as f64);
        }
    } else {
        runtime::take_kernel_profile(0);
    }
    out += &format!(
        "  {:<26} {:>9.1} us\n  {:<26} {:>9.1} us",
        "outside realization",
        per_step(total - accounted),
        "total (profiled)",
        per_step(total)
    );
    out
}

/// One machine-readable line per measurement, the same on the PyTorch side
/// (`bench/torch_common.py`), read by `scripts/bench-vs-torch`.
pub fn result(step: &str, threads: usize, ms: f64) {
    println!("result step={step} threads={threads} ms={ms:.4} path={}", runtime::code_path());
}

/// Whether the per-kernel profiles should be skipped (`NMA_BENCH_PROFILE=0`,
/// as `scripts/bench-vs-torch` sets: it wants only the timings).
pub fn profiles_off() -> bool {
    std::env::var("NMA_BENCH_PROFILE").is_ok_and(|v| v == "0")
}
