//! Everything the tutor shows, and how keys, saves and grading results change it.
//!
//! Pure: nothing here touches the terminal, the file system or threads. Side effects
//! are returned as [`Effect`]s for the run loop to carry out, so every transition can
//! be unit-tested.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use nma_grader::{Course, Exercise, GradeEvent, Progress, Verdict, Workspace};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Lines one PageUp/PageDown moves the exercise view.
const PAGE: u16 = 10;

/// What the run loop must do after a state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Grade the exercise at this index of `course.exercises` on the worker.
    StartGrade(usize),
    /// Write `progress` to the workspace.
    SaveProgress,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    List,
    Exercise(ExerciseView),
}

/// The open exercise: which one, and how far its body is scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseView {
    pub index: usize,
    pub scroll: u16,
}

/// The result of the latest grade of one exercise in this session.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `Err` holds why the grader itself could not run (not the learner's fault).
    pub result: Result<Verdict, String>,
    pub at: SystemTime,
}

/// The grade running on the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningGrade {
    pub index: usize,
    pub stage: Option<GradeEvent>,
    pub started: SystemTime,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub course: Course,
    pub workspace: Workspace,
    /// How the workspace root is shown: absolute in the app, a fixed label in tests.
    pub shown_workspace: PathBuf,
    pub progress: Progress,
    /// Selected row of the exercise list.
    pub selected: usize,
    pub screen: Screen,
    /// Messages for the status line: start-up report, failed saves, watcher trouble.
    pub notices: Vec<String>,
    /// Why saves are not being watched, if they are not.
    pub watch_problem: Option<String>,
    pub running: Option<RunningGrade>,
    /// One grade to run when the current one finishes: saves during a grade coalesce here.
    pub queued: Option<usize>,
    /// Latest outcome per exercise id, kept while the tutor runs.
    pub outcomes: HashMap<String, Outcome>,
    /// The clock the view shows relative times against; set by the run loop each frame.
    pub now: SystemTime,
    /// A short-lived message for the exercise view (e.g. "no more hints").
    pub flash: Option<String>,
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
        AppState {
            course,
            workspace,
            shown_workspace,
            progress,
            selected: 0,
            screen: Screen::List,
            notices: Vec::new(),
            watch_problem: None,
            running: None,
            queued: None,
            outcomes: HashMap::new(),
            now,
            flash: None,
            quit: false,
        }
    }

    /// A problem found while running (a failed save, a watcher error): listed on the
    /// list screen and flashed in the exercise view. Repeats are shown once.
    pub fn report_problem(&mut self, message: String) {
        const KEEP: usize = 4;
        self.flash = Some(message.clone());
        if !self.notices.contains(&message) {
            self.notices.push(message);
            if self.notices.len() > KEEP {
                self.notices.remove(0);
            }
        }
    }

    pub fn open_exercise(&self) -> Option<&Exercise> {
        match &self.screen {
            Screen::Exercise(view) => self.course.exercises.get(view.index),
            Screen::List => None,
        }
    }

    /// The learner's file as the view shows it (under `shown_workspace`).
    pub fn shown_file(&self, id: &str) -> PathBuf {
        let real = self.workspace.exercise_file(id);
        match real.strip_prefix(&self.workspace.root) {
            Ok(relative) => self.shown_workspace.join(relative),
            Err(_) => real,
        }
    }

    /// A path from a diagnostic, relative to the workspace when it lies inside it.
    pub fn shown_diagnostic_path<'a>(&self, file: &'a str) -> std::borrow::Cow<'a, str> {
        let path = Path::new(file);
        for root in [&self.workspace.root, &self.shown_workspace] {
            if let Ok(relative) = path.strip_prefix(root) {
                return relative.display().to_string().into();
            }
        }
        file.into()
    }

    /// `text` with the workspace's absolute path cut to a relative one: grader messages
    /// name the learner's file in full, which the view already shows once.
    pub fn shorten_paths(&self, text: &str) -> String {
        let mut text = text.to_string();
        for root in [&self.workspace.root, &self.shown_workspace] {
            text = text.replace(&format!("{}/", root.display()), "");
        }
        text
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Terminals that report releases (Windows) would otherwise act twice per press.
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return Vec::new();
        }
        match self.screen {
            Screen::List => self.list_key(key.code),
            Screen::Exercise(_) => self.exercise_key(key.code),
        }
    }

    fn list_key(&mut self, code: KeyCode) -> Vec<Effect> {
        let last = self.course.exercises.len().saturating_sub(1);
        match code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(PAGE as usize),
            KeyCode::PageDown => self.selected = (self.selected + PAGE as usize).min(last),
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.selected = last,
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') if self.selected < self.course.exercises.len() => {
                self.screen = Screen::Exercise(ExerciseView { index: self.selected, scroll: 0 });
                self.flash = None;
            }
            _ => {}
        }
        Vec::new()
    }

    fn exercise_key(&mut self, code: KeyCode) -> Vec<Effect> {
        let Screen::Exercise(view) = &mut self.screen else { return Vec::new() };
        let index = view.index;
        match code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Esc | KeyCode::Left | KeyCode::Backspace => {
                self.selected = index;
                self.screen = Screen::List;
            }
            KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => view.scroll = view.scroll.saturating_add(1),
            KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(PAGE),
            KeyCode::PageDown => view.scroll = view.scroll.saturating_add(PAGE),
            KeyCode::Home => view.scroll = 0,
            KeyCode::Char('h') => return self.reveal_hint(index),
            KeyCode::Char('g') => {
                self.flash = None;
                return self.request_grade(index).into_iter().collect();
            }
            _ => {}
        }
        self.clamp_scroll();
        Vec::new()
    }

    /// Keeps the body from scrolling past its last line.
    fn clamp_scroll(&mut self) {
        let lines = super::ui::exercise_body_line_count(self);
        if let Screen::Exercise(view) = &mut self.screen {
            view.scroll = view.scroll.min(lines.saturating_sub(1) as u16);
        }
    }

    fn reveal_hint(&mut self, index: usize) -> Vec<Effect> {
        let exercise = &self.course.exercises[index];
        let available = exercise.meta.hints.len();
        let before = self.progress.hints_shown(exercise.id());
        if before >= available {
            self.flash =
                Some(if available == 0 { "This exercise has no hints.".into() } else { "All hints are shown.".into() });
            return Vec::new();
        }
        self.flash = None;
        self.progress.reveal_hint(exercise.id(), available);
        vec![Effect::SaveProgress]
    }

    /// Asks for a grade of exercise `index`: now if the worker is free, else once after
    /// the running grade (any number of requests in the meantime make one grade).
    pub fn request_grade(&mut self, index: usize) -> Option<Effect> {
        if self.running.is_some() {
            self.queued = Some(index);
            return None;
        }
        self.running = Some(RunningGrade { index, stage: None, started: self.now });
        Some(Effect::StartGrade(index))
    }

    /// A file in the workspace's `exercises/` folder was saved; grades it if it is the open exercise's.
    pub fn file_saved(&mut self, file_name: &OsStr) -> Option<Effect> {
        let exercise = self.open_exercise()?;
        let mine = self.workspace.exercise_file(exercise.id());
        if mine.file_name() != Some(file_name) {
            return None;
        }
        let Screen::Exercise(view) = &self.screen else { return None };
        self.request_grade(view.index)
    }

    pub fn grade_progress(&mut self, event: GradeEvent) {
        if let Some(running) = &mut self.running {
            // A loss point is not a stage: keep showing "testing k of n".
            if !matches!(event, GradeEvent::Training { .. }) {
                running.stage = Some(event);
            }
        }
    }

    /// The worker finished a grade. Records a verdict in progress (pass or not: the
    /// learner moves on only when they choose to) and starts a queued grade.
    pub fn grade_finished(&mut self, exercise: &str, result: Result<Verdict, String>) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.running = None;
        if let Ok(verdict) = &result {
            self.progress.record(verdict);
            effects.push(Effect::SaveProgress);
        }
        self.outcomes.insert(exercise.to_string(), Outcome { result, at: self.now });
        if let Some(next) = self.queued.take() {
            effects.extend(self.request_grade(next));
        }
        self.clamp_scroll();
        effects
    }

    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        self.outcomes.get(id)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use nma_grader::{ExerciseState, Status, TestResult, Visibility};

    /// A small course on disk, written fresh for each test so snapshots never depend on
    /// the real course's wording.
    pub(crate) fn fixture_course(root: &Path) -> Course {
        let exercises = [
            (
                "w1d1_simple_ops",
                "Simple tensor operations",
                "W1D1",
                "unit",
                "Add, multiply and sum tensors with the engine's elementwise operations.",
                vec!["Look at `Tensor::add`.", "Summing all elements gives a scalar."],
            ),
            (
                "w1d3_cross_entropy",
                "Cross-entropy loss",
                "W1D3",
                "property",
                "Compute the mean cross-entropy of logits against integer class labels, stably.",
                vec!["Subtract the row maximum before exponentiating."],
            ),
            (
                "w2d2_output_shape",
                "Output shape of a convolution",
                "W2D2",
                "unit",
                "Return the height and width a 2-D convolution produces\nfrom an input, a kernel, a stride and a padding.\n\nWork in whole cells.\n",
                vec![
                    "Padding adds to both sides of each dimension.",
                    "(n + 2p - k) / s + 1, per dimension.",
                    "Integer division rounds down, as the convolution does.",
                ],
            ),
        ];
        for (id, title, day, kind, summary, hints) in exercises {
            let dir = root.join("exercises").join(id);
            std::fs::create_dir_all(&dir).unwrap();
            let hints: Vec<String> = hints.iter().map(|h| format!("{h:?}")).collect();
            std::fs::write(
                dir.join("exercise.toml"),
                format!(
                    "id = {id:?}\ntitle = {title:?}\nday = {day:?}\nlesson = \"x\"\nkind = {kind:?}\nsummary = {summary:?}\nhints = [{}]\n",
                    hints.join(", ")
                ),
            )
            .unwrap();
            for file in ["starter.rs", "solution.rs", "tests.rs"] {
                std::fs::write(dir.join(file), "").unwrap();
            }
        }
        Course::load(root).unwrap()
    }

    /// An `AppState` on the fixture course with a stable clock and workspace label.
    pub(crate) fn fixture_state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let course = fixture_course(dir.path());
        let workspace = Workspace { root: dir.path().join("workspace") };
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let state = AppState::new(course, workspace, PathBuf::from("/home/learner/nma"), Progress::default(), now);
        (dir, state)
    }

    pub(crate) fn test_result(name: &str, status: Status, message: &str) -> TestResult {
        TestResult {
            name: name.into(),
            status,
            kind: None,
            message: message.into(),
            output: String::new(),
            visibility: Visibility::Visible,
            score: if status == Status::Pass { 1.0 } else { 0.0 },
            max_score: 1.0,
            seconds: 0.01,
            training: None,
        }
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn index_of(state: &AppState, id: &str) -> usize {
        state.course.exercises.iter().position(|e| e.id() == id).unwrap()
    }

    fn open(state: &mut AppState, id: &str) {
        state.selected = index_of(state, id);
        state.handle_key(key(KeyCode::Enter));
    }

    #[test]
    fn list_navigation_stays_within_the_course() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Up));
        assert_eq!(state.selected, 0);
        state.handle_key(key(KeyCode::Char('j')));
        state.handle_key(key(KeyCode::Down));
        assert_eq!(state.selected, 2);
        state.handle_key(key(KeyCode::Down));
        assert_eq!(state.selected, 2, "the last row stays selected");
        state.handle_key(key(KeyCode::Char('k')));
        assert_eq!(state.selected, 1);
        state.handle_key(key(KeyCode::Home));
        assert_eq!(state.selected, 0);
        state.handle_key(key(KeyCode::End));
        assert_eq!(state.selected, 2);
    }

    #[test]
    fn enter_opens_the_selected_exercise_and_esc_goes_back_to_it() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Down));
        state.handle_key(key(KeyCode::Enter));
        assert_eq!(state.open_exercise().map(Exercise::id), Some("w1d3_cross_entropy"));
        state.handle_key(key(KeyCode::Esc));
        assert_eq!(state.screen, Screen::List);
        assert_eq!(state.selected, 1, "the list keeps the exercise just left selected");
        assert!(!state.quit);
    }

    #[test]
    fn q_and_ctrl_c_quit_from_either_screen() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Char('q')));
        assert!(state.quit);

        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        state.handle_key(key(KeyCode::Char('q')));
        assert!(state.quit);

        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        state.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(state.quit);
    }

    #[test]
    fn h_reveals_one_hint_at_a_time_and_asks_to_save() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        for shown in 1..=3 {
            assert_eq!(state.handle_key(key(KeyCode::Char('h'))), vec![Effect::SaveProgress]);
            assert_eq!(state.progress.hints_shown("w2d2_output_shape"), shown);
        }
        assert_eq!(state.handle_key(key(KeyCode::Char('h'))), vec![], "nothing more to reveal or save");
        assert_eq!(state.progress.hints_shown("w2d2_output_shape"), 3);
        assert_eq!(state.flash.as_deref(), Some("All hints are shown."));
    }

    #[test]
    fn h_on_the_list_does_nothing() {
        let (_dir, mut state) = fixture_state();
        assert!(state.handle_key(key(KeyCode::Char('h'))).is_empty());
        assert_eq!(state.progress.hints_shown("w1d1_simple_ops"), 0);
    }

    #[test]
    fn saves_of_the_open_file_grade_and_others_are_ignored() {
        let (_dir, mut state) = fixture_state();
        assert_eq!(state.file_saved(OsStr::new("w2d2_output_shape.rs")), None, "nothing open");
        open(&mut state, "w2d2_output_shape");
        let index = index_of(&state, "w2d2_output_shape");
        assert_eq!(state.file_saved(OsStr::new("w1d1_simple_ops.rs")), None);
        assert_eq!(state.file_saved(OsStr::new("w2d2_output_shape.rs")), Some(Effect::StartGrade(index)));
    }

    #[test]
    fn saves_during_a_grade_coalesce_into_exactly_one_more() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        let index = index_of(&state, "w2d2_output_shape");
        let file = OsStr::new("w2d2_output_shape.rs");
        assert_eq!(state.file_saved(file), Some(Effect::StartGrade(index)));
        state.grade_progress(GradeEvent::Running { done: 1, of: 2 });
        assert_eq!(state.file_saved(file), None);
        assert_eq!(state.handle_key(key(KeyCode::Char('g'))), vec![]);
        assert_eq!(state.file_saved(file), None);

        let verdict = Verdict::from_tests("w2d2_output_shape", vec![test_result("a", Status::Fail, "no")], 0.1, 0.2);
        let effects = state.grade_finished("w2d2_output_shape", Ok(verdict.clone()));
        assert_eq!(effects, vec![Effect::SaveProgress, Effect::StartGrade(index)], "one more grade");
        assert_eq!(state.running.as_ref().map(|r| r.index), Some(index));
        assert_eq!(state.grade_finished("w2d2_output_shape", Ok(verdict)), vec![Effect::SaveProgress], "and no more");
        assert!(state.running.is_none());
    }

    #[test]
    fn verdicts_are_recorded_and_grader_errors_are_kept_for_display() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w1d1_simple_ops");
        state.handle_key(key(KeyCode::Char('g')));
        let pass = Verdict::from_tests("w1d1_simple_ops", vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
        state.grade_finished("w1d1_simple_ops", Ok(pass));
        assert_eq!(state.progress.state("w1d1_simple_ops"), ExerciseState::Passed);
        assert!(state.open_exercise().is_some(), "passing does not leave the exercise");

        state.handle_key(key(KeyCode::Char('g')));
        let effects = state.grade_finished("w1d1_simple_ops", Err("cargo is missing".into()));
        assert!(effects.is_empty(), "an error is not progress");
        assert_eq!(state.outcome("w1d1_simple_ops").unwrap().result, Err("cargo is missing".to_string()));
        assert_eq!(state.progress.state("w1d1_simple_ops"), ExerciseState::Passed);
    }

    #[test]
    fn the_view_scrolls_but_not_past_its_end() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        state.handle_key(key(KeyCode::PageDown));
        state.handle_key(key(KeyCode::PageDown));
        let Screen::Exercise(view) = &state.screen else { panic!("view is open") };
        let limit = crate::app::ui::exercise_body_line_count(&state) as u16;
        assert!(view.scroll < limit, "{} < {limit}", view.scroll);
        state.handle_key(key(KeyCode::Home));
        let Screen::Exercise(view) = &state.screen else { panic!("view is open") };
        assert_eq!(view.scroll, 0);
    }
}
