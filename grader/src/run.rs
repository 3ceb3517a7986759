//! Running each test of a built submission in its own child process.
//!
//! One process per test: a crash, abort or endless loop in one test cannot take the
//! others' results with it. The child reports on a private pipe (fd 3, see
//! `nma_harness`), never on stdout, so printing cannot forge a result.

use crate::build::{TestFn, LEARNER_FILE};
use crate::course::Limits;
use crate::streams::read_capped;
use crate::protocol::{parse_progress, parse_result, ResultLine, MEMORY_LIMIT_ENV, PROGRESS_FD, RESULT_FD};
use crate::verdict::{FailureKind, Status, TestResult};
use anyhow::{bail, Context, Result};
use nma_harness::Outcome;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A test printing this many times its kept output is stopped: it would only fill memory.
const OUTPUT_STOP_FACTOR: usize = 16;

pub struct RunSettings<'a> {
    pub limits: &'a Limits,
    /// Empty folder the test runs in (its current directory).
    pub scratch: &'a Path,
    /// The learner's file as they know it, to point panics at it.
    pub learner_path: &'a Path,
    pub points: &'a (dyn Fn(&str) -> f64 + Sync),
    /// Passed to the test as `NMA_SEED` (see `nma_harness::seed`).
    pub seed: Option<u64>,
    /// Passed to the test as `NMA_DEVICE` (`auto`, `cpu` or `cuda`); inherited when `None`.
    pub device: Option<&'a str>,
}

/// Runs one test in a child process and turns how it ended into a [`TestResult`].
/// `on_progress(step, loss)` receives a training test's live losses.
pub fn run_test(
    binary: &Path,
    test: &TestFn,
    settings: &RunSettings,
    on_progress: &(dyn Fn(usize, Option<f64>) + Sync),
) -> Result<TestResult> {
    let child = spawn(binary, test, settings)?;
    let ended = capture(child, settings.limits, on_progress)?;
    // Only the harness writes the result line, and it reports this before any learner
    // code runs: the machine is at fault, and no verdict is due.
    if let Some(r) = ended.result.as_ref().filter(|r| r.outcome == Outcome::DeviceUnavailable) {
        bail!("the compute device for the tests could not be set up: {}. Grade on the CPU with `--device cpu`.", r.message);
    }
    Ok(classify(test, ended, settings))
}

/// Runs `<binary> --nma-list`, which runs none of the learner's code (the generated
/// `main` only prints names), and checks that every test is there. A program that cannot
/// do that is broken by the grader's machine or build, not by the submission: reported
/// as that, rather than as a crash of every test.
pub fn check_lists_tests(binary: &Path, scratch: &Path, tests: &[TestFn]) -> Result<()> {
    let mut command = Command::new(binary);
    command.arg("--nma-list").current_dir(scratch).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let listed = spawn_retrying(&mut command)
        .and_then(|child| child.wait_with_output())
        .with_context(|| format!("cannot start the test program {}", binary.display()))?;
    let stderr = String::from_utf8_lossy(&listed.stderr);
    if !listed.status.success() {
        let hint = if stderr.contains("libcuda") {
            " This tutor was built with `--features cuda`, and the programs it builds need the NVIDIA \
             driver's libcuda.so.1: install the driver, or build the tutor without `--features cuda`."
        } else {
            ""
        };
        bail!("the test program built for this exercise cannot start ({}): {}{hint}", listed.status, stderr.trim());
    }
    let stdout = String::from_utf8_lossy(&listed.stdout);
    let names: std::collections::HashSet<&str> = stdout.lines().collect();
    if let Some(missing) = tests.iter().find(|t| !names.contains(t.path().as_str())) {
        bail!("the test program built for this exercise has no test {}: the build is stale or broken", missing.path());
    }
    Ok(())
}

/// Submissions are built with CUDA when the grader is (see `build`). Their programs map
/// ~1 GB of CUDA libraries before `main` (cuBLAS alone is 600 MB), whatever the device.
const CUDA_BUILD: bool = cfg!(feature = "cuda");

