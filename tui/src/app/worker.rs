//! The grading thread: runs one grade at a time so the UI never waits on cargo.
//!
//! It grades jobs in the order they come; deciding *when* to grade (and coalescing
//! saves) is the state's job, which sends a new job only when the last one finished.

use nma_grader::{BuildPaths, Course, Exercise, GradeEvent, Verdict};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Sender};

/// Slot name for `nma_grader::grade`: the tutor's builds never disturb the CLI's.
const SLOT: &str = "tutor";

/// The engine's build in the shared grading folder: the first grade on a machine waits
/// for it (a minute or two), later ones find it done.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum EngineBuild {
    /// Not heard of yet (the worker checks it as the tutor opens).
    #[default]
    Unknown,
    /// `built` of about `total` units done; `current` the last one cargo finished.
    Building { built: usize, total: usize, current: String },
    Ready,
    /// Why it could not be built, in words.
    Failed(String),
}

pub struct Job {
    pub exercise: Exercise,
    pub file: PathBuf,
}

#[derive(Debug)]
pub enum WorkerEvent {
    /// How the engine's build, started when the tutor opens, is going.
    Engine(EngineBuild),
    Progress(GradeEvent),
    /// `Err` says why the grader could not run at all.
    Finished {
        exercise: String,
        result: Result<Verdict, String>,
    },
}

pub struct Worker {
    jobs: Sender<Job>,
}

impl Worker {
    /// Starts the thread; what it has to say goes to `report`, which answers `false` once
    /// nobody listens any more (the tutor has quit).
    pub fn spawn(
        course: Course,
        build: BuildPaths,
        report: impl Fn(WorkerEvent) -> bool + Send + 'static,
    ) -> std::io::Result<Worker> {
        let (jobs, job_rx) = channel::<Job>();
        std::thread::Builder::new().name(THREAD_NAME.into()).spawn(move || {
            // Build the engine before the first save needs it, showing how far it is; a
            // failure is shown too, and the first real grade tries again.
            let warmed = nma_grader::warm_up(&course, &build, &mut |event| {
                if let GradeEvent::Engine { built, total, current } = event {
                    report(WorkerEvent::Engine(EngineBuild::Building { built, total, current }));
                }
            });
            report(WorkerEvent::Engine(match warmed {
                Ok(_) => EngineBuild::Ready,
                Err(e) => EngineBuild::Failed(format!("{e:#}")),
            }));
            for job in job_rx {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    nma_grader::grade(&course, &job.exercise, &job.file, &build, SLOT, &mut |event| {
                        report(WorkerEvent::Progress(event));
                    })
                }));
                let result = match result {
                    Ok(Ok(verdict)) => Ok(verdict),
                    Ok(Err(error)) => Err(format!("{error:#}")),
                    Err(panic) => Err(format!("the grader crashed: {}", panic_message(&panic))),
                };
                let finished = WorkerEvent::Finished { exercise: job.exercise.id().to_string(), result };
                if !report(finished) {
                    break; // the UI has gone
                }
            }
        })?;
        Ok(Worker { jobs })
    }

    /// Queues a grade; an error means the thread has died, which the caller reports.
    pub fn grade(&self, exercise: Exercise, file: PathBuf) -> Result<(), String> {
        self.jobs.send(Job { exercise, file }).map_err(|_| "the grading thread has stopped".to_string())
    }
}

/// The worker's thread name, so the panic hook can tell its (caught) panics apart.
pub const THREAD_NAME: &str = "nma-grader";

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
