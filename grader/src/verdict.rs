//! What grading produces: one [`Verdict`] per submission, one [`TestResult`] per test.
//! Serialised as-is for `grade --json` and `results.json`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// The submission could not be tested at all (it does not compile).
    Error,
}

/// Why a single test did not pass; `None` on a [`TestResult`] that passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// An assertion in the test failed: the code ran but gave the wrong answer.
    WrongAnswer,
    /// The learner's code (or the engine, called by it) panicked.
    Panic,
    /// The test ran past its wall-time limit and was stopped.
    Timeout,
    /// The process ended without reporting: early `exit`, abort, or a signal.
    Crashed,
    /// The test needed more memory than its limit.
    OutOfMemory,
    /// The test printed far more than the output limit and was stopped.
    OutputLimit,
    /// A training run's loss became NaN or infinite.
    Diverged,
    /// A training run finished but its metric missed the threshold.
    BelowThreshold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Visible,
    Hidden,
}

/// Which way a training metric must go (`nma_harness::Goal` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// Reach at least the threshold (an accuracy).
    AtLeast,
    /// Stay at or below the threshold (a loss).
    AtMost,
}

/// What a training test reported about its run (see `nma_harness::Training`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecord {
    pub metric: String,
    /// The metric reached; absent when the run diverged first.
    pub value: Option<f64>,
    pub threshold: f64,
    pub goal: Goal,
    pub final_loss: Option<f64>,
    pub steps: usize,
    pub seconds: f64,
    /// (step, loss), thinned to a few hundred points; a non-finite loss is `None`.
    pub losses: Vec<(usize, Option<f64>)>,
    pub diverged_at: Option<usize>,
}

impl TrainingRecord {
    /// How far the metric cleared its threshold (negative when it missed).
    pub fn margin(&self) -> Option<f64> {
        let value = self.value?;
        Some(if self.goal == Goal::AtMost { self.threshold - value } else { value - self.threshold })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    /// The test function's name, without its module.
    pub name: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<FailureKind>,
    /// For a learner: what went wrong and, where known, where.
    pub message: String,
    /// What the test printed (stdout then stderr), truncated.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub output: String,
    pub visibility: Visibility,
    pub score: f64,
    pub max_score: f64,
    /// Wall-clock seconds the test ran.
    #[serde(rename = "execution_time")]
    pub seconds: f64,
    /// For training tests: metric, threshold, final loss, steps, seconds, loss curve.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub training: Option<TrainingRecord>,
    /// The device the test computed on (`cpu` or `cuda`), as the engine reported it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub device: Option<String>,
}

/// One compiler error, located in the learner's file where it points there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: String,
    pub message: String,
    /// Path of the file as the learner knows it (their copy, not the build copy).
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The source lines the error points at, as rustc quoted them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub source_lines: Vec<String>,
    /// rustc's full human-readable rendering, paths mapped to the learner's file.
    pub rendered: String,
}

impl Diagnostic {
    /// The same diagnostic with every mention of the file `from` (as rustc printed it)
    /// turned into `to`: the build copy of a learner's file becomes their own path.
    pub fn with_file_renamed(mut self, from: &str, to: &str) -> Diagnostic {
        if self.file.as_deref() == Some(from) {
            self.file = Some(to.to_string());
        }
        self.rendered = self.rendered.replace(from, to);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub exercise: String,
    pub status: Status,
    pub score: f64,
    pub max_score: f64,
    /// One sentence a learner can act on.
    pub message: String,
    pub tests: Vec<TestResult>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub compile_errors: Vec<Diagnostic>,
    pub build_seconds: f64,
    /// Peak memory of the build (cargo and the compilers it ran), in MB.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub build_memory_mb: Option<f64>,
    /// The device the tests ran on (`cpu`, `cuda`), when they reported one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub device: Option<String>,
    /// Wall-clock seconds for the whole grade, build included.
    #[serde(rename = "execution_time")]
    pub seconds: f64,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }

    /// Builds the overall verdict from per-test results.
    pub fn from_tests(exercise: &str, mut tests: Vec<TestResult>, build_seconds: f64, seconds: f64) -> Self {
        // A learner controls what their tests print and panic with: the whole verdict stays
        // under 1 MB however many tests flood.
        let output_share = (KEPT_OUTPUT_BYTES / tests.len().max(1)).max(1024);
        for t in &mut tests {
            cut(&mut t.message, KEPT_MESSAGE_BYTES, " […message cut]");
            cut(&mut t.output, output_share, "\n[…output cut: the verdict keeps a share of each test's output]");
        }
        let score: f64 = tests.iter().map(|t| t.score).sum();
        let max_score: f64 = tests.iter().map(|t| t.max_score).sum();
        let failed = tests.iter().filter(|t| t.status != Status::Pass).count();
        let device = tests.iter().find_map(|t| t.device.clone());
        let (status, message) = if tests.is_empty() {
            (Status::Error, "This exercise has no tests; tell your instructor.".to_string())
        } else if failed == 0 {
            (Status::Pass, format!("All {} tests pass.", tests.len()))
        } else {
            let first = tests.iter().find(|t| t.status != Status::Pass).expect("a failure");
            let what = match first.visibility {
                Visibility::Visible => format!("first failure: {}", first.name),
                Visibility::Hidden => "a hidden test fails".to_string(),
            };
            (
                Status::Fail,
                format!("{failed} of {} tests fail ({what}).", tests.len()),
            )
        };
        Verdict {
            exercise: exercise.to_string(),
            status,
            score,
            max_score,
            message,
            tests,
            compile_errors: Vec::new(),
            build_seconds,
            build_memory_mb: None,
            device,
            seconds,
        }
    }

    /// The verdict when no test could run (the code does not compile, the build hit a
    /// limit, the file cannot be read): status `error`, every test listed as not run with
    /// `why`, so scores and test counts stay comparable across learners.
    pub fn not_run(exercise: &str, planned: Vec<PlannedTest>, why: &str, message: String) -> Self {
        let tests: Vec<TestResult> = planned
            .into_iter()
            .map(|t| TestResult {
                name: t.name,
                status: Status::Error,
                kind: None,
                message: format!("not run: {why}"),
                output: String::new(),
                visibility: t.visibility,
                score: 0.0,
                max_score: t.max_score,
                seconds: 0.0,
                training: None,
                device: None,
            })
            .collect();
        Verdict {
            exercise: exercise.to_string(),
            status: Status::Error,
            score: 0.0,
            max_score: tests.iter().map(|t| t.max_score).sum(),
            message,
            tests,
            compile_errors: Vec::new(),
            build_seconds: 0.0,
            build_memory_mb: None,
            device: None,
            seconds: 0.0,
        }
    }
}

/// A test's message is cut to this many bytes.
pub const KEPT_MESSAGE_BYTES: usize = 4096;
/// The output of all a verdict's tests together is cut to this many bytes.
pub const KEPT_OUTPUT_BYTES: usize = 512 * 1024;

/// Cuts `text` to at most `limit` bytes on a character boundary, with `note` after.
pub(crate) fn cut(text: &mut String, limit: usize, note: &str) {
    if text.len() <= limit {
        return;
    }
    let mut at = limit;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text.truncate(at);
    text.push_str(note);
}

/// A test the verdict accounts for even when it could not run.
#[derive(Debug, Clone)]
pub struct PlannedTest {
    pub name: String,
    pub visibility: Visibility,
    pub max_score: f64,
}
