//! Everything that happens to the tutor, as one type: the learner's keys and mouse, the
//! terminal's size, saves the watcher saw, the worker's progress and verdicts, the clock,
//! and what came of an effect. The state takes them one at a time ([`AppState::update`]).
//!
//! [`AppState::update`]: super::state::AppState::update

use super::worker::WorkerEvent;
use crossterm::event::{KeyEvent, MouseEvent};
use nma_grader::course::Lesson;
use nma_grader::Progress;
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Files saved in the watched folder, by name (debounced; reads do not count).
    Saved(Vec<OsString>),
    /// The watcher's trouble, in words.
    WatchProblem(String),
    Worker(WorkerEvent),
    /// Time passed while the screen shows something that counts it.
    Tick,
    // What came of an effect (see `effects.rs`):
    /// The progress now on disk, and a problem met reading what was there.
    ProgressSaved { progress: Progress, problem: Option<String> },
    /// Something failed that the learner should hear of.
    Problem(String),
    EditorClosed(Result<(), String>),
    SolutionLoaded { index: usize, source: Result<String, String> },
    /// `Ok` holds the backup of the learner's file, if there was one.
    ResetDone { index: usize, result: Result<Option<PathBuf>, String> },
    LessonReloaded(Result<Lesson, String>),
}
