//! The tutor's state: what all screens share ([`Tutor`]), the screen open (and the
//! map's, kept while others are open), the overlay, and how each event reaches the part
//! it is for. Pure: side effects are returned as [`Effect`]s for the run loop to carry
//! out, so every transition can be unit-tested.

use super::course_map::Item;
use super::effects::Effect;
use super::events::Event;
use super::keys::{self, Action, Context};
use super::screens::exercise::ExerciseScreen;
use super::screens::help::{Closed, Overlay};
use super::screens::lesson::LessonScreen;
use super::screens::map::MapScreen;
use super::screens::solution::SolutionScreen;
use super::tutor::{Go, Reply, Tutor};
use super::worker::WorkerEvent;
use crossterm::event::{KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};
use nma_grader::course::Lesson;
use nma_grader::{Course, GradeEvent, Progress, Verdict, Workspace};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::SystemTime;

/// Lines one turn of the mouse wheel scrolls.
const WHEEL: isize = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// The map's own state is [`AppState::map`], kept while other screens are open.
    Map,
    Lesson(LessonScreen),
    Exercise(ExerciseScreen),
    Solution(SolutionScreen),
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub tutor: Tutor,
    pub map: MapScreen,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    /// Where each lesson was left, so reopening it (Tab from its exercise) returns there.
    lesson_scroll: HashMap<String, usize>,
    pub quit: bool,
}

impl AppState {
    pub fn new(
        course: Course,
        workspace: Workspace,
        shown_workspace: PathBuf,
        progress: Progress,
        now: SystemTime,
    ) -> Self {
        let tutor = Tutor::new(course, workspace, shown_workspace, progress, now);
        let map = MapScreen::new(&tutor);
        AppState { tutor, map, screen: Screen::Map, overlay: None, lesson_scroll: HashMap::new(), quit: false }
    }

    /// The first lesson not read or exercise not passed, in course order.
    pub fn next_step(&self) -> Option<Item> {
        self.map.next_step(&self.tutor)
    }

    #[cfg(test)]
    /// The map's items that pass the filter, in order.
    pub fn visible_items(&self) -> Vec<Item> {
        self.map.visible_items(&self.tutor)
    }

    #[cfg(test)]
    pub fn open_exercise(&self) -> Option<&nma_grader::Exercise> {
        match &self.screen {
            Screen::Exercise(screen) => self.tutor.course.exercises.get(screen.index),
            _ => None,
        }
    }

