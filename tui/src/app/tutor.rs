//! What every screen shares: the course, the learner's progress, the grade running and
//! the verdicts so far, messages, the clock and the terminal's size; and what a screen
//! asks of the app when it cannot do it alone ([`Go`]: open another screen, quit).

use super::course_map::{self, Item, ItemState};
use super::effects::Effect;
use super::widgets::reader::ReaderLayout;
use super::worker::EngineBuild;
use nma_grader::{Course, GradeEvent, Progress, Verdict, Workspace};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Live loss points kept per training test; beyond this every other one is dropped.
pub const LIVE_POINTS: usize = 2000;
/// The smallest terminal the screens are laid out for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

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

/// A screen's request to the app: another screen, or quitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Go {
    /// The map, with this item selected.
    Map(Item),
    Lesson(usize),
    Exercise(usize),
    /// "Reset this exercise to its starter?"
    ConfirmReset(usize),
    Quit,
}

/// What a screen's key led to besides changes to the screen itself.
#[derive(Debug, Default, PartialEq)]
pub struct Reply {
    pub effects: Vec<Effect>,
    pub go: Option<Go>,
}

impl Reply {
    pub fn go(to: Go) -> Reply {
        Reply { effects: Vec::new(), go: Some(to) }
    }
    pub fn effects(effects: Vec<Effect>) -> Reply {
        Reply { effects, go: None }
    }
}

#[derive(Debug, Clone)]
pub struct Tutor {
    pub course: Course,
    pub workspace: Workspace,
    /// How the workspace root is shown: absolute in the app, a fixed label in tests.
    pub shown_workspace: PathBuf,
    pub progress: Progress,
    /// Ids of the lessons read to the end (kept beside progress, see `lessons_read.rs`).
    pub lessons_read: BTreeSet<String>,
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
    /// The clock the view shows relative times against; set by the run loop.
    pub now: SystemTime,
    /// A short-lived message for the footer (e.g. "no more hints").
    pub flash: Option<String>,
    /// The author's live preview of one lesson: no map, no exercises; Esc quits.
    pub preview: bool,
    /// Why the previewed lesson's latest save could not be shown.
    pub lesson_problem: Option<String>,
}

impl Tutor {
    pub fn new(course: Course, workspace: Workspace, shown_workspace: PathBuf, progress: Progress, now: SystemTime) -> Tutor {
        Tutor {
            course,
            workspace,
            shown_workspace,
            progress,
            lessons_read: BTreeSet::new(),
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
        }
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
        course_map::item_state(item, &self.course, &self.progress, &self.lessons_read)
    }

    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        self.outcomes.get(id)
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

    /// Where readers draw on this terminal (the keys page by it too).
    pub fn reader_layout(&self) -> ReaderLayout {
        ReaderLayout::of_size(self.viewport)
    }

    /// Columns lesson text is wrapped to.
    pub fn reader_width(&self) -> u16 {
        self.reader_layout().text.width.max(20)
    }

    /// Rows of text a reader shows at once.
    pub fn reader_page(&self) -> usize {
        self.reader_layout().page()
    }

    // ---- grading ----

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
        effects
    }
}
