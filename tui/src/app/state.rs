//! Everything the tutor shows, and how keys, saves and grading results change it.
//!
//! Pure: nothing here touches the terminal, the file system or threads. Side effects
//! are returned as [`Effect`]s for the run loop to carry out, so every transition can
//! be unit-tested.

use super::effects::Effect;
use super::events::Event;
use super::highlight;
use super::keys::{self, Action, Context};
use super::map::{self, CourseMap, Item, ItemState};
use super::markdown;
use super::reader::Reader;
use super::worker::{EngineBuild, WorkerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};
use nma_grader::course::Lesson;
use nma_grader::{Course, Exercise, ExerciseState, GradeEvent, Progress, Verdict, Workspace};
use std::collections::{BTreeSet, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use ratatui::layout::{Constraint, Layout, Rect};
use std::time::SystemTime;

/// Lines one PageUp/PageDown moves the exercise view and the map.
const PAGE: u16 = 10;
/// Lines one turn of the mouse wheel scrolls.
const WHEEL: isize = 3;
/// Live loss points kept per training test; beyond this every other one is dropped.
const LIVE_POINTS: usize = 2000;
/// The smallest terminal the screens are laid out for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Map,
    Lesson(LessonView),
    Exercise(ExerciseView),
    Solution(SolutionView),
}

/// The lesson being read: index into `course.lessons`.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonView {
    pub index: usize,
    pub reader: Reader,
}

/// The open exercise: which one, and how far its body is scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseView {
    pub index: usize,
    pub scroll: u16,
}

/// An exercise's reference solution (only ever opened after a pass).
#[derive(Debug, Clone, PartialEq)]
pub struct SolutionView {
    pub index: usize,
    pub reader: Reader,
}

/// Something drawn over the screen that takes the keys until it closes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// "Reset this exercise to its starter?", for the exercise at this index.
    ConfirmReset(usize),
}

/// The result of the latest grade of one exercise in this session.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `Err` holds why the grader itself could not run (not the learner's fault).
    pub result: Result<Verdict, String>,
    pub at: SystemTime,
}

/// (step, loss) points of one training run; a loss that is not a number is `None`.
pub type LossCurve = Vec<(usize, Option<f64>)>;

