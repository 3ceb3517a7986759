//! The half of the grader that runs inside a submission's test binary.
//!
//! The grader generates a `main.rs` that lists every test of the exercise and calls
//! [`run_from_args`]. The parent starts one child process per test
//! (`<binary> --nma-run <name>`) with the write end of a private pipe as file
//! descriptor [`RESULT_FD`]. The child runs that single test, catches a panic and
//! reports one line on the pipe. Anything the learner's code prints goes to
//! stdout/stderr, which the parent captures separately, so printing can never look
//! like a result. A child that exits without writing a line (early `exit`, abort,
//! signal, timeout) is judged by the parent from how it ended.
//!
//! Before the test runs, [`sandbox::confine`] takes away files, sockets, processes and
//! signals (Linux), so the learner's code cannot reach the pipe or the hidden tests.
//!
//! Only libc as a dependency: this crate is compiled into every submission build.

pub mod protocol;
pub mod sandbox;
pub mod training;

pub use protocol::{Outcome, ResultLine, RESULT_FD};
pub use training::{seed, Goal, Training};

use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

/// One test function of an exercise, as registered by the generated `main.rs`.
pub struct Test {
    /// `tests::name` for visible tests, `hidden::name` for hidden ones.
    pub name: &'static str,
    pub run: fn(),
}

/// Where a panic happened and what it said.
struct PanicReport {
    message: String,
    file: String,
    line: u32,
    column: u32,
}

static LAST_PANIC: Mutex<Option<PanicReport>> = Mutex::new(None);

/// Chooses the compute device before the sandbox closes (the CUDA driver opens device
/// files); returns its name, or why it cannot be used. The generated `main` passes the
/// engine's `device::prepare`.
pub type PrepareDevice = fn() -> Result<String, String>;

/// Entry point for the generated `main`: runs the test named on the command line.
/// `groups` holds one list per test module (visible, hidden).
pub fn run_from_args(groups: &[&[Test]], prepare_device: PrepareDevice) {
    let tests: Vec<&Test> = groups.iter().flat_map(|g| g.iter()).collect();
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--nma-list") => {
            for test in &tests {
                println!("{}", test.name);
            }
        }
        Some("--nma-run") if args.len() == 3 => {
            let name = &args[2];
            let Some(test) = tests.iter().find(|t| t.name == name) else {
                eprintln!("no test named {name}");
                std::process::exit(2);
            };
            let device = prepare_device();
            // The CUDA driver talks to the card through ioctl on descriptors it opened
            // while preparing; a CPU run gets the strict filter.
            let access = match &device {
                Ok(name) if name == "cuda" => sandbox::DeviceAccess::Cuda,
                _ => sandbox::DeviceAccess::Cpu,
            };
            if let Some(budget_mb) = std::env::var(protocol::MEMORY_LIMIT_ENV).ok().and_then(|v| v.parse().ok()) {
                sandbox::cap_address_space_growth(budget_mb);
            }
            let layers = sandbox::confine_for(access);
            let mut result = match &device {
                Ok(_) => run_one(test),
                Err(why) => ResultLine {
                    outcome: Outcome::DeviceUnavailable,
                    name: test.name.to_string(),
                    message: why.clone(),
                    file: String::new(),
                    line: 0,
                    column: 0,
                    confined: false,
                    files_confined: false,
                    device: None,
                    training: None,
                },
            };
            result.confined = layers.seccomp;
            result.files_confined = layers.landlock;
            result.device = device.ok();
            result.training = training::take_record();
            report(&result.to_json());
            std::process::exit(0);
        }
        _ => {
            eprintln!("this binary is run by nma-tutor's grader: --nma-list | --nma-run <test>");
            std::process::exit(2);
        }
    }
}

fn run_one(test: &Test) -> ResultLine {
    panic::set_hook(Box::new(|info| {
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "the code panicked with a value that is not a message".to_string()
        };
        let (file, line, column) = info
            .location()
            .map(|l| (l.file().to_string(), l.line(), l.column()))
            .unwrap_or_default();
        let mut slot = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner());
        // Keep the first panic: a second one during unwinding says less about the cause.
        if slot.is_none() {
            *slot = Some(PanicReport { message, file, line, column });
        }
    }));
    let outcome = panic::catch_unwind(AssertUnwindSafe(test.run));
    let _ = panic::take_hook();
    let (outcome, report) = match outcome {
        Ok(()) => (Outcome::Pass, PanicReport { message: String::new(), file: String::new(), line: 0, column: 0 }),
        Err(_) => {
            let report = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
            let report = report.unwrap_or(PanicReport {
                message: "the test panicked".into(),
                file: String::new(),
                line: 0,
                column: 0,
            });
            (Outcome::Panic, report)
        }
    };
    ResultLine {
        outcome,
        name: test.name.to_string(),
        message: report.message,
        file: report.file,
        line: report.line,
        column: report.column,
        confined: false,
        files_confined: false,
        device: None,
        training: None,
    }
}

#[cfg(unix)]
fn report(line: &str) {
    use std::os::fd::FromRawFd;
    // SAFETY: the grader opened RESULT_FD for this process and nothing else in the
    // harness uses it; we take ownership exactly once, just before exiting.
    let mut channel = unsafe { std::fs::File::from_raw_fd(RESULT_FD) };
    let _ = writeln!(channel, "{line}");
    let _ = channel.flush();
}

#[cfg(not(unix))]
fn report(line: &str) {
    // Without fd passing we fall back to a marked line on stderr.
    eprintln!("\u{1}NMA-RESULT {line}");
}

/// Minimal JSON string encoder (the harness has no dependencies).
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // The panic hook is process-wide; tests that install it must not overlap.
    static HOOK_LOCK: Mutex<()> = Mutex::new(());

    #[test]
    fn json_string_escapes_quotes_backslashes_and_control_characters() {
        assert_eq!(json_string("a\"b\\c\nd\u{7}"), "\"a\\\"b\\\\c\\nd\\u0007\"");
    }

    #[test]
    fn a_passing_test_reports_pass() {
        let _guard = HOOK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let line = run_one(&Test { name: "tests::ok", run: || {} });
        assert_eq!((line.outcome, line.name.as_str(), line.message.as_str()), (Outcome::Pass, "tests::ok", ""));
    }

    #[test]
    fn a_panicking_test_reports_message_and_location() {
        fn boom() {
            panic!("expected 3, got 4");
        }
        let _guard = HOOK_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let line = run_one(&Test { name: "tests::boom", run: boom });
        assert_eq!(line.outcome, Outcome::Panic);
        assert_eq!(line.message, "expected 3, got 4");
        assert!(line.file.ends_with("harness/src/lib.rs"), "{line:?}");
    }
}
