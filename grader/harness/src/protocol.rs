//! The wire format between a test process and the grader, written here and read by
//! `nma_grader::protocol`: field names and values are defined once, on this side.
//!
//! - [`RESULT_FD`]: exactly one JSON line, [`ResultLine`], when the test has run.
//! - [`PROGRESS_FD`]: any number of [`progress_line`]s while a training test runs.

use crate::json_string;

/// File descriptor on which the parent expects the single result line.
pub const RESULT_FD: i32 = 3;
/// File descriptor for live progress lines (best-effort; absent outside the grader).
pub const PROGRESS_FD: i32 = 4;
/// Set by the grader for a CUDA build, whose limits it cannot set in full before the
/// process starts (its libraries and driver take far more address space than memory):
/// the MiB one test may use. The harness lets the address space grow by that much once
/// the device is ready; the engine (`nma_engine::device::MEMORY_LIMIT_ENV`, the same
/// name) refuses a computation needing more GPU memory, which the driver limits for no
/// process.
pub const MEMORY_LIMIT_ENV: &str = "NMA_MEMORY_MB";

/// How the test function ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It returned.
    Pass,
    /// It panicked (an assertion, or the code under test).
    Panic,
    /// It never ran: the compute device asked for could not be set up. The grader's
    /// machine is at fault, not the code; no learner code has run when this is reported.
    DeviceUnavailable,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Pass, Outcome::Panic, Outcome::DeviceUnavailable];

    pub const fn wire_name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Panic => "panic",
            Outcome::DeviceUnavailable => "device_unavailable",
        }
    }
}

impl crate::Goal {
    pub const ALL: [crate::Goal; 2] = [crate::Goal::AtLeast, crate::Goal::AtMost];

    pub const fn wire_name(self) -> &'static str {
        match self {
            crate::Goal::AtLeast => "at_least",
            crate::Goal::AtMost => "at_most",
        }
    }
}

/// What one test process reports.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultLine {
    pub outcome: Outcome,
    /// The test's registered name (`tests::x` or `hidden::x`).
    pub name: String,
    /// The panic's message; empty on a pass.
    pub message: String,
    /// Where the panic happened, as rustc names the file; empty when unknown.
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Whether the system-call filter was in place while the test ran.
    pub confined: bool,
    /// Whether the filesystem was closed to it as well (Landlock).
    pub files_confined: bool,
    /// The compute device the test ran on.
    pub device: Option<String>,
    /// The training record, already JSON (see `training`).
    pub training: Option<String>,
}

impl ResultLine {
    pub fn to_json(&self) -> String {
        let mut line = format!(
            "{{\"outcome\":\"{}\",\"name\":{},\"message\":{},\"file\":{},\"line\":{},\"column\":{},\"confined\":{},\"files_confined\":{}",
            self.outcome.wire_name(),
            json_string(&self.name),
            json_string(&self.message),
            json_string(&self.file),
            self.line,
            self.column,
            self.confined,
            self.files_confined,
        );
        if let Some(device) = &self.device {
            line.push_str(&format!(",\"device\":{}", json_string(device)));
        }
        if let Some(record) = &self.training {
            line.push_str(&format!(",\"training\":{record}"));
        }
        line.push('}');
        line
    }
}

/// A JSON number, or `null` for NaN and infinities (which JSON cannot hold).
pub(crate) fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".to_string()
    }
}

/// One live loss of a training test.
pub fn progress_line(step: usize, loss: f64) -> String {
    format!("{{\"step\":{step},\"loss\":{}}}", number(loss))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_line_is_one_json_object_with_optional_fields_last() {
        let line = ResultLine {
            outcome: Outcome::Panic,
            name: "tests::t".into(),
            message: "a \"quoted\"\nmessage".into(),
            file: "src/tests.rs".into(),
            line: 3,
            column: 5,
            confined: true,
            files_confined: false,
            device: Some("cpu".into()),
            training: Some("{\"steps\":1}".into()),
        };
        assert_eq!(
            line.to_json(),
            "{\"outcome\":\"panic\",\"name\":\"tests::t\",\"message\":\"a \\\"quoted\\\"\\nmessage\",\"file\":\"src/tests.rs\",\
             \"line\":3,\"column\":5,\"confined\":true,\"files_confined\":false,\"device\":\"cpu\",\"training\":{\"steps\":1}}"
        );
        assert!(!line.to_json().contains('\n'), "one line");
    }

    #[test]
    fn progress_lines_write_non_finite_losses_as_null() {
        assert_eq!(progress_line(4, 0.5), "{\"step\":4,\"loss\":0.5}");
        assert_eq!(progress_line(5, f64::NAN), "{\"step\":5,\"loss\":null}");
    }
}