/// The grade running on the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningGrade {
    pub index: usize,
    pub stage: Option<GradeEvent>,
    pub started: SystemTime,
    /// Loss points streamed so far, per training test, in the order tests reported.
    pub losses: Vec<(String, LossCurve)>,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub course: Course,
    pub map: CourseMap,
    pub workspace: Workspace,
    /// How the workspace root is shown: absolute in the app, a fixed label in tests.
    pub shown_workspace: PathBuf,
    pub progress: Progress,
    /// Ids of the lessons read to the end (kept beside progress, see `reading.rs`).
    pub lessons_read: BTreeSet<String>,
    /// The map's selected item; `None` when nothing matches the filter.
    pub selected: Option<Item>,
    pub filter: String,
    /// Typing the filter (after `/`).
    pub filter_editing: bool,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    /// Where each lesson was left, so reopening it (Tab from its exercise) returns there.
    pub lesson_scroll: HashMap<String, usize>,
    /// The terminal's size, kept current by the run loop; reader text is wrapped to it.
    pub viewport: (u16, u16),
    /// Messages for the map's status area: start-up report, failed saves, watcher trouble.
    pub notices: Vec<String>,
    /// Why saves are not being watched, if they are not.
    pub watch_problem: Option<String>,
    pub running: Option<RunningGrade>,
    pub engine: EngineBuild,
    /// One grade to run when the current one finishes: saves during a grade coalesce here.
    pub queued: Option<usize>,
    /// Latest outcome per exercise id, kept while the tutor runs.
    pub outcomes: HashMap<String, Outcome>,
    /// The clock the view shows relative times against; set by the run loop each frame.
    pub now: SystemTime,
    /// A short-lived message for the footer (e.g. "no more hints").
    pub flash: Option<String>,
    /// The author's live preview of one lesson: no map, no exercises; Esc quits.
    pub preview: bool,
    /// Why the previewed lesson's latest save could not be shown.
    pub lesson_problem: Option<String>,
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
        let map = CourseMap::new(&course);
        let mut state = AppState {
            course,
            map,
            workspace,
            shown_workspace,
            progress,
            lessons_read: BTreeSet::new(),
            selected: None,
            filter: String::new(),
            filter_editing: false,
            screen: Screen::Map,
            overlay: None,
            lesson_scroll: HashMap::new(),
            viewport: MIN_SIZE,
            notices: Vec::new(),
            watch_problem: None,
            running: None,
            engine: EngineBuild::default(),
            queued: None,
            outcomes: HashMap::new(),
            now,
            flash: None,
            preview: false,
            lesson_problem: None,
            quit: false,
        };
        state.selected = state.next_step().or_else(|| state.map.items().next());
        state
    }

    /// A problem found while running (a failed save, a watcher error): listed on the
    /// map and flashed in the footer. Repeats are shown once.
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

    pub fn item_state(&self, item: Item) -> ItemState {
        map::item_state(item, &self.course, &self.progress, &self.lessons_read)
    }

    /// The first lesson not read or exercise not passed, in course order.
    pub fn next_step(&self) -> Option<Item> {
        self.map.items().find(|item| self.item_state(*item) != ItemState::Done)
    }

    /// The map's items that pass the filter, in order.
    pub fn visible_items(&self) -> Vec<Item> {
        self.map.items().filter(|item| map::item_matches(*item, &self.course, &self.filter)).collect()
    }

    pub fn map_rows(&self) -> Vec<map::Row> {
        self.map.rows(|item| map::item_matches(item, &self.course, &self.filter), |item| self.item_state(item))
    }

    #[cfg(test)]
    pub fn open_exercise(&self) -> Option<&Exercise> {
        match &self.screen {
            Screen::Exercise(view) => self.course.exercises.get(view.index),
            _ => None,
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

    // ---- layout facts the keys need (from the layout the screens are drawn with) ----

    fn reader_layout(&self) -> ReaderLayout {
        ReaderLayout::new(Rect::new(0, 0, self.viewport.0, self.viewport.1))
    }

    /// Columns lesson text is wrapped to.
    pub fn reader_width(&self) -> u16 {
        self.reader_layout().text.width.max(20)
    }

    /// Rows of text a reader shows at once.
    pub fn reader_page(&self) -> usize {
        self.reader_layout().page()
    }

    /// The terminal changed size: rewraps the lesson and keeps scroll positions in range.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.viewport = (width, height);
        self.render_lesson();
        let page = self.reader_page();
        if let Screen::Solution(view) = &mut self.screen {
            view.reader.clamp(page);
        }
        self.clamp_scroll();
    }

    /// (Re)renders the open lesson for the current width, keeping its scroll position.
    fn render_lesson(&mut self) {
        let (width, page) = (self.reader_width(), self.reader_page());
        if let Screen::Lesson(view) = &mut self.screen {
            if let Some(lesson) = self.course.lessons.get(view.index) {
                view.reader.set_lines(markdown::render(&lesson.body, width), width, page);
            }
        }
    }

    // ---- keys (which key asks for what: keys.rs) ----

    /// Which keys apply now: an overlay's, else those of a text field being typed in,
    /// else the screen's.
    pub fn key_context(&self) -> Context {
        match (&self.overlay, &self.screen) {
            (Some(Overlay::Help { .. }), _) if self.preview => Context::PreviewHelp,
            (Some(Overlay::Help { .. }), _) => Context::Help,
            (Some(Overlay::ConfirmReset(_)), _) => Context::ConfirmReset,
            (None, Screen::Map) if self.filter_editing => Context::MapFilter,
            (None, Screen::Map) => Context::Map,
            (None, Screen::Lesson(view)) if view.reader.search.editing => Context::Search,
            (None, Screen::Lesson(_)) if self.preview => Context::Preview,
            (None, Screen::Lesson(_)) => Context::Lesson,
            (None, Screen::Solution(view)) if view.reader.search.editing => Context::Search,
            (None, Screen::Solution(_)) => Context::Solution,
            (None, Screen::Exercise(_)) => Context::Exercise,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Terminals that report releases (Windows) would otherwise act twice per press.
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let context = self.key_context();
        let mut effects = match keys::action(context, &key) {
            None => Vec::new(),
            Some(Action::Quit) => {
                self.quit = true;
                Vec::new()
            }
            Some(Action::Help) => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                Vec::new()
            }
            Some(action) => match context {
                Context::Map => self.map_key(action),
                Context::MapFilter => self.filter_key(action, key.code),
                Context::Search => self.search_key(action, key.code),
                Context::Lesson | Context::Preview => self.lesson_key(action),
                Context::Exercise => self.exercise_key(action),
                Context::Solution => self.solution_key(action),
                Context::Help | Context::PreviewHelp => self.help_key(action),
                Context::ConfirmReset => self.confirm_reset_key(action),
            },
        };
        if !context.is_overlay() {
            effects.extend(self.after_reader_move());
        }
        effects
    }

    /// Whether keys go into a text field (the map's filter or a reader's search).
    #[cfg(test)]
    pub fn typing(&self) -> bool {
        matches!(self.key_context(), Context::MapFilter | Context::Search)
    }

    fn filter_key(&mut self, action: Action, code: KeyCode) -> Vec<Effect> {
        match action {
            Action::Type => {
                if let KeyCode::Char(c) = code {
                    self.filter.push(c);
                }
            }
            Action::DeleteChar => {
                self.filter.pop();
            }
            Action::KeepFilter => self.filter_editing = false,
            Action::ClearFilter => {
                self.filter.clear();
                self.filter_editing = false;
            }
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            _ => {}
        }
        self.keep_selection_visible();
        Vec::new()
    }

    fn search_key(&mut self, action: Action, code: KeyCode) -> Vec<Effect> {
        let page = self.reader_page();
        let Some(reader) = self.reader_mut() else { return Vec::new() };
        match action {
            Action::Type => {
                if let KeyCode::Char(c) = code {
                    reader.search.query.push(c);
                }
            }
            Action::DeleteChar => {
                reader.search.query.pop();
            }
            Action::Find => reader.run_search(page),
            Action::CancelSearch => reader.clear_search(),
            _ => {}
        }
        Vec::new()
    }

    fn reader_mut(&mut self) -> Option<&mut Reader> {
        match &mut self.screen {
            Screen::Lesson(view) => Some(&mut view.reader),
            Screen::Solution(view) => Some(&mut view.reader),
            _ => None,
        }
    }

    fn help_key(&mut self, action: Action) -> Vec<Effect> {
        let Some(Overlay::Help { scroll }) = self.overlay else { return Vec::new() };
        self.overlay = match action {
            Action::Up => Some(Overlay::Help { scroll: scroll.saturating_sub(1) }),
            Action::Down => Some(Overlay::Help { scroll: scroll.saturating_add(1) }),
            Action::PageUp => Some(Overlay::Help { scroll: scroll.saturating_sub(PAGE) }),
            Action::PageDown => Some(Overlay::Help { scroll: scroll.saturating_add(PAGE) }),
            _ => None,
        };
        Vec::new()
    }

    fn confirm_reset_key(&mut self, action: Action) -> Vec<Effect> {
        let Some(Overlay::ConfirmReset(index)) = self.overlay else { return Vec::new() };
        self.overlay = None;
        if action == Action::ConfirmReset {
            return vec![Effect::Reset(index)];
        }
        self.flash = Some("Reset cancelled: your file is unchanged.".into());
        Vec::new()
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
        let page = self.reader_page();
        match (&mut self.overlay, &mut self.screen) {
            (Some(Overlay::Help { scroll }), _) => *scroll = scroll.saturating_add_signed(delta as i16),
            (Some(_), _) => {}
            (None, Screen::Map) => self.move_selection(delta.signum()),
            (None, Screen::Lesson(LessonView { reader, .. }) | Screen::Solution(SolutionView { reader, .. })) => {
                reader.scroll_by(delta, page)
            }
            (None, Screen::Exercise(view)) => view.scroll = view.scroll.saturating_add_signed(delta as i16),
        }
        self.clamp_scroll();
        (self.position() != before).then(|| self.after_reader_move())
    }

    /// Where the wheel can move things: the map's selection, the scroll of the screen and the help.
    fn position(&self) -> (Option<Item>, usize, Option<u16>) {
        let scroll = match &self.screen {
            Screen::Map => 0,
            Screen::Lesson(view) => view.reader.scroll,
            Screen::Solution(view) => view.reader.scroll,
            Screen::Exercise(view) => usize::from(view.scroll),
        };
        let help = match self.overlay {
            Some(Overlay::Help { scroll }) => Some(scroll),
            _ => None,
        };
        (self.selected, scroll, help)
    }

    fn move_selection(&mut self, delta: isize) {
        let items = self.visible_items();
        let Some(last) = items.len().checked_sub(1) else { return };
        let at = self.selected.and_then(|s| items.iter().position(|i| *i == s)).unwrap_or(0);
        self.selected = Some(items[at.saturating_add_signed(delta).min(last)]);
    }

    /// After the filter changes: keeps the selection if it still shows, else the first that does.
    fn keep_selection_visible(&mut self) {
        let items = self.visible_items();
        if !self.selected.is_some_and(|s| items.contains(&s)) {
            self.selected = items.first().copied();
        }
    }

    fn map_key(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-(PAGE as isize)),
            Action::PageDown => self.move_selection(PAGE as isize),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::StartFilter => {
                self.filter_editing = true;
                self.keep_selection_visible();
            }
            Action::ClearFilter if !self.filter.is_empty() => {
                self.filter.clear();
                self.keep_selection_visible();
            }
            Action::NextStep => match self.next_step() {
                Some(next) => {
                    self.filter.clear();
                    self.selected = Some(next);
                }
                None => self.flash = Some("Everything is done. Well done!".into()),
            },
            Action::Open => match self.selected {
                Some(Item::Lesson(index)) => self.open_lesson(index),
                Some(Item::Exercise(index)) => self.open_exercise_at(index),
                None => {}
            },
            _ => {}
        }
        Vec::new()
    }

    pub fn open_lesson(&mut self, index: usize) {
        let Some(lesson) = self.course.lessons.get(index) else { return };
        let scroll = self.lesson_scroll.get(&lesson.id).copied().unwrap_or(0);
        self.screen = Screen::Lesson(LessonView { index, reader: Reader { scroll, ..Reader::default() } });
        self.flash = None;
        self.render_lesson();
    }

    pub fn open_exercise_at(&mut self, index: usize) {
        if index < self.course.exercises.len() {
            self.screen = Screen::Exercise(ExerciseView { index, scroll: 0 });
            self.flash = None;
        }
    }

    /// Esc from a lesson or exercise: the map, with what was open selected.
    fn back_to_map(&mut self, item: Item) {
        self.screen = Screen::Map;
        self.flash = None;
        if map::item_matches(item, &self.course, &self.filter) {
            self.selected = Some(item);
        } else {
            self.filter.clear();
            self.selected = Some(item);
        }
    }

    fn lesson_key(&mut self, action: Action) -> Vec<Effect> {
        let page = self.reader_page();
        let Screen::Lesson(view) = &mut self.screen else { return Vec::new() };
        let index = view.index;
        if let Some(lesson) = self.course.lessons.get(index) {
            self.lesson_scroll.insert(lesson.id.clone(), view.reader.scroll);
        }
        let searched = !view.reader.search.query.is_empty();
        match action {
            Action::ClearSearchOrBack | Action::ClearSearchOrQuit if searched => view.reader.clear_search(),
            Action::ClearSearchOrQuit => self.quit = true,
            Action::ClearSearchOrBack | Action::Back => self.back_to_map(Item::Lesson(index)),
            Action::NoExercisesInPreview => {
                self.flash = Some("Exercises open in the tutor, not in the preview.".into())
            }
            Action::LessonExercise => self.lesson_exercises(index),
            _ => Self::reader_key(&mut view.reader, action, page),
        }
        if let Screen::Lesson(view) = &self.screen {
            if let Some(lesson) = self.course.lessons.get(view.index) {
                self.lesson_scroll.insert(lesson.id.clone(), view.reader.scroll);
            }
        }
        Vec::new()
    }

    /// Scrolling and search, shared by the lesson and solution readers.
    fn reader_key(reader: &mut Reader, action: Action, page: usize) {
        let page_step = page.saturating_sub(2).max(1) as isize;
        match action {
            Action::Up => reader.scroll_by(-1, page),
            Action::Down => reader.scroll_by(1, page),
            Action::PageUp => reader.scroll_by(-page_step, page),
            Action::PageDown => reader.scroll_by(page_step, page),
            Action::Top => reader.scroll = 0,
            Action::Bottom => reader.scroll = reader.max_scroll(page),
            Action::StartSearch => {
                reader.search.query.clear();
                reader.search.editing = true;
            }
            Action::NextMatch => reader.next_match(true, page),
            Action::PreviousMatch => reader.next_match(false, page),
            _ => {}
        }
    }

    /// `x` in a lesson: its first exercise not yet passed (else its first).
    fn lesson_exercises(&mut self, lesson_index: usize) {
        let Some(lesson) = self.course.lessons.get(lesson_index) else { return };
        let indices: Vec<usize> = lesson
            .meta
            .exercises
            .iter()
            .filter_map(|id| self.course.exercises.iter().position(|e| e.id() == id))
            .collect();
        let pick = indices
            .iter()
            .find(|i| self.progress.state(self.course.exercises[**i].id()) != ExerciseState::Passed)
            .or(indices.first());
        match pick {
            Some(index) => self.open_exercise_at(*index),
            None => self.flash = Some("This lesson has no exercises.".into()),
        }
    }

    /// Marks the open lesson read once its last line has been on screen.
    fn after_reader_move(&mut self) -> Vec<Effect> {
        if self.preview {
            return Vec::new();
        }
        let page = self.reader_page();
        let Screen::Lesson(view) = &self.screen else { return Vec::new() };
        let Some(lesson) = self.course.lessons.get(view.index) else { return Vec::new() };
        if view.reader.at_end(page) && self.lessons_read.insert(lesson.id.clone()) {
            return vec![Effect::SaveLessonsRead(self.lessons_read.clone())];
        }
        Vec::new()
    }

    fn exercise_key(&mut self, action: Action) -> Vec<Effect> {
        let Screen::Exercise(view) = &mut self.screen else { return Vec::new() };
        let index = view.index;
        match action {
            Action::Back => self.back_to_map(Item::Exercise(index)),
            Action::Up => view.scroll = view.scroll.saturating_sub(1),
            Action::Down => view.scroll = view.scroll.saturating_add(1),
            Action::PageUp => view.scroll = view.scroll.saturating_sub(PAGE),
            Action::PageDown => view.scroll = view.scroll.saturating_add(PAGE),
            Action::Top => view.scroll = 0,
            Action::Bottom => view.scroll = u16::MAX,
            Action::Hint => return self.reveal_hint(index),
            Action::Grade => {
                self.flash = Some("Grading…".into());
                return self.request_grade(index);
            }
            Action::Edit => return vec![Effect::OpenEditor(index)],
            Action::Solution => return self.ask_for_solution(index),
            Action::Reset => self.overlay = Some(Overlay::ConfirmReset(index)),
            Action::ExerciseLesson => self.exercise_lesson(index),
            _ => {}
        }
        self.clamp_scroll();
        Vec::new()
    }

    /// Tab in an exercise: the lesson it belongs to.
    fn exercise_lesson(&mut self, index: usize) {
        let lesson_id = &self.course.exercises[index].meta.lesson;
        let found = self.course.lessons.iter().position(|l| {
            &l.id == lesson_id || l.meta.exercises.iter().any(|e| e == self.course.exercises[index].id())
        });
        match found {
            Some(lesson) => self.open_lesson(lesson),
            None => self.flash = Some("This exercise's lesson is not written yet.".into()),
        }
    }

    /// The reference solution opens only after a pass: before, it would spoil the exercise.
    fn ask_for_solution(&mut self, index: usize) -> Vec<Effect> {
        if self.progress.state(self.course.exercises[index].id()) == ExerciseState::Passed {
            vec![Effect::LoadSolution(index)]
        } else {
            self.flash = Some("The reference solution opens once your code passes.".into());
            Vec::new()
        }
    }

    /// The run loop read the solution (`Err`: why it could not).
    pub fn show_solution(&mut self, index: usize, source: Result<String, String>) {
        match source {
            Ok(text) => {
                let lines = highlight::highlight(&text, "rust");
                let mut reader = Reader::default();
                reader.set_lines(lines, 0, self.reader_page());
                self.screen = Screen::Solution(SolutionView { index, reader });
                self.flash = None;
            }
            Err(problem) => self.report_problem(format!("Cannot show the solution: {problem}")),
        }
    }

    fn solution_key(&mut self, action: Action) -> Vec<Effect> {
        let page = self.reader_page();
        let Screen::Solution(view) = &mut self.screen else { return Vec::new() };
        match action {
            Action::ClearSearchOrBack if !view.reader.search.query.is_empty() => view.reader.clear_search(),
            Action::ClearSearchOrBack | Action::Back => {
                let index = view.index;
                self.open_exercise_at(index);
            }
            _ => Self::reader_key(&mut view.reader, action, page),
        }
        Vec::new()
    }

    /// The starter is back (`Ok` holds the backup of the learner's file, if there was one).
    pub fn reset_done(&mut self, index: usize, result: Result<Option<PathBuf>, String>) {
        let id = self.course.exercises[index].id().to_string();
        match result {
            Ok(backup) => {
                // The verdict shown was of the file just replaced.
                self.outcomes.remove(&id);
                let kept = backup
                    .and_then(|b| b.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .map(|name| format!(" Your previous file is kept as {name}."))
                    .unwrap_or_default();
                self.flash = Some(format!("Your file is back to the starter.{kept}"));
            }
            Err(problem) => self.report_problem(format!("Could not reset {id}: {problem}")),
        }
    }

    /// Keeps the exercise body from scrolling past its last line.
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
        vec![Effect::SaveProgress(self.progress.clone())]
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
                self.report_problem(format!("File watcher: {problem}"));
                Vec::new()
            }
            Event::Worker(WorkerEvent::Engine(build)) => {
                self.engine = build;
                Vec::new()
            }
            Event::Worker(WorkerEvent::Progress(stage)) => {
                self.grade_progress(stage);
                Vec::new()
            }
            Event::Worker(WorkerEvent::Finished { exercise, result }) => self.grade_finished(&exercise, result),
            Event::Tick => Vec::new(),
            Event::ProgressSaved { progress, problem } => {
                self.progress = progress;
                if let Some(problem) = problem {
                    self.report_problem(problem);
                }
                Vec::new()
            }
            Event::Problem(problem) => {
                self.report_problem(problem);
                Vec::new()
            }
            Event::EditorClosed(result) => {
                match result {
                    Ok(()) => self.flash = None,
                    Err(problem) => self.report_problem(problem),
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
            Screen::Exercise(view) => {
                self.running.is_some()
                    || self.course.exercises.get(view.index).is_some_and(|e| self.outcome(e.id()).is_some())
            }
            _ => false,
        }
    }

    // ---- saves and grading ----

    /// Asks for a grade of exercise `index`: now if the worker is free, else once after
    /// the running grade (any number of requests in the meantime make one grade).
    pub fn request_grade(&mut self, index: usize) -> Vec<Effect> {
        if self.running.is_some() {
            self.queued = Some(index);
            return Vec::new();
        }
        self.running = Some(RunningGrade { index, stage: None, started: self.now, losses: Vec::new() });
        vec![Effect::StartGrade(index)]
    }

    /// A file in the watched folder was saved: the open exercise's is graded; in the
    /// author's preview, the lesson's is shown again.
    pub fn file_saved(&mut self, file_name: &OsStr) -> Vec<Effect> {
        match &self.screen {
            Screen::Exercise(view) => {
                let index = view.index;
                let mine = self.workspace.exercise_file(self.course.exercises[index].id());
                if mine.file_name() != Some(file_name) {
                    return Vec::new();
                }
                self.request_grade(index)
            }
            Screen::Lesson(view) if self.preview => {
                let lesson = &self.course.lessons[view.index];
                if lesson.path.file_name() != Some(file_name) {
                    return Vec::new();
                }
                vec![Effect::ReloadLesson { path: lesson.path.clone(), id: lesson.id.clone() }]
            }
            _ => Vec::new(),
        }
    }

    pub fn grade_progress(&mut self, event: GradeEvent) {
        if let GradeEvent::Engine { built, total, current } = &event {
            self.engine = EngineBuild::Building { built: *built, total: *total, current: current.clone() };
        } else if self.engine != EngineBuild::Ready && matches!(event, GradeEvent::Building) {
            // The grade only builds the learner's crates once the engine is there.
            self.engine = EngineBuild::Ready;
        }
        let Some(running) = &mut self.running else { return };
        match event {
            // A loss point is not a stage: keep showing "testing k of n".
            GradeEvent::Training { test, step, loss } => {
                let slot = match running.losses.iter().position(|(name, _)| *name == test) {
                    Some(slot) => slot,
                    None => {
                        running.losses.push((test, Vec::new()));
                        running.losses.len() - 1
                    }
                };
                let points = &mut running.losses[slot].1;
                points.push((step, loss));
                if points.len() > LIVE_POINTS {
                    // Thin evenly rather than cut: the whole curve stays visible.
                    let mut keep = false;
                    points.retain(|_| {
                        keep = !keep;
                        keep
                    });
                }
            }
            stage => running.stage = Some(stage),
        }
    }

    /// The worker finished a grade. Records a verdict in progress (pass or not: the
    /// learner moves on only when they choose to) and starts a queued grade.
    pub fn grade_finished(&mut self, exercise: &str, result: Result<Verdict, String>) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.running = None;
        if self.flash.as_deref() == Some("Grading…") {
            self.flash = None;
        }
        if let Ok(verdict) = &result {
            self.progress.record(verdict);
            effects.push(Effect::SaveProgress(self.progress.clone()));
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

    // ---- author preview ----

    /// Opens the reader on one lesson for the author's preview.
    pub fn start_preview(&mut self, lesson_index: usize) {
        self.preview = true;
        self.open_lesson(lesson_index);
    }

    /// The previewed lesson was saved: shows the new text at the same scroll position,
    /// or, if it no longer parses, keeps the last good text and says why.
    pub fn lesson_reloaded(&mut self, result: Result<Lesson, String>) {
        let Screen::Lesson(view) = &self.screen else { return };
        let index = view.index;
        match result {
            Ok(lesson) => {
                self.course.lessons[index] = lesson;
                self.lesson_problem = None;
                self.render_lesson();
            }
            Err(problem) => self.lesson_problem = Some(problem),
        }
    }
}