/// Private memory the CUDA driver and runtime take as they start (252 MiB seen on an
/// H200), on top of the test's own allowance: the harness's cap on growth after the
/// start holds the test itself to its allowance.
const CUDA_DRIVER_DATA_MB: u64 = 512;

/// A test process just started, with the read ends of its channels.
struct Spawned {
    child: std::process::Child,
    result: std::io::PipeReader,
    progress: std::io::PipeReader,
    start: Instant,
}

/// How a test process ended, with everything it sent.
struct Ended {
    status: std::process::ExitStatus,
    /// Set when the parent stopped it (time, output).
    stopped_for: Option<FailureKind>,
    output: String,
    ran_out_of_memory: bool,
    result: Option<ResultLine>,
    seconds: f64,
}

/// Starts `<binary> --nma-run <test>` in an empty folder, in its own process group, with
/// the result and progress pipes on their descriptors and the memory, CPU and core
/// limits set before it runs a line of its own.
fn spawn(binary: &Path, test: &TestFn, settings: &RunSettings) -> Result<Spawned> {
    let start = Instant::now();
    let (result, writer) = std::io::pipe().context("cannot create the result pipe")?;
    let (progress, progress_writer) = std::io::pipe().context("cannot create the progress pipe")?;
    let writer_fd = std::os::fd::AsRawFd::as_raw_fd(&writer);
    let progress_fd = std::os::fd::AsRawFd::as_raw_fd(&progress_writer);
    let memory_bytes = settings.limits.memory_mb.saturating_mul(1024 * 1024);
    let cpu_seconds = cpu_seconds(settings.limits);
    // A CUDA build cannot start under RLIMIT_AS: its libraries take ~1 GB of address space
    // before `main`, and the driver reserves ~300 GB more as it starts (seen on an H200,
    // 280 MB of it resident). It gets RLIMIT_DATA (private memory: what a Vec or a tensor
    // takes) from the start, and the harness caps the address space's growth once the
    // device is ready, before any learner code (`nma_harness::sandbox`).
    let (address_resource, address_bytes) = if CUDA_BUILD {
        (libc::RLIMIT_DATA, memory_bytes.saturating_add(CUDA_DRIVER_DATA_MB * 1024 * 1024))
    } else {
        (libc::RLIMIT_AS, memory_bytes)
    };

    let mut command = Command::new(binary);
    command
        .args(["--nma-run", &test.path()])
        .current_dir(settings.scratch)
        .env("RUST_BACKTRACE", "0")
        .env_remove("NMA_SEED")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout kills anything it started too.
        .process_group(0);
    if let Some(seed) = settings.seed {
        command.env("NMA_SEED", seed.to_string());
    }
    if let Some(device) = settings.device {
        command.env("NMA_DEVICE", device);
    }
    if CUDA_BUILD {
        command.env(MEMORY_LIMIT_ENV, settings.limits.memory_mb.to_string());
        // The driver's cache of compiled kernels lives in the home folder, which a test
        // may not write: it need not try.
        command.env("CUDA_CACHE_DISABLE", "1");
    } else {
        command.env_remove(MEMORY_LIMIT_ENV);
    }
    // SAFETY: between fork and exec we only call async-signal-safe libc functions.
    unsafe {
        command.pre_exec(move || {
            // Move both out of the way first, so neither dup2 can land on the other's source.
            let result = libc::fcntl(writer_fd, libc::F_DUPFD_CLOEXEC, 10);
            let progress = libc::fcntl(progress_fd, libc::F_DUPFD_CLOEXEC, 10);
            if result < 0 || progress < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // dup2 leaves the new descriptors open across exec; the high copies close.
            if libc::dup2(result, RESULT_FD) < 0 || libc::dup2(progress, PROGRESS_FD) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            let limit = |resource, value: u64| {
                let rl = libc::rlimit { rlim_cur: value as libc::rlim_t, rlim_max: value as libc::rlim_t };
                if libc::setrlimit(resource, &rl) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            };
            limit(address_resource, address_bytes)?;
            limit(libc::RLIMIT_CPU, cpu_seconds)?;
            limit(libc::RLIMIT_CORE, 0)?;
            Ok(())
        });
    }
    let child = spawn_retrying(&mut command).with_context(|| format!("cannot start the test binary {}", binary.display()))?;
    // Our copies of the write ends must close, or the pipes never report end-of-file.
    drop(writer);
    drop(progress_writer);
    Ok(Spawned { child, result, progress, start })
}

