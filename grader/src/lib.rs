//! nma-grader: builds a learner's submission against the engine, runs its tests in
//! child processes under limits, and reports a [`Verdict`].
//!
//! The data path: learner file → [`build::assemble`] (learner module + harness + tests)
//! → [`build::build`] (cargo, JSON diagnostics) → [`run::run_test`] per test → [`Verdict`].

pub mod author;
pub mod batch;
pub mod build;
pub mod cargo;
pub mod course;
pub mod policy;
pub mod protocol;
pub mod report;
pub mod run;
pub mod signatures;
mod streams;
pub mod verdict;
pub mod workspace;

pub use build::BuildPaths;
pub use course::{Course, Exercise, ExerciseKind};
pub use verdict::{Diagnostic, FailureKind, Status, TestResult, Verdict, Visibility};
pub use workspace::{ExerciseState, Progress, Workspace};

use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;
use verdict::PlannedTest;

/// What grading is doing right now, for a live status line.
#[derive(Debug, Clone, PartialEq)]
pub enum GradeEvent {
    /// The engine is being built (first grade on this machine): `built` of about
    /// `total` units done, `current` the last one cargo finished.
    Engine { built: usize, total: usize, current: String },
    Building,
    /// A training test's loss at a step (`None`: not a finite number).
    Training { test: String, step: usize, loss: Option<f64> },
    /// Tests are running; `done` of `of` have finished (0 right after the build).
    Running { done: usize, of: usize },
}

/// Target folders whose engine build this process has seen finish.
static ENGINE_READY: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// Builds the engine into the shared grading target unless this process already did,
/// so the learner's own build never includes it (and its limits never apply to it).
/// Returns the seconds it took (0 when already done).
pub fn warm_up(course: &Course, paths: &BuildPaths, on_event: &mut dyn FnMut(GradeEvent)) -> Result<f64> {
    let ready = |set: &mut Option<HashSet<PathBuf>>| set.get_or_insert_with(HashSet::new).contains(&paths.target);
    if ready(&mut ENGINE_READY.lock().unwrap_or_else(|e| e.into_inner())) {
        return Ok(0.0);
    }
    let seconds = build::build_engine(course, paths, &mut |p| {
        on_event(GradeEvent::Engine { built: p.built, total: p.total, current: p.current });
    })?;
    ENGINE_READY.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_with(HashSet::new).insert(paths.target.clone());
    Ok(seconds)
}

/// Grades `learner_file` as a submission of `exercise`.
///
/// `Ok` carries a verdict for everything the submission can do wrong (compile errors,
/// panics, timeouts, wrong answers). `Err` means the grader itself could not work
/// (cargo missing, course files unreadable) and says why.
pub fn grade(
    course: &Course,
    exercise: &Exercise,
    learner_file: &Path,
    paths: &BuildPaths,
    slot: &str,
    on_event: &mut dyn FnMut(GradeEvent),
) -> Result<Verdict> {
    grade_with(course, exercise, learner_file, paths, slot, &GradeOptions::default(), on_event)
}

/// Choices beyond the defaults, for instructors and the authoring check.
#[derive(Debug, Clone, Default)]
pub struct GradeOptions {
    /// Seed handed to the tests (`nma_harness::seed()`); tests use their own default without it.
    pub seed: Option<u64>,
    /// `auto`, `cpu` or `cuda` for exercises that may use a GPU; `None` leaves the
    /// tutor's own `NMA_DEVICE` (set by `--device`) to the tests.
    pub device: Option<String>,
}