/// Where a reader (a lesson, the solution) draws: a bordered body over a one-line
/// footer, its text inside the border with a margin each side. The keys scroll by the
/// same page the screen draws, because both take it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderLayout {
    pub body: Rect,
    pub footer: Rect,
    /// The text inside the border and the margins.
    pub text: Rect,
}

impl ReaderLayout {
    pub fn new(area: Rect) -> ReaderLayout {
        let [body, footer] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        let inner = ratatui::widgets::Block::bordered().inner(body);
        let text = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
        ReaderLayout { body, footer, text }
    }

    /// Lines of text on screen at once.
    pub fn page(&self) -> usize {
        usize::from(self.text.height).max(1)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::app::keys::{Key, WHEEL};
    use crossterm::event::KeyModifiers;
    use nma_grader::{ExerciseState, Status, TestResult, Visibility};

    /// The first lesson of the fixture course: one of everything the reader renders.
    pub(crate) const TENSORS_LESSON: &str = r#"# Tensors

A **tensor** is an *n-dimensional* array. A matrix of shape $(n, m)$ holds $n·m$ numbers.

## Operations

1. Elementwise: `a + b` adds matching entries
2. Reductions:
   - `sum` of everything
   - `mean`, the sum over the count

| op | result shape |
|----|:---:|
| add | same as the inputs |
| sum | scalar |

```rust
let t = Tensor::zeros(&[2, 3]);
let s = t.sum(); // a scalar
```

> Shapes must match, or broadcast.

See [the luminal docs](https://docs.rs/luminal) for more.

---

Run the tests with:

```sh
cargo test --release  # all of them
```
"#;

    /// A small course on disk, written fresh for each test so snapshots never depend on
    /// the real course's wording.
    pub(crate) fn fixture_course(root: &Path) -> Course {
        let exercises = [
            (
                "w1d1_simple_ops",
                "Simple tensor operations",
                "W1D1",
                "w1d1/tensors",
                "unit",
                "Add, multiply and sum tensors with the engine's elementwise operations.",
                vec!["Look at `Tensor::add`.", "Summing all elements gives a scalar."],
            ),
            (
                "w1d3_cross_entropy",
                "Cross-entropy loss",
                "W1D3",
                "w1d3/losses",
                "property",
                "Compute the mean cross-entropy of logits against integer class labels, stably.",
                vec!["Subtract the row maximum before exponentiating."],
            ),
            (
                "w1d5_train_mlp",
                "Train an MLP",
                "W1D5",
                "w1d5/training",
                "training",
                "Train a two-layer MLP on the spirals until its loss is below the threshold.",
                vec![],
            ),
            (
                "w2d2_output_shape",
                "Output shape of a convolution",
                "W2D2",
                "w2d2/convolutions",
                "unit",
                "Return the height and width a 2-D convolution produces\nfrom an input, a kernel, a stride and a padding.\n\nWork in whole cells.\n",
                vec![
                    "Padding adds to both sides of each dimension.",
                    "(n + 2p - k) / s + 1, per dimension.",
                    "Integer division rounds down, as the convolution does.",
                ],
            ),
        ];
        for (id, title, day, lesson, kind, summary, hints) in exercises {
            let dir = root.join("exercises").join(id);
            std::fs::create_dir_all(&dir).unwrap();
            let hints: Vec<String> = hints.iter().map(|h| format!("{h:?}")).collect();
            std::fs::write(
                dir.join("exercise.toml"),
                format!(
                    "id = {id:?}\ntitle = {title:?}\nday = {day:?}\nlesson = {lesson:?}\nkind = {kind:?}\nsummary = {summary:?}\nhints = [{}]\n",
                    hints.join(", ")
                ),
            )
            .unwrap();
            for file in ["starter.rs", "tests.rs"] {
                std::fs::write(dir.join(file), "").unwrap();
            }
            std::fs::write(dir.join("solution.rs"), "pub fn answer() -> u32 {\n    42 // the reference\n}\n").unwrap();
        }
        let losses: String = (1..=30)
            .map(|i| format!("Paragraph {i}: the loss measures how wrong the model is, step by step.\n\n"))
            .collect();
        let lessons = [
            ("w1d1", "tensors", "Tensors", 1, "[\"w1d1_simple_ops\"]", TENSORS_LESSON.to_string()),
            ("w1d1", "autograd", "Autograd", 2, "[]", "# Autograd\n\nGradients flow backwards.\n".to_string()),
            ("w1d3", "losses", "Losses", 1, "[\"w1d3_cross_entropy\"]", format!("# Losses\n\n{losses}The end.\n")),
            ("w1d5", "training", "Training loops", 1, "[\"w1d5_train_mlp\"]", "# Training\n\nLoop.\n".to_string()),
        ];
        for (day, slug, title, order, exercises, body) in lessons {
            let dir = root.join("lessons").join(day);
            std::fs::create_dir_all(&dir).unwrap();
            let front = format!(
                "+++\ntitle = {title:?}\nday = {:?}\norder = {order}\nexercises = {exercises}\n+++\n",
                day.to_ascii_uppercase()
            );
            std::fs::write(dir.join(format!("{slug}.md")), front + &body).unwrap();
        }
        Course::load(root).unwrap()
    }

    /// An `AppState` on the fixture course with a stable clock, size and workspace label.
    pub(crate) fn fixture_state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let course = fixture_course(dir.path());
        let workspace = Workspace { root: dir.path().join("workspace") };
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let mut state = AppState::new(course, workspace, PathBuf::from("/home/learner/nma"), Progress::default(), now);
        state.resize(100, 30);
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
            device: None,
        }
    }

