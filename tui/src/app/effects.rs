//! What the state asks of the world outside it, and the one place where that is done.
//!
//! The state never touches files, threads or the terminal: its handlers return
//! [`Effect`]s. [`execute`] carries one out and answers with the [`Event`]s it led to (the
//! progress now on disk, the solution read, a grade the worker refused), which go back to
//! the state like any other event, so no consequence of an effect is ever dropped: a
//! refused grade ends as a grader error, and a grade queued behind it then starts.

use super::events::Event;
use super::worker::WorkerEvent;
use nma_grader::course::Lesson;
use nma_grader::{Course, Exercise, Progress, Workspace};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One thing for the run loop to do after a state change.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Grade the exercise at this index of `course.exercises` on the worker.
    StartGrade(usize),
    /// Write this progress to the workspace (merged with what another process saved).
    SaveProgress(Progress),
    /// Write the lessons read to the workspace.
    SaveLessonsRead(BTreeSet<String>),
    /// Suspend the UI and open the learner's copy of this exercise in their editor.
    OpenEditor(usize),
    /// Read this exercise's reference solution.
    LoadSolution(usize),
    /// Put the starter back (the learner confirmed).
    Reset(usize),
    /// Read the previewed lesson again: its file was saved.
    ReloadLesson { path: PathBuf, id: String },
}

/// What effects need besides files: the grading thread, the terminal, the watcher. The
/// run loop's is the real one; tests use a fake.
pub trait Outside {
    /// Queues a grade; `Err` says why the worker cannot take it (its thread has stopped).
    fn grade(&mut self, exercise: Exercise, file: PathBuf) -> Result<(), String>;
    /// Hands the terminal to the learner's editor on `file` until it exits.
    fn edit(&mut self, file: &Path) -> Result<(), String>;
    /// The terminal's size now (it may have changed while the editor had it).
    fn size(&self) -> Option<(u16, u16)>;
    /// The tutor itself has just written `file`: it is not the learner's save.
    fn wrote(&mut self, file: &Path);
}

/// Carries out `effect`, and says what came of it. Failures become events the state
/// shows as notices, never a crash.
pub fn execute(effect: Effect, course: &Course, workspace: &Workspace, outside: &mut impl Outside) -> Vec<Event> {
    match effect {
        Effect::StartGrade(index) => {
            let exercise = course.exercises[index].clone();
            let file = workspace.exercise_file(exercise.id());
            // The learner's absolute path, so compile errors name the file they edit.
            let file = file.canonicalize().unwrap_or(file);
            let id = exercise.id().to_string();
            match outside.grade(exercise, file) {
                Ok(()) => Vec::new(),
                // As if the worker had finished it: the state ends the grade the same way.
                Err(problem) => vec![Event::Worker(WorkerEvent::Finished { exercise: id, result: Err(problem) })],
            }
        }
        // Saving merges with what another process (`nma-tutor grade`) saved meanwhile;
        // the merged progress, shown from now on, is what is on disk.
        Effect::SaveProgress(progress) => match workspace.save_progress_merged(&progress) {
            Ok(saved) => vec![Event::ProgressSaved { progress: saved.progress, problem: saved.problem }],
            Err(e) => vec![Event::Problem(format!("Your progress could not be saved: {e:#}"))],
        },
        Effect::SaveLessonsRead(read) => match super::lessons_read::save(workspace, &read) {
            Ok(()) => Vec::new(),
            Err(e) => vec![Event::Problem(format!("The lessons you read could not be saved: {e:#}"))],
        },
        Effect::OpenEditor(index) => {
            let file = workspace.exercise_file(course.exercises[index].id());
            // The watcher sees the save and grades it, as for any other editor.
            let mut events = vec![Event::EditorClosed(outside.edit(&file))];
            events.extend(outside.size().map(|(width, height)| Event::Resize(width, height)));
            events
        }
        Effect::LoadSolution(index) => {
            let path = course.exercises[index].solution();
            let source = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()));
            vec![Event::SolutionLoaded { index, source }]
        }
        Effect::Reset(index) => {
            let exercise = &course.exercises[index];
            let result = workspace.reset(exercise).map_err(|e| format!("{e:#}"));
            // The tutor's own write is not the learner's save: grading the starter
            // would only show the failures they just asked to start over from.
            outside.wrote(&workspace.exercise_file(exercise.id()));
            vec![Event::ResetDone { index, result }]
        }
        Effect::ReloadLesson { path, id } => {
            vec![Event::LessonReloaded(Lesson::load(&path, &id).map_err(|e| format!("{e:#}")))]
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stand-in for the worker and the terminal: records grades, refuses them when told.
    #[derive(Default)]
    pub(crate) struct FakeOutside {
        pub graded: Vec<String>,
        /// How many of the next grades to refuse, as a stopped worker does.
        pub refuse: usize,
        pub written: Vec<PathBuf>,
    }

    impl Outside for FakeOutside {
        fn grade(&mut self, exercise: Exercise, _file: PathBuf) -> Result<(), String> {
            if self.refuse > 0 {
                self.refuse -= 1;
                return Err("the grading thread has stopped".into());
            }
            self.graded.push(exercise.id().to_string());
            Ok(())
        }
        fn edit(&mut self, _file: &Path) -> Result<(), String> {
            Ok(())
        }
        fn size(&self) -> Option<(u16, u16)> {
            None
        }
        fn wrote(&mut self, file: &Path) {
            self.written.push(file.to_path_buf());
        }
    }
}
