//! The interactive tutor: a course map, a lesson reader, and the exercise view where
//! each save of the learner's file is graded within a second or so.
//!
//! `run` wires the parts and runs the loop: it waits on one channel of events
//! (`events.rs`: keys, saves, the worker, the clock), hands each to the state
//! (`state.rs`), which passes it to the screen it is for (`screens/`), carries out the
//! effects they ask for (`effects.rs`), and draws (`ui.rs`) when something changed. The
//! terminal is `terminal.rs`'s; keys are looked up in `keys.rs`.

mod course_map;
mod effects;
mod events;
#[cfg(test)]
mod fixture;
mod keys;
mod lessons_read;
mod screens;
mod state;
mod terminal;
mod tutor;
mod ui;
mod watch;
mod widgets;
mod worker;

use crate::context::Context;
use anyhow::{Context as _, Result};
use effects::{Effect, Outside};
use events::{Event, Events, Input};
use nma_grader::workspace::OpenReport;
use nma_grader::{Exercise, Progress, Workspace};
use state::AppState;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use terminal::TerminalSession;
use watch::SaveWatcher;
use worker::Worker;

/// Set to a file path to have the time of the first frame written there (Unix time in
/// nanoseconds), to measure start-up from outside (the tmux test does).
const FIRST_FRAME_ENV: &str = "NMA_TUTOR_FIRST_FRAME_FILE";

pub fn run(ctx: Context, report: OpenReport) -> Result<()> {
    let (progress, progress_problem) = ctx.workspace.load_progress();
    let (lessons_read, reading_problem) = lessons_read::load(&ctx.workspace);
    // Shown absolute so the learner can paste it into their editor from anywhere.
    let shown_workspace = ctx.workspace.root.canonicalize().unwrap_or_else(|_| ctx.workspace.root.clone());
    let mut state =
        AppState::new(ctx.course.clone(), ctx.workspace.clone(), shown_workspace, progress, SystemTime::now());
    state.tutor.lessons_read = lessons_read;
    state.map.selected = state.next_step().or(state.map.selected);
    state.tutor.notices.extend(progress_problem.or(report.progress_problem));
    state.tutor.notices.extend(reading_problem);
    state.tutor.notices.extend(seeded_notice(&report.seeded));

    let events = Events::new();
    let to_loop = events.sender();
    let worker = Worker::spawn(ctx.course.clone(), ctx.build.clone(), move |event| to_loop.send(Event::Worker(event)).is_ok())
        .context("cannot start the grading thread")?;
    let watcher = match watch_folder(&ctx.workspace.exercises_dir(), &events) {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            state.tutor.watch_problem = Some(e.to_string());
            None
        }
    };
    run_loop(state, events, watcher, Some(worker))
}

/// The author's live preview of one lesson: the lesson reader on `lesson_id`
/// (`<day>/<slug>`), re-rendered at the same scroll position whenever the lesson file
/// is saved. Esc or q quits.
pub fn run_preview(ctx: Context, lesson_id: &str) -> Result<()> {
    let Some(index) = ctx.course.lessons.iter().position(|l| l.id == lesson_id) else {
        let known: Vec<&str> = ctx.course.lessons.iter().map(|l| l.id.as_str()).collect();
        if known.is_empty() {
            anyhow::bail!("no lesson called `{lesson_id}`: the course has no lessons yet");
        }
        anyhow::bail!("no lesson called `{lesson_id}`; known lessons: {}", known.join(", "));
    };
    let lesson = ctx.course.lessons[index].path.clone();
    let workspace = Workspace { root: ctx.workspace.root.clone() };
    let mut state = AppState::new(
        ctx.course.clone(),
        workspace,
        ctx.workspace.root.clone(),
        Progress::default(),
        SystemTime::now(),
    );
    let events = Events::new();
    let folder = lesson.parent().map(Path::to_path_buf).unwrap_or_default();
    let watcher = match watch_folder(&folder, &events) {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            state.tutor.lesson_problem = Some(format!("not watching {} ({e}); restart to see changes", lesson.display()));
            None
        }
    };
    state.start_preview(index);
    run_loop(state, events, watcher, None)
}

/// Watches `folder` for saves, onto the loop's channel.
fn watch_folder(folder: &Path, events: &Events) -> notify_debouncer_mini::notify::Result<SaveWatcher> {
    let to_loop = events.sender();
    SaveWatcher::start(folder, move |changed| {
        let _ = to_loop.send(Event::FolderChanged(changed));
    })
}

fn run_loop(mut state: AppState, events: Events, watcher: Option<SaveWatcher>, worker: Option<Worker>) -> Result<()> {
    let terminal = TerminalSession::enter()?;
    let input = Input::start(events.sender()).context("cannot start reading the keyboard")?;
    let mut outside = RealOutside { terminal, input, watcher, worker };
    if let Some((width, height)) = outside.terminal.size() {
        state.resize(width, height);
    }
    let mut first_frame = true;
    let mut dirty = true;
    loop {
        if dirty {
            state.tutor.now = SystemTime::now();
            outside.terminal.terminal.draw(|frame| ui::draw(frame, &state))?;
            dirty = false;
            if first_frame {
                first_frame = false;
                record_first_frame();
                // Off the first frame's path: code highlighting is needed only later.
                widgets::highlight::warm_up();
            }
        }
        if state.quit {
            break;
        }
        // Asleep until something happens; once a second too while the screen counts time.
        let tick = state.shows_clock().then(|| until_next_second(SystemTime::now()));
        let first = events.next(tick);
        for event in std::iter::once(first).chain(events.ready()) {
            if let Event::InputGone(problem) = &event {
                anyhow::bail!("cannot read the keyboard: {problem}");
            }
            let Some(event) = outside.keep_saves(event) else { continue };
            state.tutor.now = SystemTime::now();
            if let Some(effects) = state.update(event) {
                dirty = true;
                run_effects(&mut state, effects, &mut outside);
            }
        }
    }
    drop(outside);
    Ok(())
}