/// Starts the command, waiting out `ETXTBSY`: the binary was copied a moment ago, and a
/// process forked meanwhile by another thread (another test starting) holds the copy's
/// write descriptor until it execs, which makes exec refuse the file for that moment.
fn spawn_retrying(command: &mut Command) -> std::io::Result<std::process::Child> {
    let mut tries = 0;
    loop {
        match command.spawn() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && tries < 200 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
            result => return result,
        }
    }
}

/// CPU time may run ahead of wall time on two cores; past twice the wall limit it is a runaway.
fn cpu_seconds(limits: &Limits) -> u64 {
    (limits.test_seconds * 2.0).ceil() as u64 + 1
}

/// Waits for the test process under its wall clock and output allowance, reading its
/// output, result line and live losses as they come.
fn capture(spawned: Spawned, limits: &Limits, on_progress: &(dyn Fn(usize, Option<f64>) + Sync)) -> Result<Ended> {
    let Spawned { mut child, result, progress, start } = spawned;
    let kept_bytes = limits.output_kib * 1024;
    let wall_limit = Duration::from_secs_f64(limits.test_seconds);
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let printed = Arc::new(AtomicUsize::new(0));
    let (p1, p2) = (printed.clone(), printed.clone());
    let out_thread = std::thread::spawn(move || read_capped(stdout, kept_bytes, &p1));
    let err_thread = std::thread::spawn(move || read_capped(stderr, kept_bytes, &p2));
    let result_thread = std::thread::spawn(move || read_capped(result, 1024 * 1024, &AtomicUsize::new(0)).0);
    let waited = std::thread::scope(|scope| {
        // Live losses are relayed as they come; a malformed line is only a missed point.
        let relay = scope.spawn(|| {
            use std::io::BufRead;
            for line in std::io::BufReader::new(progress).lines().map_while(Result::ok) {
                if let Some(p) = parse_progress(&line) {
                    on_progress(p.step, p.loss);
                }
            }
        });
        let waited = wait_for(&mut child, start, wall_limit, kept_bytes, &printed);
        // The relay ends when the child (and anything it left) is gone.
        // SAFETY: plain syscall; the negative pid names the child's process group.
        unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
        let _ = relay.join();
        waited
    });
    let (status, stopped_for) = waited?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr_text = err_thread.join().unwrap_or_default();
    let ran_out_of_memory = stderr_text.0.contains("memory allocation of");
    let output = join_output(out_thread.join().unwrap_or_default(), stderr_text, kept_bytes);
    let result = parse_result(&result_thread.join().unwrap_or_default());
    Ok(Ended { status, stopped_for, output, ran_out_of_memory, result, seconds })
}

/// The test's result from how its process ended: a pass only when it reported a pass
/// and exited cleanly by itself.
fn classify(test: &TestFn, ended: Ended, settings: &RunSettings) -> TestResult {
    let limits = settings.limits;
    let max_score = (settings.points)(&test.name);
    let training = ended.result.as_ref().and_then(|r| r.training.clone());
    let mut result = TestResult {
        name: test.name.clone(),
        status: Status::Fail,
        kind: None,
        message: String::new(),
        output: ended.output,
        visibility: test.visibility(),
        score: 0.0,
        max_score,
        seconds: ended.seconds,
        training: training.clone(),
        device: ended.result.as_ref().and_then(|r| r.device.clone()),
    };
    let status = ended.status;
    let cpu_exhausted = status.signal() == Some(libc::SIGXCPU);
    let (kind, message) = match (ended.stopped_for, ended.result) {
        (Some(FailureKind::Timeout), _) => (
            FailureKind::Timeout,
            format!("Stopped after {:.0} s: the test did not finish in time. Look for a loop that never ends.", limits.test_seconds),
        ),
        (Some(kind), _) => (
            kind,
            format!(
                "Stopped: the test printed more than {} KiB. Remove prints inside loops.",
                limits.output_kib * OUTPUT_STOP_FACTOR
            ),
        ),
        (None, _) if cpu_exhausted => (
            FailureKind::Timeout,
            format!("Stopped after using {} s of CPU time. Look for a loop that never ends.", cpu_seconds(limits)),
        ),
        (None, _) if ended.ran_out_of_memory => (
            FailureKind::OutOfMemory,
            format!(
                "Ran out of memory: the test may use {} MiB. Look for a collection that keeps growing.",
                limits.memory_mb
            ),
        ),
        (None, Some(r)) if r.outcome == Outcome::Pass && status.success() => {
            result.status = Status::Pass;
            result.score = max_score;
            result.message = "passed".into();
            return result;
        }
        (None, Some(r)) if r.outcome == Outcome::Panic => {
            let (kind, message) = describe_panic(&r, settings.learner_path);
            match &training {
                Some(t) if t.diverged_at.is_some() => (FailureKind::Diverged, r.message.clone()),
                Some(t) if t.margin().is_some_and(|m| m < 0.0) => (FailureKind::BelowThreshold, r.message.clone()),
                _ => (kind, message),
            }
        }
        (None, _) => (FailureKind::Crashed, describe_exit(status)),
    };
    result.kind = Some(kind);
    result.message = message;
    result
}