/// [`grade`] with options.
pub fn grade_with(
    course: &Course,
    exercise: &Exercise,
    learner_file: &Path,
    paths: &BuildPaths,
    slot: &str,
    options: &GradeOptions,
    on_event: &mut dyn FnMut(GradeEvent),
) -> Result<Verdict> {
    let start = Instant::now();
    let bytes = std::fs::read(learner_file).with_context(|| format!("cannot read your file {}", learner_file.display()))?;
    let test_files = build::TestFiles::read(exercise)?;
    let tests = &test_files.tests;
    let not_run = |why: &str, message: String| {
        let mut verdict = Verdict::not_run(exercise.id(), planned(exercise, tests), why, message);
        verdict.seconds = start.elapsed().as_secs_f64();
        verdict
    };
    let source = match String::from_utf8(bytes) {
        Ok(source) => source,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Ok(not_run(
                "the file is not UTF-8 text",
                format!(
                    "Your file is not UTF-8 text (the first bad byte is on line {line}): save it as UTF-8 in your editor \
                     and remove any characters pasted from elsewhere."
                ),
            ));
        }
    };
    warm_up(course, paths, on_event)?;
    on_event(GradeEvent::Building);
    let violations = policy::check(&source);
    if !violations.is_empty() {
        let diagnostics: Vec<Diagnostic> = violations.iter().map(|v| policy_diagnostic(v, &source, learner_file)).collect();
        let total = diagnostics.len();
        return Ok(compile_error_verdict(not_run, diagnostics, total, 0.0, None));
    }
    let krate = build::assemble(course, exercise, &test_files, &source, paths, slot)?;
    let limits = &exercise.meta.limits;
    let (binary, build_seconds, peak_memory_mb) = match build::build(&krate, paths, limits, learner_file)? {
        build::BuildOutcome::Built { binary, seconds, peak_memory_mb } => (binary, seconds, peak_memory_mb),
        build::BuildOutcome::CompileError { diagnostics, total, seconds, peak_memory_mb } => {
            return Ok(compile_error_verdict(not_run, diagnostics, total, seconds, Some(peak_memory_mb)));
        }
        build::BuildOutcome::Stopped { message, seconds, peak_memory_mb } => {
            let mut verdict = not_run("the build was stopped", message);
            verdict.build_seconds = seconds;
            verdict.build_memory_mb = Some(peak_memory_mb);
            return Ok(verdict);
        }
    };

    // The binary is this grade's own from here on: copied out while the slot is locked,
    // so another grade may rebuild the slot while these tests run.
    std::fs::create_dir_all(&paths.runs).with_context(|| format!("cannot create {}", paths.runs.display()))?;
    let run_dir = tempfile::Builder::new()
        .prefix(&format!("{}-", exercise.id()))
        .tempdir_in(&paths.runs)
        .with_context(|| format!("cannot create a folder in {}", paths.runs.display()))?;
    let own_binary = run_dir.path().join("tests");
    std::fs::copy(&binary, &own_binary).with_context(|| format!("cannot copy {}", binary.display()))?;
    drop(krate);
    let scratch = run_dir.path().join("scratch");
    std::fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;

    let points = |name: &str| exercise.meta.points.for_test(name);
    let settings = run::RunSettings {
        limits,
        scratch: &scratch,
        learner_path: learner_file,
        points: &points,
        seed: options.seed,
        // An exercise that says `cpu` runs there whatever was asked: too small to gain.
        device: if exercise.meta.device == "cpu" { Some("cpu") } else { options.device.as_deref() },
    };
    run::check_lists_tests(&own_binary, &scratch, tests)?;
    let results = run_all(&own_binary, tests, &settings, on_event)?;
    let mut verdict = Verdict::from_tests(exercise.id(), results, build_seconds, start.elapsed().as_secs_f64());
    verdict.build_memory_mb = Some(peak_memory_mb);
    Ok(verdict)
}

/// The tests a verdict accounts for, with their points.
pub(crate) fn planned(exercise: &Exercise, tests: &[build::TestFn]) -> Vec<PlannedTest> {
    tests
        .iter()
        .map(|t| PlannedTest {
            name: t.name.clone(),
            visibility: t.visibility(),
            max_score: exercise.meta.points.for_test(&t.name),
        })
        .collect()
}

/// Runs the tests, as many at once as there are cores (each is its own process), and
/// returns their results in test order.
fn run_all(
    binary: &Path,
    tests: &[build::TestFn],
    settings: &run::RunSettings,
    on_event: &mut dyn FnMut(GradeEvent),
) -> Result<Vec<TestResult>> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(tests.len()).max(1);
    enum Message {
        // Boxed: a result is large and progress messages are many.
        Finished(usize, Box<Result<TestResult>>),
        Progress(String, usize, Option<f64>),
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(test) = tests.get(i) else { break };
                let progress_sender = std::sync::Mutex::new(sender.clone());
                let on_progress = |step: usize, loss: Option<f64>| {
                    if let Ok(s) = progress_sender.lock() {
                        let _ = s.send(Message::Progress(test.name.clone(), step, loss));
                    }
                };
                let result = run::run_test(binary, test, settings, &on_progress);
                if sender.send(Message::Finished(i, Box::new(result))).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut results: Vec<Option<TestResult>> = vec![None; tests.len()];
        let mut done = 0;
        on_event(GradeEvent::Running { done, of: tests.len() });
        for message in receiver {
            match message {
                Message::Progress(test, step, loss) => on_event(GradeEvent::Training { test, step, loss }),
                Message::Finished(i, result) => {
                    done += 1;
                    on_event(GradeEvent::Running { done, of: tests.len() });
                    results[i] = Some((*result)?);
                }
            }
        }
        Ok(results.into_iter().map(|r| r.expect("every test reports")).collect())
    })
}

fn policy_diagnostic(v: &policy::Violation, source: &str, learner_file: &Path) -> Diagnostic {
    let file = learner_file.display().to_string();
    let text = source.lines().nth(v.line - 1).unwrap_or_default().to_string();
    Diagnostic {
        level: "error".into(),
        message: v.message.clone(),
        file: Some(file.clone()),
        line: Some(v.line),
        column: Some(v.column),
        rendered: format!("error: {}\n --> {file}:{}:{}\n  |\n  | {text}\n", v.message, v.line, v.column),
        source_lines: vec![text],
    }
}

fn compile_error_verdict(
    not_run: impl FnOnce(&str, String) -> Verdict,
    diagnostics: Vec<Diagnostic>,
    total: usize,
    build_seconds: f64,
    build_memory_mb: Option<f64>,
) -> Verdict {
    let first = diagnostics.first();
    let place = first
        .and_then(|d| Some(format!(" at {}:{}", d.file.as_deref()?, d.line?)))
        .unwrap_or_default();
    let shown = if total > diagnostics.len() { format!("; the first {} are listed", diagnostics.len()) } else { String::new() };
    let message = format!(
        "Your code does not compile ({total} error{}{shown}); first{place}: {}",
        if total == 1 { "" } else { "s" },
        first.map(|d| d.message.as_str()).unwrap_or("unknown error")
    );
    let mut verdict = not_run("the code does not compile", message);
    verdict.compile_errors = diagnostics;
    verdict.build_seconds = build_seconds;
    verdict.build_memory_mb = build_memory_mb;
    verdict
}