/// How long until the clock's next whole second, when "12 s ago" turns "13 s ago".
fn until_next_second(now: SystemTime) -> Duration {
    let into = now.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    Duration::from_nanos(1_000_000_000 - u64::from(into)).max(Duration::from_millis(10))
}

/// Carries out `effects` and everything they lead to: what an effect answers goes back to
/// the state, whose new effects are carried out in turn, until nothing is left to do.
fn run_effects(state: &mut AppState, effects: Vec<Effect>, outside: &mut impl Outside) {
    let mut pending = VecDeque::from(effects);
    while let Some(effect) = pending.pop_front() {
        for event in effects::execute(effect, &state.tutor.course, &state.tutor.workspace, outside) {
            pending.extend(state.update(event).unwrap_or_default());
        }
    }
}

/// The world the run loop's effects reach: the terminal, the watcher, the worker.
struct RealOutside {
    terminal: TerminalSession,
    input: Input,
    watcher: Option<SaveWatcher>,
    /// None in the author's preview, which grades nothing.
    worker: Option<Worker>,
}

impl RealOutside {
    /// The watcher's changes, kept to the real saves (`None` when there are none).
    fn keep_saves(&mut self, event: Event) -> Option<Event> {
        match event {
            Event::FolderChanged(Ok(paths)) => {
                let saved = self.watcher.as_mut()?.saves(&paths);
                (!saved.is_empty()).then_some(Event::Saved(saved))
            }
            Event::FolderChanged(Err(problem)) => Some(Event::WatchProblem(problem)),
            other => Some(other),
        }
    }
}

impl Outside for RealOutside {
    fn grade(&mut self, exercise: Exercise, file: PathBuf) -> Result<(), String> {
        match &self.worker {
            Some(worker) => worker.grade(exercise, file),
            None => Err("the author's preview grades nothing".into()),
        }
    }

    fn edit(&mut self, file: &Path) -> Result<(), String> {
        // The editor reads the keyboard now, not us.
        self.input.pause();
        let result = self.terminal.run_editor(file);
        self.input.resume();
        result
    }

    fn size(&self) -> Option<(u16, u16)> {
        self.terminal.size()
    }

    fn wrote(&mut self, file: &Path) {
        if let (Some(watcher), Some(name)) = (self.watcher.as_mut(), file.file_name()) {
            watcher.acknowledge(name);
        }
    }
}

fn record_first_frame() {
    if let Some(path) = std::env::var_os(FIRST_FRAME_ENV) {
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let _ = std::fs::write(path, nanos.to_string());
    }
}

fn seeded_notice(seeded: &[String]) -> Option<String> {
    match seeded {
        [] => None,
        [one] => Some(format!("Copied the starter of {one} into your workspace.")),
        many if many.len() <= 3 => Some(format!("Copied the starters of {} into your workspace.", many.join(", "))),
        many => Some(format!("Copied {} starter files into your workspace.", many.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use effects::tests::FakeOutside;
    use fixture::{fixture_state, index_of, key};
    use crossterm::event::KeyCode;
    use std::ffi::OsStr;

    #[test]
    fn a_grade_the_worker_refuses_ends_and_the_one_queued_behind_it_starts() {
        let (_dir, mut state) = fixture_state();
        let index = index_of(&state, "w2d2_output_shape");
        state.open_exercise_at(index);
        let file = OsStr::new("w2d2_output_shape.rs");
        // Two saves before the loop gets to the first grade: one grade, one queued.
        let mut effects = state.file_saved(file);
        effects.extend(state.file_saved(file));
        assert_eq!(state.tutor.queued, Some(index));
        let mut outside = FakeOutside { refuse: 1, ..FakeOutside::default() };
        run_effects(&mut state, effects, &mut outside);
        assert_eq!(outside.graded, vec!["w2d2_output_shape"], "the queued grade started");
        assert_eq!(state.tutor.running.as_ref().map(|r| r.index), Some(index));
        assert_eq!(state.tutor.queued, None);
        let refused = &state.tutor.outcome("w2d2_output_shape").unwrap().result;
        assert_eq!(refused, &Err("the grading thread has stopped".to_string()), "the refusal is shown");
    }

    #[test]
    fn a_worker_that_refuses_everything_leaves_no_grade_running() {
        let (_dir, mut state) = fixture_state();
        let index = index_of(&state, "w2d2_output_shape");
        state.open_exercise_at(index);
        let effects = state.handle_key(key(KeyCode::Char('g')));
        let mut outside = FakeOutside { refuse: usize::MAX, ..FakeOutside::default() };
        run_effects(&mut state, effects, &mut outside);
        assert!(state.tutor.running.is_none(), "not \"building…\" forever");
        assert!(state.tutor.outcome("w2d2_output_shape").unwrap().result.is_err());
    }

    #[test]
    fn a_reset_is_the_tutors_own_write_and_its_answer_reaches_the_state() {
        let (_dir, mut state) = fixture_state();
        let index = index_of(&state, "w1d1_simple_ops");
        state.open_exercise_at(index);
        std::fs::create_dir_all(state.tutor.workspace.exercises_dir()).unwrap();
        let mut outside = FakeOutside::default();
        run_effects(&mut state, vec![Effect::Reset(index)], &mut outside);
        assert_eq!(outside.written, vec![state.tutor.workspace.exercise_file("w1d1_simple_ops")]);
        assert!(state.tutor.flash.as_deref().unwrap_or_default().contains("back to the starter"), "{:?}", state.tutor.flash);
    }
}
