//! Running each test of a built submission in its own child process.
//!
//! One process per test: a crash, abort or endless loop in one test cannot take the
//! others' results with it. The child reports on a private pipe (fd 3, see
//! `nma_harness`), never on stdout, so printing cannot forge a result.

use crate::build::{TestFn, LEARNER_MODULE};
use crate::verdict::{FailureKind, Status, TestResult, Visibility};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Bytes of stdout+stderr kept per test; the rest is dropped with a notice.
pub const OUTPUT_LIMIT: usize = 16 * 1024;

#[derive(Deserialize)]
struct Report {
    outcome: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    file: String,
    #[serde(default)]
    line: u32,
    #[serde(default)]
    column: u32,
}

pub struct RunSettings<'a> {
    pub wall_limit: Duration,
    /// The learner's file as they know it, to point panics at it.
    pub learner_path: &'a Path,
    pub points: &'a dyn Fn(&str) -> f64,
}

/// Runs one test in a child process and turns how it ended into a [`TestResult`].
pub fn run_test(binary: &Path, test: &TestFn, settings: &RunSettings) -> Result<TestResult> {
    let start = Instant::now();
    let (reader, writer) = std::io::pipe().context("cannot create the result pipe")?;
    let writer_fd = std::os::fd::AsRawFd::as_raw_fd(&writer);

    let mut command = Command::new(binary);
    command
        .args(["--nma-run", &test.path()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout kills anything it started too.
        .process_group(0);
    // SAFETY: between fork and exec we only call async-signal-safe libc functions.
    unsafe {
        command.pre_exec(move || {
            if writer_fd == nma_harness::RESULT_FD {
                // Already in place: just make it survive exec.
                let flags = libc::fcntl(writer_fd, libc::F_GETFD);
                if flags < 0 || libc::fcntl(writer_fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            } else if libc::dup2(writer_fd, nma_harness::RESULT_FD) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start the test binary {}", binary.display()))?;
    // Our copy of the write end must close, or the pipe never reports end-of-file.
    drop(writer);

    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let out_thread = std::thread::spawn(move || read_capped(stdout));
    let err_thread = std::thread::spawn(move || read_capped(stderr));
    let report_thread = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = reader.take(1024 * 1024).read_to_string(&mut text);
        text
    });

    let pid = child.id() as i32;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().context("cannot wait for the test process")? {
            break status;
        }
        if start.elapsed() >= settings.wall_limit {
            timed_out = true;
            // SAFETY: plain syscall; the negative pid names the child's process group.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            break child.wait().context("cannot reap the stopped test process")?;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    // Anything the test started is killed with it, so the pipes reach end-of-file.
    unsafe { libc::kill(-pid, libc::SIGKILL) };
    let seconds = start.elapsed().as_secs_f64();
    let output = join_output(out_thread.join().unwrap_or_default(), err_thread.join().unwrap_or_default());
    let report_text = report_thread.join().unwrap_or_default();
    let report = report_text.lines().next().and_then(|l| serde_json::from_str::<Report>(l).ok());

    let visibility = if test.module == "hidden" { Visibility::Hidden } else { Visibility::Visible };
    let max_score = (settings.points)(&test.name);
    let mut result = TestResult {
        name: test.name.clone(),
        status: Status::Fail,
        kind: None,
        message: String::new(),
        output,
        visibility,
        score: 0.0,
        max_score,
        seconds,
    };

    match (timed_out, report) {
        (true, _) => {
            result.kind = Some(FailureKind::Timeout);
            result.message = format!(
                "Stopped after {:.0} s: the test did not finish in time. Look for a loop that never ends.",
                settings.wall_limit.as_secs_f64()
            );
        }
        (false, Some(r)) if r.outcome == "pass" && status.success() => {
            result.status = Status::Pass;
            result.score = max_score;
            result.message = "passed".into();
        }
        (false, Some(r)) if r.outcome == "panic" => {
            let (kind, message) = describe_panic(&r, settings.learner_path);
            result.kind = Some(kind);
            result.message = message;
        }
        (false, _) => {
            result.kind = Some(FailureKind::Crashed);
            result.message = describe_exit(status);
        }
    }
    Ok(result)
}

fn describe_panic(r: &Report, learner_path: &Path) -> (FailureKind, String) {
    let learner_copy = format!("src/{LEARNER_MODULE}.rs");
    if r.file.ends_with(&learner_copy) {
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

fn read_capped(mut stream: impl Read) -> (String, bool) {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    let mut truncated = false;
    // Keep reading past the limit (and drop it) so the child never blocks on a full pipe.
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = OUTPUT_LIMIT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                truncated |= n > room;
            }
        }
    }
    (String::from_utf8_lossy(&kept).into_owned(), truncated)
}

fn join_output((out, out_cut): (String, bool), (err, err_cut): (String, bool)) -> String {
    let mut text = out;
    if !err.is_empty() {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&err);
    }
    if out_cut || err_cut {
        text.push_str(&format!("\n[output truncated: only the first {} KiB of each stream are kept]", OUTPUT_LIMIT / 1024));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_attributed_to_the_learner_tests_or_library() {
        let at = |file: &str| Report {
            outcome: "panic".into(),
            message: "boom".into(),
            file: file.into(),
            line: 7,
            column: 9,
        };
        let learner = Path::new("/ws/w1d1.rs");
        let (kind, msg) = describe_panic(&at("src/exercise.rs"), learner);
        assert_eq!(kind, FailureKind::Panic);
        assert_eq!(msg, "Your code panicked at /ws/w1d1.rs:7:9: boom");
        let (kind, msg) = describe_panic(&at("src/tests.rs"), learner);
        assert_eq!(kind, FailureKind::WrongAnswer);
        assert_eq!(msg, "Wrong answer: boom");
        let (kind, msg) = describe_panic(&at("/rustc/abc/library/core/src/num.rs"), learner);
        assert_eq!(kind, FailureKind::Panic);
        assert!(msg.contains("num.rs:7") && msg.ends_with("boom"), "{msg}");
    }

    #[test]
    fn output_beyond_the_limit_is_dropped_with_a_notice() {
        let big = vec![b'x'; OUTPUT_LIMIT * 3];
        let (text, cut) = read_capped(&big[..]);
        assert_eq!(text.len(), OUTPUT_LIMIT);
        assert!(cut);
        let joined = join_output((text, cut), (String::from("err"), false));
        assert!(joined.ends_with("KiB of each stream are kept]"));
    }
}
