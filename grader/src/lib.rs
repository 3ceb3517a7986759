//! nma-grader: builds a learner's submission against the engine, runs its tests in
//! child processes under limits, and reports a [`Verdict`].
//!
//! The data path: learner file → [`build::assemble`] (learner module + harness + tests)
//! → [`build::build`] (cargo, JSON diagnostics) → [`run::run_test`] per test → [`Verdict`].

pub mod author;
pub mod batch;
pub mod build;
pub mod course;
pub mod policy;
pub mod report;
pub mod run;
pub mod verdict;
pub mod workspace;

pub use build::BuildPaths;
pub use course::{Course, Exercise, ExerciseKind};
pub use verdict::{Diagnostic, FailureKind, Status, TestResult, Verdict, Visibility};
pub use workspace::{ExerciseState, Progress, Workspace};

use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;

/// What grading is doing right now, for a live status line.
#[derive(Debug, Clone, PartialEq)]
pub enum GradeEvent {
    Building,
    /// A training test's loss at a step (`None`: not a finite number).
    Training { test: String, step: usize, loss: Option<f64> },
    /// Tests are running; `done` of `of` have finished (0 right after the build).
    Running { done: usize, of: usize },
}

/// Builds the engine into the shared grading target, so the learner's first save is
/// graded as fast as the later ones. Returns the seconds it took.
pub fn warm_up(course: &Course, paths: &BuildPaths) -> Result<f64> {
    let exercise = course.exercises.first().context("the course has no exercises")?;
    let starter = exercise.starter();
    let source = std::fs::read_to_string(&starter).with_context(|| format!("cannot read {}", starter.display()))?;
    let krate = build::assemble(course, exercise, &source, paths, "warmup")?;
    match build::build(&krate, paths, &starter)? {
        build::BuildOutcome::Built { seconds, .. } => Ok(seconds),
        build::BuildOutcome::CompileError { .. } => anyhow::bail!("the starter of {} does not compile", exercise.id()),
    }
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
    let source = std::fs::read_to_string(learner_file)
        .with_context(|| format!("cannot read your file {}", learner_file.display()))?;
    on_event(GradeEvent::Building);
    let violations = policy::check(&source);
    if !violations.is_empty() {
        let tests = build::test_functions(exercise)?;
        let diagnostics = violations.iter().map(|v| policy_diagnostic(v, &source, learner_file)).collect();
        return Ok(compile_error_verdict(exercise, &tests, diagnostics, 0.0, start));
    }
    let krate = build::assemble(course, exercise, &source, paths, slot)?;
    let binary = match build::build(&krate, paths, learner_file)? {
        build::BuildOutcome::Built { binary, seconds } => (binary, seconds),
        build::BuildOutcome::CompileError { diagnostics, seconds } => {
            return Ok(compile_error_verdict(exercise, &krate.tests, diagnostics, seconds, start));
        }
    };
    let (binary, build_seconds) = binary;

    let scratch = krate.dir.join("scratch");
    std::fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    let points = |name: &str| exercise.meta.points.for_test(name);
    let settings = run::RunSettings {
        limits: &exercise.meta.limits,
        scratch: &scratch,
        learner_path: learner_file,
        points: &points,
        seed: options.seed,
        // An exercise that says `cpu` runs there whatever was asked: too small to gain.
        device: if exercise.meta.device == "cpu" { Some("cpu") } else { options.device.as_deref() },
    };
    let results = run_all(&binary, &krate.tests, &settings, on_event)?;
    Ok(Verdict::from_tests(exercise.id(), results, build_seconds, start.elapsed().as_secs_f64()))
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
    exercise: &Exercise,
    tests: &[build::TestFn],
    diagnostics: Vec<Diagnostic>,
    build_seconds: f64,
    start: Instant,
) -> Verdict {
    let first = diagnostics.first();
    let place = first
        .and_then(|d| Some(format!(" at {}:{}", d.file.as_deref()?, d.line?)))
        .unwrap_or_default();
    let message = format!(
        "Your code does not compile ({} error{}); first{place}: {}",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" },
        first.map(|d| d.message.as_str()).unwrap_or("unknown error")
    );
    // Every test is reported as not run, so scores and test counts stay comparable.
    let results = tests
        .iter()
        .map(|t| TestResult {
            name: t.name.clone(),
            status: Status::Error,
            kind: None,
            message: "not run: the code does not compile".into(),
            output: String::new(),
            visibility: if t.module == "hidden" { Visibility::Hidden } else { Visibility::Visible },
            score: 0.0,
            max_score: exercise.meta.points.for_test(&t.name),
            seconds: 0.0,
            training: None,
            device: None,
        })
        .collect::<Vec<_>>();
    Verdict {
        exercise: exercise.id().to_string(),
        status: Status::Error,
        score: 0.0,
        max_score: results.iter().map(|t| t.max_score).sum(),
        message,
        tests: results,
        compile_errors: diagnostics,
        build_seconds,
        device: None,
        seconds: start.elapsed().as_secs_f64(),
    }
}