/// Waits for the child, stopping it at the wall-time limit or when it floods output.
fn wait_for(
    child: &mut std::process::Child,
    start: Instant,
    wall_limit: Duration,
    kept_bytes: usize,
    printed: &AtomicUsize,
) -> Result<(std::process::ExitStatus, Option<FailureKind>)> {
    let pid = child.id() as i32;
    loop {
        if let Some(status) = child.try_wait().context("cannot wait for the test process")? {
            return Ok((status, None));
        }
        let stop = if start.elapsed() >= wall_limit {
            Some(FailureKind::Timeout)
        } else if printed.load(Ordering::Relaxed) > kept_bytes * OUTPUT_STOP_FACTOR {
            Some(FailureKind::OutputLimit)
        } else {
            None
        };
        if stop.is_some() {
            // SAFETY: plain syscall; the negative pid names the child's process group.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            let status = child.wait().context("cannot reap the stopped test process")?;
            return Ok((status, stop));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn describe_panic(r: &ResultLine, learner_path: &Path) -> (FailureKind, String) {
    if r.file.ends_with(LEARNER_FILE) {
        (
            FailureKind::Panic,
            format!(
                "Your code panicked at {}:{}:{}: {}",
                learner_path.display(),
                r.line,
                r.column,
                r.message
            ),
        )
    } else if r.file.ends_with("src/tests.rs") || r.file.ends_with("src/hidden.rs") {
        (FailureKind::WrongAnswer, format!("Wrong answer: {}", r.message))
    } else {
        // Library code (std, engine) that was handed something it cannot work with.
        let place = if r.file.is_empty() { String::new() } else { format!(" (in {}:{})", r.file, r.line) };
        (FailureKind::Panic, format!("The code panicked{place}: {}", r.message))
    }
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    if let Some(signal) = status.signal() {
        let what = match signal {
            libc::SIGABRT => "aborted (SIGABRT)",
            libc::SIGSEGV => "crashed with a segmentation fault (SIGSEGV)",
            libc::SIGKILL => "was killed (SIGKILL), perhaps for using too much memory",
            libc::SIGFPE => "crashed with an arithmetic fault (SIGFPE)",
            _ => "was stopped by a signal",
        };
        format!("The test process {what} before the test finished.")
    } else {
        format!(
            "The test process exited (code {}) before the test finished. Does your code call std::process::exit?",
            status.code().unwrap_or(-1)
        )
    }
}

fn join_output((out, out_cut): (String, bool), (err, err_cut): (String, bool), limit: usize) -> String {
    let mut text = out;
    if !err.is_empty() {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&err);
    }
    if out_cut || err_cut {
        text.push_str(&format!("\n[output truncated: only the first {} KiB of each stream are kept]", limit / 1024));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_attributed_to_the_learner_tests_or_library() {
        let at = |file: &str| ResultLine {
            outcome: Outcome::Panic,
            message: "boom".into(),
            file: file.into(),
            line: 7,
            column: 9,
            confined: true,
            files_confined: true,
            training: None,
            device: None,
        };
        let learner = Path::new("/ws/w1d1.rs");
        let (kind, msg) = describe_panic(&at("learner/exercise.rs"), learner);
        assert_eq!(kind, FailureKind::Panic);
        assert_eq!(msg, "Your code panicked at /ws/w1d1.rs:7:9: boom");
        let (kind, msg) = describe_panic(&at("src/tests.rs"), learner);
        assert_eq!(kind, FailureKind::WrongAnswer);
        assert_eq!(msg, "Wrong answer: boom");
        let (kind, msg) = describe_panic(&at("/rustc/abc/library/core/src/num.rs"), learner);
        assert_eq!(kind, FailureKind::Panic);
        assert!(msg.contains("num.rs:7") && msg.ends_with("boom"), "{msg}");
    }

    /// A shell script standing in for a built test program.
    fn fake_program(dir: &Path, body: &str) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("tests");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn two_tests() -> Vec<TestFn> {
        ["a", "b"].map(|name| TestFn { module: "tests", name: name.into(), code: String::new() }).into()
    }

    #[test]
    fn a_program_that_cannot_list_its_tests_is_the_machines_fault_not_the_learners() {
        let dir = tempfile::tempdir().unwrap();
        let tests = two_tests();
        let loader_failure = fake_program(
            dir.path(),
            "echo 'tests: error while loading shared libraries: libcuda.so.1: cannot open shared object file' >&2; exit 127",
        );
        let why = check_lists_tests(&loader_failure, dir.path(), &tests).unwrap_err().to_string();
        assert!(why.contains("cannot start") && why.contains("libcuda.so.1: cannot open"), "{why}");
        assert!(why.contains("without `--features cuda`"), "names the way out: {why}");

        let stale = fake_program(dir.path(), "echo tests::a");
        let why = check_lists_tests(&stale, dir.path(), &tests).unwrap_err().to_string();
        assert!(why.contains("has no test tests::b"), "{why}");

        let whole = fake_program(dir.path(), "[ \"$1\" = --nma-list ] && printf 'tests::a\\ntests::b\\n'");
        check_lists_tests(&whole, dir.path(), &tests).unwrap();
    }

    #[test]
    fn a_device_that_cannot_be_set_up_ends_the_grade_with_the_reason_not_a_verdict() {
        let dir = tempfile::tempdir().unwrap();
        let program = fake_program(
            dir.path(),
            "echo '{\"outcome\":\"device_unavailable\",\"name\":\"tests::a\",\"message\":\"the CUDA driver did not start: CUDA_ERROR_NO_DEVICE\"}' >&3",
        );
        let limits = Limits::default();
        let settings = RunSettings {
            limits: &limits,
            scratch: dir.path(),
            learner_path: Path::new("w.rs"),
            points: &|_| 1.0,
            seed: None,
            device: Some("cuda"),
        };
        let why = run_test(&program, &two_tests()[0], &settings, &|_, _| {}).unwrap_err().to_string();
        assert!(why.contains("CUDA_ERROR_NO_DEVICE") && why.contains("--device cpu"), "{why}");

        // The same line from a pass is an ordinary result: only this outcome ends the grade.
        let passing = fake_program(dir.path(), "echo '{\"outcome\":\"pass\",\"name\":\"tests::a\"}' >&3");
        let result = run_test(&passing, &two_tests()[0], &settings, &|_, _| {}).unwrap();
        assert_eq!(result.status, Status::Pass, "{}", result.message);
    }

    #[test]
    fn output_beyond_the_limit_is_dropped_with_a_notice() {
        let big = vec![b'x'; 3 * 4096];
        let printed = AtomicUsize::new(0);
        let (text, cut) = read_capped(&big[..], 4096, &printed);
        assert_eq!(text.len(), 4096);
        assert!(cut);
        assert_eq!(printed.load(Ordering::Relaxed), 3 * 4096, "everything printed is counted");
        let joined = join_output((text, cut), (String::from("err"), false), 4096);
        assert!(joined.ends_with("only the first 4 KiB of each stream are kept]"), "{joined}");
    }
}
