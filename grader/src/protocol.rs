//! Reading what a test process reports: the grader's half of the wire format that
//! `nma_harness::protocol` writes. Every field is typed here, once; nothing else in the
//! grader compares the protocol's strings.

use crate::verdict::TrainingRecord;
use nma_harness::Outcome;
use serde::{Deserialize, Deserializer};

pub use nma_harness::protocol::{MEMORY_LIMIT_ENV, PROGRESS_FD, RESULT_FD};

/// The one line a test process writes on [`RESULT_FD`] (see `nma_harness::ResultLine`).
#[derive(Debug, Clone, Deserialize)]
pub struct ResultLine {
    #[serde(deserialize_with = "outcome")]
    pub outcome: Outcome,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub line: u32,
    #[serde(default)]
    pub column: u32,
    #[serde(default)]
    pub confined: bool,
    #[serde(default)]
    pub files_confined: bool,
    #[serde(default)]
    pub device: Option<String>,
    #[serde(default)]
    pub training: Option<TrainingRecord>,
}

/// One live loss on [`PROGRESS_FD`].
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ProgressLine {
    pub step: usize,
    pub loss: Option<f64>,
}

/// The result line from what a test process wrote, if it wrote one that reads.
pub fn parse_result(written: &str) -> Option<ResultLine> {
    serde_json::from_str(written.lines().next()?).ok()
}

/// A progress line; a malformed one is only a missed point.
pub fn parse_progress(line: &str) -> Option<ProgressLine> {
    serde_json::from_str(line).ok()
}

fn outcome<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Outcome, D::Error> {
    let name = String::deserialize(deserializer)?;
    Outcome::ALL
        .into_iter()
        .find(|o| o.wire_name() == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown outcome `{name}`")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Goal;

    #[test]
    fn what_the_harness_writes_reads_back_field_for_field() {
        for outcome in Outcome::ALL {
            let written = nma_harness::ResultLine {
                outcome,
                name: "hidden::t".into(),
                message: "expected 3\n got 4".into(),
                file: "learner/exercise.rs".into(),
                line: 7,
                column: 9,
                confined: true,
                files_confined: true,
                device: Some("cpu".into()),
                training: None,
            }
            .to_json();
            let read = parse_result(&format!("{written}\n")).expect("reads");
            assert_eq!(read.outcome, outcome);
            assert_eq!((read.message.as_str(), read.file.as_str(), read.line, read.column), ("expected 3\n got 4", "learner/exercise.rs", 7, 9));
            assert!(read.confined && read.files_confined);
            assert_eq!(read.device.as_deref(), Some("cpu"));
        }
        assert!(parse_result("{\"outcome\":\"passed\"}").is_none(), "an unknown outcome is no result");
        assert!(parse_result("").is_none());
    }

    #[test]
    fn goals_and_progress_lines_share_their_names_with_the_harness() {
        for goal in nma_harness::Goal::ALL {
            let ours: Goal = serde_json::from_str(&format!("\"{}\"", goal.wire_name())).expect("a goal the grader knows");
            assert_eq!(ours == Goal::AtMost, goal == nma_harness::Goal::AtMost);
        }
        let p = parse_progress(&nma_harness::protocol::progress_line(3, f64::INFINITY)).unwrap();
        assert_eq!((p.step, p.loss), (3, None));
    }
}