    /// The terminal changed size: rewraps the lesson and keeps scroll positions in range.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.tutor.viewport = (width, height);
        let page = self.tutor.reader_page();
        match &mut self.screen {
            Screen::Lesson(screen) => screen.render(&self.tutor),
            Screen::Solution(screen) => screen.reader.clamp(page),
            Screen::Map | Screen::Exercise(_) => {}
        }
    }

    // ---- keys (which key asks for what: keys.rs; what it does: the screen's module) ----

    /// Which keys apply now: an overlay's, else those of a text field being typed in,
    /// else the screen's.
    pub fn key_context(&self) -> Context {
        match (&self.overlay, &self.screen) {
            (Some(overlay), _) => overlay.context(&self.tutor),
            (None, Screen::Map) => self.map.context(),
            (None, Screen::Lesson(screen)) => screen.context(&self.tutor),
            (None, Screen::Solution(screen)) => screen.context(),
            (None, Screen::Exercise(_)) => Context::Exercise,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Terminals that report releases (Windows) would otherwise act twice per press.
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let context = self.key_context();
        let tutor = &mut self.tutor;
        let reply = match keys::action(context, &key) {
            None => Reply::default(),
            Some(Action::Quit) => Reply::go(Go::Quit),
            Some(Action::Help) => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                Reply::default()
            }
            Some(action) => match (&mut self.overlay, &mut self.screen) {
                (Some(overlay), _) => match overlay.key(action, tutor) {
                    Closed::No => Reply::default(),
                    Closed::Yes => {
                        self.overlay = None;
                        Reply::default()
                    }
                    Closed::Confirmed(index) => {
                        self.overlay = None;
                        Reply::effects(vec![Effect::Reset(index)])
                    }
                },
                (None, Screen::Map) => self.map.key(action, key.code, tutor),
                (None, Screen::Lesson(screen)) => screen.key(action, key.code, tutor),
                (None, Screen::Exercise(screen)) => screen.key(action, tutor),
                (None, Screen::Solution(screen)) => screen.key(action, key.code, tutor),
            },
        };
        let mut effects = self.follow(reply);
        if !context.is_overlay() {
            effects.extend(self.after_move());
        }
        effects
    }

    /// Whether keys go into a text field (the map's filter or a reader's search).
    #[cfg(test)]
    pub fn typing(&self) -> bool {
        matches!(self.key_context(), Context::MapFilter | Context::Search)
    }

    /// Does what a screen asked of the app, and hands on its effects.
    fn follow(&mut self, reply: Reply) -> Vec<Effect> {
        match reply.go {
            None => {}
            Some(Go::Map(item)) => {
                self.map.select(item, &self.tutor);
                self.set_screen(Screen::Map);
            }
            Some(Go::Lesson(index)) => self.open_lesson(index),
            Some(Go::Exercise(index)) => self.open_exercise_at(index),
            Some(Go::ConfirmReset(index)) => self.overlay = Some(Overlay::ConfirmReset(index)),
            Some(Go::Quit) => self.quit = true,
        }
        reply.effects
    }

    /// Another screen: a lesson being left remembers where it was.
    fn set_screen(&mut self, screen: Screen) {
        if let Screen::Lesson(lesson) = &self.screen {
            if let Some(l) = self.tutor.course.lessons.get(lesson.index) {
                self.lesson_scroll.insert(l.id.clone(), lesson.reader.scroll);
            }
        }
        self.screen = screen;
        self.tutor.flash = None;
    }

    pub fn open_lesson(&mut self, index: usize) {
        let Some(lesson) = self.tutor.course.lessons.get(index) else { return };
        let scroll = self.lesson_scroll.get(&lesson.id).copied().unwrap_or(0);
        self.set_screen(Screen::Lesson(LessonScreen::open(index, scroll, &self.tutor)));
    }

    pub fn open_exercise_at(&mut self, index: usize) {
        if index < self.tutor.course.exercises.len() {
            self.set_screen(Screen::Exercise(ExerciseScreen::open(index, &self.tutor)));
        }
    }

    /// After a key or the wheel moved the open lesson: it may have been read to its end.
    fn after_move(&mut self) -> Vec<Effect> {
        match &self.screen {
            Screen::Lesson(screen) => screen.mark_read(&mut self.tutor),
            _ => Vec::new(),
        }
    }

    /// The wheel scrolls what is on screen. `None` when nothing moved (motion, a wheel
    /// at the end already): mouse reports arrive constantly, and only a change is worth a frame.
    pub fn handle_mouse(&mut self, mouse: MouseEvent) -> Option<Vec<Effect>> {
        let delta = match mouse.kind {
            MouseEventKind::ScrollUp => -WHEEL,
            MouseEventKind::ScrollDown => WHEEL,
            _ => return None,
        };
        let before = self.position();
        let page = self.tutor.reader_page();
        match (&mut self.overlay, &mut self.screen) {
            (Some(Overlay::Help { scroll }), _) => *scroll = scroll.saturating_add_signed(delta as i16),
            (Some(_), _) => {}
            (None, Screen::Map) => self.map.move_selection(delta.signum(), &self.tutor),
            (None, Screen::Lesson(LessonScreen { reader, .. }) | Screen::Solution(SolutionScreen { reader, .. })) => {
                reader.scroll_by(delta, page)
            }
            (None, Screen::Exercise(screen)) => screen.scroll_by(delta as i16),
        }
        (self.position() != before).then(|| self.after_move())
    }

    /// Where the wheel can move things: the map's selection, the screen's scroll, the help's.
    fn position(&self) -> (Option<Item>, usize, Option<u16>) {
        let scroll = match &self.screen {
            Screen::Map => 0,
            Screen::Lesson(screen) => screen.reader.scroll,
            Screen::Solution(screen) => screen.reader.scroll,
            Screen::Exercise(screen) => usize::from(screen.scroll),
        };
        let help = match self.overlay {
            Some(Overlay::Help { scroll }) => Some(scroll),
            _ => None,
        };
        (self.map.selected, scroll, help)
    }

    // ---- events ----

    /// Takes one event. `None` when nothing changed that is worth a frame.
    pub fn update(&mut self, event: Event) -> Option<Vec<Effect>> {
        let effects = match event {
            Event::Key(key) => self.handle_key(key),
            Event::Mouse(mouse) => return self.handle_mouse(mouse),
            Event::Resize(width, height) => {
                self.resize(width, height);
                Vec::new()
            }
            // The run loop keeps only real saves (see `events.rs`).
            Event::FolderChanged(_) => return None,
            Event::Saved(names) => names.iter().flat_map(|name| self.file_saved(name)).collect(),
            Event::WatchProblem(problem) => {
                self.tutor.report_problem(format!("File watcher: {problem}"));
                Vec::new()
            }
            Event::Worker(WorkerEvent::Engine(build)) => {
                self.tutor.engine = build;
                Vec::new()
            }
            Event::Worker(WorkerEvent::Progress(stage)) => {
                self.grade_progress(stage);
                Vec::new()
            }
            Event::Worker(WorkerEvent::Finished { exercise, result }) => self.grade_finished(&exercise, result),
            Event::Tick => Vec::new(),
            // The run loop stops on it.
            Event::InputGone(_) => return None,
            Event::ProgressSaved { progress, problem } => {
                self.tutor.progress = progress;
                if let Some(problem) = problem {
                    self.tutor.report_problem(problem);
                }
                self.refresh_exercise();
                Vec::new()
            }
            Event::Problem(problem) => {
                self.tutor.report_problem(problem);
                Vec::new()
            }
            Event::EditorClosed(result) => {
                match result {
                    Ok(()) => self.tutor.flash = None,
                    Err(problem) => self.tutor.report_problem(problem),
                }
                Vec::new()
            }
            Event::SolutionLoaded { index, source } => {
                self.show_solution(index, source);
                Vec::new()
            }
            Event::ResetDone { index, result } => {
                self.reset_done(index, result);
                Vec::new()
            }
            Event::LessonReloaded(result) => {
                self.lesson_reloaded(result);
                Vec::new()
            }
        };
        Some(effects)
    }

    /// Whether the screen shows something that changes with the clock alone (a running
    /// grade's timer, "graded 12 s ago"): the loop then ticks once a second.
    pub fn shows_clock(&self) -> bool {
        match &self.screen {
            Screen::Exercise(screen) => {
                let tutor = &self.tutor;
                tutor.running.is_some()
                    || tutor.course.exercises.get(screen.index).is_some_and(|e| tutor.outcome(e.id()).is_some())
            }
            _ => false,
        }
    }

    /// The open exercise's result shows what changed (a verdict, a hint, progress).
    pub fn refresh_exercise(&mut self) {
        if let Screen::Exercise(screen) = &mut self.screen {
            screen.refresh(&self.tutor);
        }
    }

    /// The solution was read (`Err`: why it could not be).
    pub fn show_solution(&mut self, index: usize, source: Result<String, String>) {
        match source {
            Ok(text) => self.set_screen(Screen::Solution(SolutionScreen::open(index, &text, &self.tutor))),
            Err(problem) => self.tutor.report_problem(format!("Cannot show the solution: {problem}")),
        }
    }

    /// The starter is back (`Ok` holds the backup of the learner's file, if there was one).
    pub fn reset_done(&mut self, index: usize, result: Result<Option<PathBuf>, String>) {
        let id = self.tutor.course.exercises[index].id().to_string();
        match result {
            Ok(backup) => {
                // The verdict shown was of the file just replaced.
                self.tutor.outcomes.remove(&id);
                let kept = backup
                    .and_then(|b| b.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .map(|name| format!(" Your previous file is kept as {name}."))
                    .unwrap_or_default();
                self.tutor.flash = Some(format!("Your file is back to the starter.{kept}"));
            }
            Err(problem) => self.tutor.report_problem(format!("Could not reset {id}: {problem}")),
        }
        self.refresh_exercise();
    }

    /// A file in the watched folder was saved: the open exercise's is graded; in the
    /// author's preview, the lesson's is shown again.
    pub fn file_saved(&mut self, file_name: &OsStr) -> Vec<Effect> {
        let tutor = &mut self.tutor;
        match &self.screen {
            Screen::Exercise(screen) => {
                let mine = tutor.workspace.exercise_file(tutor.course.exercises[screen.index].id());
                if mine.file_name() != Some(file_name) {
                    return Vec::new();
                }
                tutor.request_grade(screen.index)
            }
            Screen::Lesson(screen) if tutor.preview => {
                let lesson = &tutor.course.lessons[screen.index];
                if lesson.path.file_name() != Some(file_name) {
                    return Vec::new();
                }
                vec![Effect::ReloadLesson { path: lesson.path.clone(), id: lesson.id.clone() }]
            }
            _ => Vec::new(),
        }
    }

    pub fn grade_progress(&mut self, event: GradeEvent) {
        self.tutor.grade_progress(event);
    }

    /// The worker finished a grade: recorded, shown, and a queued grade started.
    pub fn grade_finished(&mut self, exercise: &str, result: Result<Verdict, String>) -> Vec<Effect> {
        let effects = self.tutor.grade_finished(exercise, result);
        self.refresh_exercise();
        effects
    }

    // ---- author preview ----

    /// Opens the reader on one lesson for the author's preview.
    pub fn start_preview(&mut self, lesson_index: usize) {
        self.tutor.preview = true;
        self.open_lesson(lesson_index);
    }

    /// The previewed lesson was saved: shows the new text at the same scroll position,
    /// or, if it no longer parses, keeps the last good text and says why.
    pub fn lesson_reloaded(&mut self, result: Result<Lesson, String>) {
        let Screen::Lesson(screen) = &mut self.screen else { return };
        match result {
            Ok(lesson) => {
                self.tutor.course.lessons[screen.index] = lesson;
                self.tutor.lesson_problem = None;
                screen.render(&self.tutor);
            }
            Err(problem) => self.tutor.lesson_problem = Some(problem),
        }
    }
}

#[cfg(test)]
mod key_table;
#[cfg(test)]
mod tests;