    pub(crate) fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn type_text(state: &mut AppState, text: &str) {
        for c in text.chars() {
            state.handle_key(key(KeyCode::Char(c)));
        }
    }

    pub(crate) fn index_of(state: &AppState, id: &str) -> usize {
        state.course.exercises.iter().position(|e| e.id() == id).unwrap()
    }

    pub(crate) fn lesson_index(state: &AppState, id: &str) -> usize {
        state.course.lessons.iter().position(|l| l.id == id).unwrap()
    }

    fn open(state: &mut AppState, id: &str) {
        state.selected = Some(Item::Exercise(index_of(state, id)));
        state.handle_key(key(KeyCode::Enter));
    }

    fn pass(state: &mut AppState, id: &str) {
        let verdict = Verdict::from_tests(id, vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
        state.progress.record(&verdict);
    }

    #[test]
    fn the_map_orders_lessons_then_their_exercises_by_day() {
        let (_dir, state) = fixture_state();
        let names: Vec<String> = state
            .map
            .items()
            .map(|item| match item {
                Item::Lesson(l) => state.course.lessons[l].id.clone(),
                Item::Exercise(e) => state.course.exercises[e].id().to_string(),
            })
            .collect();
        assert_eq!(
            names,
            vec![
                "w1d1/tensors",
                "w1d1_simple_ops",
                "w1d1/autograd",
                "w1d3/losses",
                "w1d3_cross_entropy",
                "w1d5/training",
                "w1d5_train_mlp",
                "w2d2_output_shape"
            ]
        );
    }

    #[test]
    fn the_next_step_is_the_first_item_not_done_and_starts_selected() {
        let (_dir, mut state) = fixture_state();
        assert_eq!(state.next_step(), Some(Item::Lesson(lesson_index(&state, "w1d1/tensors"))));
        assert_eq!(state.selected, state.next_step());
        state.lessons_read.insert("w1d1/tensors".into());
        assert_eq!(state.next_step(), Some(Item::Exercise(index_of(&state, "w1d1_simple_ops"))));
        pass(&mut state, "w1d1_simple_ops");
        assert_eq!(state.next_step(), Some(Item::Lesson(lesson_index(&state, "w1d1/autograd"))));
        state.selected = Some(Item::Exercise(index_of(&state, "w2d2_output_shape")));
        state.handle_key(key(KeyCode::Char('n')));
        assert_eq!(state.selected, state.next_step(), "n jumps to the next step");
    }

    #[test]
    fn map_navigation_stays_within_the_course() {
        let (_dir, mut state) = fixture_state();
        let items = state.visible_items();
        state.handle_key(key(KeyCode::Up));
        assert_eq!(state.selected, Some(items[0]));
        state.handle_key(key(KeyCode::Char('j')));
        state.handle_key(key(KeyCode::Down));
        assert_eq!(state.selected, Some(items[2]));
        state.handle_key(key(KeyCode::End));
        assert_eq!(state.selected, items.last().copied());
        state.handle_key(key(KeyCode::Down));
        assert_eq!(state.selected, items.last().copied(), "the last row stays selected");
        state.handle_key(key(KeyCode::Home));
        assert_eq!(state.selected, Some(items[0]));
    }

    #[test]
    fn the_filter_narrows_the_map_as_you_type_and_esc_clears_it() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Char('/')));
        assert!(state.typing());
        type_text(&mut state, "LOSS");
        let visible = state.visible_items();
        assert_eq!(
            visible,
            vec![
                Item::Lesson(lesson_index(&state, "w1d3/losses")),
                Item::Exercise(index_of(&state, "w1d3_cross_entropy")),
                Item::Exercise(index_of(&state, "w1d5_train_mlp")),
            ],
            "titles, ids and summaries match, ignoring case"
        );
        assert_eq!(state.selected, Some(visible[0]), "the selection moves to a match");
        assert!(!state.quit, "q while typing is a letter, not quit");
        state.handle_key(key(KeyCode::Enter));
        assert!(!state.typing());
        assert_eq!(state.filter, "LOSS", "Enter keeps the filter");
        state.handle_key(key(KeyCode::Down));
        assert_eq!(state.selected, Some(visible[1]));
        state.handle_key(key(KeyCode::Esc));
        assert_eq!(state.filter, "");
        assert_eq!(state.selected, Some(visible[1]), "clearing keeps the selection");
        assert_eq!(state.visible_items().len(), 8);
    }

    #[test]
    fn enter_opens_lessons_and_exercises_and_esc_goes_back_to_them() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Enter));
        assert!(matches!(state.screen, Screen::Lesson(LessonView { index: 0, .. })));
        state.handle_key(key(KeyCode::Esc));
        assert_eq!(state.screen, Screen::Map);
        state.handle_key(key(KeyCode::Down));
        state.handle_key(key(KeyCode::Enter));
        assert_eq!(state.open_exercise().map(Exercise::id), Some("w1d1_simple_ops"));
        state.handle_key(key(KeyCode::Esc));
        assert_eq!(state.screen, Screen::Map);
        assert_eq!(state.selected, Some(Item::Exercise(index_of(&state, "w1d1_simple_ops"))));
        assert!(!state.quit);
    }

    #[test]
    fn x_goes_from_a_lesson_to_its_exercise_and_tab_back_to_the_same_place() {
        let (_dir, mut state) = fixture_state();
        state.open_lesson(lesson_index(&state, "w1d3/losses"));
        state.handle_key(key(KeyCode::PageDown));
        let Screen::Lesson(view) = &state.screen else { panic!("reading") };
        let scroll = view.reader.scroll;
        assert!(scroll > 0);
        state.handle_key(key(KeyCode::Char('x')));
        assert_eq!(state.open_exercise().map(Exercise::id), Some("w1d3_cross_entropy"));
        state.handle_key(key(KeyCode::Tab));
        let Screen::Lesson(view) = &state.screen else { panic!("back in the lesson") };
        assert_eq!(view.reader.scroll, scroll, "the lesson reopens where it was left");

        state.open_lesson(lesson_index(&state, "w1d1/autograd"));
        state.handle_key(key(KeyCode::Char('x')));
        assert_eq!(state.flash.as_deref(), Some("This lesson has no exercises."));
    }

    #[test]
    fn a_lesson_counts_as_read_once_its_end_is_on_screen() {
        let (_dir, mut state) = fixture_state();
        state.open_lesson(lesson_index(&state, "w1d3/losses"));
        assert!(state.lessons_read.is_empty(), "a long lesson is not read on opening");
        assert_eq!(state.handle_key(key(KeyCode::End)), vec![Effect::SaveLessonsRead(state.lessons_read.clone())]);
        assert!(state.lessons_read.contains("w1d3/losses"));
        assert_eq!(state.handle_key(key(KeyCode::Up)), vec![], "recorded once");
    }

    #[test]
    fn lesson_search_highlights_and_n_and_shift_n_move_between_matches() {
        let (_dir, mut state) = fixture_state();
        state.open_lesson(lesson_index(&state, "w1d3/losses"));
        state.handle_key(key(KeyCode::Char('/')));
        type_text(&mut state, "paragraph 2");
        assert!(state.typing(), "n, N and q are text while typing");
        state.handle_key(key(KeyCode::Enter));
        let reader = |state: &AppState| match &state.screen {
            Screen::Lesson(view) => view.reader.clone(),
            _ => panic!("reading"),
        };
        // "Paragraph 2:" and "Paragraph 20" … "Paragraph 29".
        assert_eq!(reader(&state).search.matches.len(), 11);
        assert_eq!(reader(&state).search.current, Some(0));
        state.handle_key(key(KeyCode::Char('n')));
        assert_eq!(reader(&state).search.current, Some(1));
        let on_screen = reader(&state).search.matches[1].line;
        let r = reader(&state);
        assert!(r.scroll <= on_screen && on_screen < r.scroll + state.reader_page(), "the match is shown");
        state.handle_key(key(KeyCode::Char('N')));
        state.handle_key(key(KeyCode::Char('N')));
        assert_eq!(reader(&state).search.current, Some(10), "N wraps around to the last match");
        state.handle_key(key(KeyCode::Esc));
        assert!(reader(&state).search.matches.is_empty(), "Esc clears the search");
        assert!(matches!(state.screen, Screen::Lesson(_)), "and stays in the lesson");
    }

    #[test]
    fn the_solution_is_locked_until_the_exercise_passes() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        let index = index_of(&state, "w2d2_output_shape");
        assert_eq!(state.handle_key(key(KeyCode::Char('s'))), vec![]);
        assert_eq!(state.flash.as_deref(), Some("The reference solution opens once your code passes."));
        let failed = Verdict::from_tests("w2d2_output_shape", vec![test_result("a", Status::Fail, "")], 0.1, 0.2);
        state.grade_finished("w2d2_output_shape", Ok(failed));
        assert_eq!(state.handle_key(key(KeyCode::Char('s'))), vec![], "still locked after a failure");

        pass(&mut state, "w2d2_output_shape");
        assert_eq!(state.handle_key(key(KeyCode::Char('s'))), vec![Effect::LoadSolution(index)]);
        state.show_solution(index, Ok("fn solved() {}\n".into()));
        assert!(matches!(state.screen, Screen::Solution(SolutionView { index: i, .. }) if i == index));
        state.handle_key(key(KeyCode::Esc));
        assert_eq!(state.open_exercise().map(Exercise::id), Some("w2d2_output_shape"));
    }

    #[test]
    fn reset_asks_first_and_only_y_confirms() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w1d1_simple_ops");
        let index = index_of(&state, "w1d1_simple_ops");
        assert_eq!(state.handle_key(key(KeyCode::Char('R'))), vec![]);
        assert_eq!(state.overlay, Some(Overlay::ConfirmReset(index)));
        assert_eq!(state.handle_key(key(KeyCode::Char('q'))), vec![], "any other key cancels");
        assert!(!state.quit && state.overlay.is_none());
        assert_eq!(state.flash.as_deref(), Some("Reset cancelled: your file is unchanged."));

        state.handle_key(key(KeyCode::Char('R')));
        assert_eq!(state.handle_key(key(KeyCode::Char('y'))), vec![Effect::Reset(index)]);
        pass(&mut state, "w1d1_simple_ops");
        let verdict = Verdict::from_tests("w1d1_simple_ops", vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
        state.outcomes.insert("w1d1_simple_ops".into(), Outcome { result: Ok(verdict), at: state.now });
        state.reset_done(index, Ok(Some(PathBuf::from("/ws/exercises/w1d1_simple_ops.rs.bak-17"))));
        assert!(state.outcome("w1d1_simple_ops").is_none(), "the old verdict is gone with the old file");
        assert_eq!(state.progress.state("w1d1_simple_ops"), ExerciseState::Passed, "progress is kept");
        assert!(state.flash.as_deref().unwrap().contains("w1d1_simple_ops.rs.bak-17"));
    }

    #[test]
    fn e_asks_for_the_editor_and_help_opens_from_any_screen() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Char('?')));
        assert_eq!(state.overlay, Some(Overlay::Help { scroll: 0 }));
        state.handle_key(key(KeyCode::Esc));
        assert_eq!(state.overlay, None);
        open(&mut state, "w1d1_simple_ops");
        assert_eq!(
            state.handle_key(key(KeyCode::Char('e'))),
            vec![Effect::OpenEditor(index_of(&state, "w1d1_simple_ops"))]
        );
        state.handle_key(key(KeyCode::Char('?')));
        assert!(state.overlay.is_some());
    }

    #[test]
    fn q_and_ctrl_c_quit_from_any_screen() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Char('q')));
        assert!(state.quit);

        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        state.handle_key(key(KeyCode::Char('q')));
        assert!(state.quit);

        let (_dir, mut state) = fixture_state();
        state.open_lesson(0);
        state.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert!(state.quit);
    }

    #[test]
    fn h_reveals_one_hint_at_a_time_and_asks_to_save() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        for shown in 1..=3 {
            assert!(matches!(state.handle_key(key(KeyCode::Char('h')))[..], [Effect::SaveProgress(_)]));
            assert_eq!(state.progress.hints_shown("w2d2_output_shape"), shown);
        }
        assert_eq!(state.handle_key(key(KeyCode::Char('h'))), vec![], "nothing more to reveal or save");
        assert_eq!(state.progress.hints_shown("w2d2_output_shape"), 3);
        assert_eq!(state.flash.as_deref(), Some("All hints are shown."));
    }

    #[test]
    fn saves_of_the_open_file_grade_and_others_are_ignored() {
        let (_dir, mut state) = fixture_state();
        assert_eq!(state.file_saved(OsStr::new("w2d2_output_shape.rs")), vec![], "nothing open");
        open(&mut state, "w2d2_output_shape");
        let index = index_of(&state, "w2d2_output_shape");
        assert_eq!(state.file_saved(OsStr::new("w1d1_simple_ops.rs")), vec![]);
        assert_eq!(state.file_saved(OsStr::new("w2d2_output_shape.rs")), vec![Effect::StartGrade(index)]);
    }

    #[test]
    fn saves_during_a_grade_coalesce_into_exactly_one_more() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        let index = index_of(&state, "w2d2_output_shape");
        let file = OsStr::new("w2d2_output_shape.rs");
        assert_eq!(state.file_saved(file), vec![Effect::StartGrade(index)]);
        state.grade_progress(GradeEvent::Running { done: 1, of: 2 });
        assert_eq!(state.file_saved(file), vec![]);
        assert_eq!(state.handle_key(key(KeyCode::Char('g'))), vec![]);
        assert_eq!(state.file_saved(file), vec![]);

        let verdict = Verdict::from_tests("w2d2_output_shape", vec![test_result("a", Status::Fail, "no")], 0.1, 0.2);
        let effects = state.grade_finished("w2d2_output_shape", Ok(verdict.clone()));
        assert!(matches!(effects[..], [Effect::SaveProgress(_), Effect::StartGrade(i)] if i == index), "one more grade");
        assert_eq!(state.running.as_ref().map(|r| r.index), Some(index));
        let effects = state.grade_finished("w2d2_output_shape", Ok(verdict));
        assert!(matches!(effects[..], [Effect::SaveProgress(_)]), "and no more");
        assert!(state.running.is_none());
    }

    #[test]
    fn live_loss_points_are_kept_per_test_and_do_not_replace_the_stage() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w1d5_train_mlp");
        state.handle_key(key(KeyCode::Char('g')));
        state.grade_progress(GradeEvent::Running { done: 0, of: 1 });
        for step in 0..3000 {
            state.grade_progress(GradeEvent::Training { test: "trains".into(), step, loss: Some(1.0) });
        }
        let running = state.running.as_ref().unwrap();
        assert_eq!(running.stage, Some(GradeEvent::Running { done: 0, of: 1 }));
        let points = &running.losses[0].1;
        assert!(points.len() <= LIVE_POINTS, "{}", points.len());
        assert_eq!(points.first().map(|p| p.0), Some(0));
        assert!(points.last().unwrap().0 > 2900, "the curve still reaches the latest step");
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

    #[test]
    fn the_preview_keeps_its_place_on_reload_and_esc_quits() {
        let (dir, mut state) = fixture_state();
        let index = lesson_index(&state, "w1d3/losses");
        state.start_preview(index);
        state.handle_key(key(KeyCode::PageDown));
        let scroll = |state: &AppState| match &state.screen {
            Screen::Lesson(view) => view.reader.scroll,
            _ => panic!("previewing"),
        };
        let before = scroll(&state);
        assert!(before > 0);
        assert!(state.lessons_read.is_empty(), "an author's preview is not reading");

        let path = dir.path().join("lessons/w1d3/losses.md");
        let edited = std::fs::read_to_string(&path).unwrap().replace("# Losses", "# Losses, edited");
        std::fs::write(&path, edited).unwrap();
        state.lesson_reloaded(Lesson::load(&path, "w1d3/losses").map_err(|e| format!("{e:#}")));
        assert_eq!(scroll(&state), before, "the scroll position survives a reload");
        assert!(state.course.lessons[index].body.contains("edited"));
        state.lesson_reloaded(Err("front matter is broken".into()));
        assert_eq!(state.lesson_problem.as_deref(), Some("front matter is broken"));
        assert!(state.course.lessons[index].body.contains("edited"), "the last good text stays");

        state.handle_key(key(KeyCode::Char('x')));
        assert!(matches!(state.screen, Screen::Lesson(_)), "no exercises in the preview");
        state.handle_key(key(KeyCode::Esc));
        assert!(state.quit);
    }

    /// A state in `context` where every key of that context has something to do: the
    /// map's selection mid-list under a filter, a long lesson part-way down with a search
    /// that found matches, an exercise with a long result scrolled a little, the help
    /// scrolled a little.
    fn state_in(context: Context) -> (tempfile::TempDir, AppState) {
        let (dir, mut state) = fixture_state();
        let search_in_reader = |state: &mut AppState, text: &str| {
            state.handle_key(key(KeyCode::Char('/')));
            type_text(state, text);
            state.handle_key(key(KeyCode::Enter));
            state.handle_key(key(KeyCode::PageDown));
        };
        match context {
            Context::Map | Context::MapFilter => {
                state.filter = "w1".into();
                state.selected = Some(state.visible_items()[2]);
                state.filter_editing = context == Context::MapFilter;
            }
            Context::Lesson | Context::Search => {
                state.open_lesson(lesson_index(&state, "w1d3/losses"));
                search_in_reader(&mut state, "paragraph 2");
                if context == Context::Search {
                    state.handle_key(key(KeyCode::Char('/')));
                    type_text(&mut state, "para");
                }
            }
            Context::Preview | Context::PreviewHelp => {
                state.start_preview(lesson_index(&state, "w1d3/losses"));
                search_in_reader(&mut state, "paragraph 2");
                if context == Context::PreviewHelp {
                    state.overlay = Some(Overlay::Help { scroll: 5 });
                }
            }
            Context::Exercise | Context::ConfirmReset => {
                open(&mut state, "w2d2_output_shape");
                let tests = (0..20).map(|i| test_result(&format!("t{i}"), Status::Fail, "wrong")).collect();
                let verdict = Verdict::from_tests("w2d2_output_shape", tests, 0.1, 0.2);
                state.grade_finished("w2d2_output_shape", Ok(verdict));
                state.handle_key(key(KeyCode::Down));
                if context == Context::ConfirmReset {
                    state.handle_key(key(KeyCode::Char('R')));
                }
            }
            Context::Solution => {
                open(&mut state, "w2d2_output_shape");
                let source: String = (1..=60).map(|i| format!("let line_{i} = {i};\n")).collect();
                state.show_solution(index_of(&state, "w2d2_output_shape"), Ok(source));
                search_in_reader(&mut state, "line_1");
            }
            Context::Help => state.overlay = Some(Overlay::Help { scroll: 5 }),
        }
        assert_eq!(state.key_context(), context, "the fixture is in the context it is for");
        (dir, state)
    }

    /// The state as a whole, to see whether a key changed anything.
    fn snapshot(state: &AppState) -> String {
        format!("{state:?}")
    }

    #[test]
    fn every_key_in_the_table_does_something_where_it_is_listed() {
        for context in Context::ALL {
            let (_dir, fixture) = state_in(context);
            for binding in context.bindings() {
                for k in binding.keys {
                    // Mouse rows: see `the_mouse_wheel_works_where_the_help_says_it_does`.
                    let Some(event) = k.example_event() else { continue };
                    let mut state = fixture.clone();
                    let effects = state.handle_key(event);
                    assert!(
                        !effects.is_empty() || snapshot(&state) != snapshot(&fixture),
                        "{context:?}: {} ({}) does nothing",
                        k.label(),
                        binding.help
                    );
                }
            }
        }
    }

    #[test]
    fn keys_not_in_the_table_do_nothing() {
        let unlisted = [
            KeyCode::F(5),
            KeyCode::Insert,
            KeyCode::Delete,
            KeyCode::Char('z'),
            KeyCode::Char('Q'),
            KeyCode::Char('c'),
        ];
        for context in Context::ALL {
            let (_dir, fixture) = state_in(context);
            // An overlay takes any key (it closes); a text field takes every character.
            let catch_all = context.bindings().any(|b| b.keys.contains(&Key::Any));
            let text = context.bindings().any(|b| b.keys.contains(&Key::Text));
            for code in unlisted {
                if catch_all || (text && matches!(code, KeyCode::Char(_))) {
                    continue;
                }
                let event = key(code);
                assert_eq!(keys::action(context, &event), None, "{context:?}: {code:?}");
                let mut state = fixture.clone();
                assert_eq!(state.handle_key(event), vec![], "{context:?}: {code:?}");
                assert_eq!(snapshot(&state), snapshot(&fixture), "{context:?}: {code:?} changed the state");
            }
        }
    }

    #[test]
    fn the_mouse_wheel_works_where_the_help_says_it_does() {
        for context in Context::ALL {
            let (_dir, fixture) = state_in(context);
            let listed = context.bindings().any(|b| b.keys.contains(&WHEEL));
            let mut state = fixture.clone();
            let wheel =
                MouseEvent { kind: MouseEventKind::ScrollDown, column: 0, row: 0, modifiers: KeyModifiers::NONE };
            state.handle_mouse(wheel);
            assert_eq!(snapshot(&state) != snapshot(&fixture), listed, "{context:?}: the wheel");
        }
    }

    #[test]
    fn mouse_wheel_scrolls_the_reader() {
        let (_dir, mut state) = fixture_state();
        state.open_lesson(lesson_index(&state, "w1d3/losses"));
        let wheel = |kind| MouseEvent { kind, column: 0, row: 0, modifiers: KeyModifiers::NONE };
        state.handle_mouse(wheel(MouseEventKind::ScrollDown));
        state.handle_mouse(wheel(MouseEventKind::ScrollDown));
        let Screen::Lesson(view) = &state.screen else { panic!("reading") };
        assert_eq!(view.reader.scroll, 6);
        state.handle_mouse(wheel(MouseEventKind::ScrollUp));
        let Screen::Lesson(view) = &state.screen else { panic!("reading") };
        assert_eq!(view.reader.scroll, 3);
    }

    #[test]
    fn a_save_of_the_previewed_lesson_reloads_it_and_other_saves_do_nothing() {
        let (_dir, mut state) = fixture_state();
        let index = lesson_index(&state, "w1d3/losses");
        state.start_preview(index);
        let path = state.course.lessons[index].path.clone();
        assert_eq!(
            state.file_saved(OsStr::new("losses.md")),
            vec![Effect::ReloadLesson { path, id: "w1d3/losses".into() }]
        );
        assert_eq!(state.file_saved(OsStr::new("tensors.md")), vec![]);
        assert_eq!(state.file_saved(OsStr::new("w1d3_cross_entropy.rs")), vec![], "no grading in the preview");
    }

    #[test]
    fn mouse_motion_and_a_wheel_that_moves_nothing_ask_for_no_frame() {
        let (_dir, mut state) = fixture_state();
        state.open_lesson(lesson_index(&state, "w1d3/losses"));
        let mouse = |kind| MouseEvent { kind, column: 3, row: 4, modifiers: KeyModifiers::NONE };
        assert_eq!(state.handle_mouse(mouse(MouseEventKind::Moved)), None, "motion");
        assert_eq!(state.handle_mouse(mouse(MouseEventKind::ScrollUp)), None, "already at the top");
        assert_eq!(state.handle_mouse(mouse(MouseEventKind::ScrollDown)), Some(vec![]), "it scrolled");
        state.handle_key(key(KeyCode::End));
        assert_eq!(state.handle_mouse(mouse(MouseEventKind::ScrollDown)), None, "already at the end");
    }

    #[test]
    fn the_keys_page_by_the_page_the_reader_draws() {
        for (width, height) in [(80, 24), (100, 30), (133, 41)] {
            let (_dir, mut state) = fixture_state();
            state.resize(width, height);
            state.open_lesson(lesson_index(&state, "w1d3/losses"));
            // What the screen draws its text into, measured on the frame.
            let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
            terminal.draw(|frame| crate::app::ui::draw(frame, &state)).unwrap();
            let drawn = ReaderLayout::new(terminal.get_frame().area());
            assert_eq!(state.reader_page(), drawn.page(), "{width}×{height}");
            assert_eq!(state.reader_width(), drawn.text.width, "{width}×{height}");
            // And the last page shows the last line.
            state.handle_key(key(KeyCode::End));
            terminal.draw(|frame| crate::app::ui::draw(frame, &state)).unwrap();
            let screen = terminal.backend().to_string();
            assert!(screen.contains("The end.") && screen.contains("100%"), "{width}×{height}:\n{screen}");
        }
    }
}
