//! The interactive tutor: a course map, a lesson reader, and the exercise view where
//! each save of the learner's file is graded within a second or so.
//!
//! The run loop owns the terminal, the file watcher and the grading thread; everything
//! shown lives in [`state::AppState`], changed only through its methods (which return
//! [`state::Effect`]s for the loop to carry out), and drawn by [`ui::draw`].

mod chart;
mod effects;
mod events;
mod highlight;
mod keys;
mod lessons_read;
mod map;
mod markdown;
mod reader;
mod state;
mod ui;
mod watch;
mod worker;

use crate::context::Context;
use anyhow::{Context as _, Result};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use effects::{Effect, Outside};
use events::Event;
use nma_grader::workspace::OpenReport;
use nma_grader::{Exercise, Progress, Workspace};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use state::AppState;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::Stdout;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};
use watch::SaveWatcher;
use worker::Worker;

/// How long to wait for a key before looking at the watcher and the grader again. The
/// loop sleeps in the terminal's poll, so an idle tutor wakes ten times a second, does
/// nothing, and draws nothing.
const TICK: Duration = Duration::from_millis(100);

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
    state.lessons_read = lessons_read;
    state.selected = state.next_step().or(state.selected);
    state.notices.extend(progress_problem.or(report.progress_problem));
    state.notices.extend(reading_problem);
    state.notices.extend(seeded_notice(&report.seeded));

    let worker = Worker::spawn(ctx.course.clone(), ctx.build.clone()).context("cannot start the grading thread")?;
    let watcher = match SaveWatcher::start(&ctx.workspace.exercises_dir()) {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            state.watch_problem = Some(e.to_string());
            None
        }
    };
    run_loop(state, watcher, Some(worker))
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
    let folder = lesson.parent().map(Path::to_path_buf).unwrap_or_default();
    let watcher = match SaveWatcher::start(&folder) {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            state.lesson_problem = Some(format!("not watching {} ({e}); restart to see changes", lesson.display()));
            None
        }
    };
    state.start_preview(index);
    run_loop(state, watcher, None)
}

fn run_loop(mut state: AppState, watcher: Option<SaveWatcher>, worker: Option<Worker>) -> Result<()> {
    let terminal = TerminalSession::enter()?;
    let mut outside = RealOutside { terminal, watcher, worker };
    if let Ok(size) = outside.terminal.terminal.size() {
        state.resize(size.width, size.height);
    }
    let mut first_frame = true;
    let mut last_clock = None;
    let mut dirty = true;
    while !state.quit {
        state.now = SystemTime::now();
        // Redraw on change, and once a second while a relative time or timer is on screen.
        let clock = state
            .shows_clock()
            .then(|| state.now.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).ok())
            .flatten();
        if dirty || clock != last_clock {
            outside.terminal.terminal.draw(|frame| ui::draw(frame, &state))?;
            last_clock = clock;
            dirty = false;
            if first_frame {
                first_frame = false;
                record_first_frame();
                // Off the first frame's path: code highlighting is needed only later.
                highlight::warm_up();
            }
        }

        let mut events = Vec::new();
        if event::poll(TICK)? {
            match event::read()? {
                event::Event::Key(key) => events.push(Event::Key(key)),
                event::Event::Mouse(mouse) => events.push(Event::Mouse(mouse)),
                event::Event::Resize(width, height) => events.push(Event::Resize(width, height)),
                _ => {}
            }
        }
        if let Some(w) = &mut outside.watcher {
            match w.saved_files() {
                Ok(saved) if saved.is_empty() => {}
                Ok(saved) => events.push(Event::Saved(saved)),
                Err(problem) => events.push(Event::WatchProblem(problem)),
            }
        }
        if let Some(worker) = &outside.worker {
            events.extend(worker.events.try_iter().map(Event::Worker));
        }
        for event in events {
            state.now = SystemTime::now();
            if let Some(effects) = state.update(event) {
                dirty = true;
                run_effects(&mut state, effects, &mut outside);
            }
        }
    }
    drop(outside);
    Ok(())
}

/// Carries out `effects` and everything they lead to: what an effect answers goes back to
/// the state, whose new effects are carried out in turn, until nothing is left to do.
fn run_effects(state: &mut AppState, effects: Vec<Effect>, outside: &mut impl Outside) {
    let mut pending = VecDeque::from(effects);
    while let Some(effect) = pending.pop_front() {
        for event in effects::execute(effect, &state.course, &state.workspace, outside) {
            pending.extend(state.update(event).unwrap_or_default());
        }
    }
}

/// The world the run loop's effects reach: the terminal, the watcher, the worker.
struct RealOutside {
    terminal: TerminalSession,
    watcher: Option<SaveWatcher>,
    /// None in the author's preview, which grades nothing.
    worker: Option<Worker>,
}

impl Outside for RealOutside {
    fn grade(&mut self, exercise: Exercise, file: PathBuf) -> Result<(), String> {
        match &self.worker {
            Some(worker) => worker.grade(exercise, file),
            None => Err("the author's preview grades nothing".into()),
        }
    }

    fn edit(&mut self, file: &Path) -> Result<(), String> {
        self.terminal.run_editor(file)
    }

    fn size(&self) -> Option<(u16, u16)> {
        self.terminal.terminal.size().ok().map(|size| (size.width, size.height))
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

/// `$EDITOR`, else `$VISUAL`, else `vi`: the command that opens a file for the learner.
fn editor_command() -> OsString {
    ["EDITOR", "VISUAL"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|e| !e.is_empty())
        .unwrap_or_else(|| OsString::from("vi"))
}

/// Raw mode and the alternate screen, undone on drop (errors, early returns, unwinding)
/// and by the panic hook, which runs before the panic message is printed.
struct TerminalSession {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalSession {
    fn enter() -> Result<TerminalSession> {
        install_panic_hook();
        take_terminal()?;
        match Terminal::new(CrosstermBackend::new(std::io::stdout())) {
            Ok(mut terminal) => {
                let _ = terminal.hide_cursor();
                let _ = terminal.clear();
                Ok(TerminalSession { terminal })
            }
            Err(e) => {
                restore_terminal();
                Err(e).context("cannot start drawing on the terminal")
            }
        }
    }

    /// Hands the terminal to the learner's editor and takes it back when it exits.
    fn run_editor(&mut self, file: &Path) -> Result<(), String> {
        let editor = editor_command();
        restore_terminal();
        // Through the shell, so that `EDITOR="code --wait"` works as it does for git.
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{} \"$1\"", editor.to_string_lossy()))
            .arg("nma-tutor-editor")
            .arg(file)
            .status();
        let taken = take_terminal();
        let _ = self.terminal.clear();
        let _ = self.terminal.hide_cursor();
        taken.map_err(|e| format!("{e:#}"))?;
        match status {
            Ok(s) if s.success() => Ok(()),
            Ok(s) => Err(format!("Your editor ({}) exited with {s}.", editor.to_string_lossy())),
            Err(e) => Err(format!("Cannot start your editor ({}): {e}. Set $EDITOR.", editor.to_string_lossy())),
        }
    }
}

impl Drop for TerminalSession {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Whether the terminal is in raw mode on the alternate screen (ours to undo).
static TERMINAL_TAKEN: AtomicBool = AtomicBool::new(false);

/// Raw mode, the alternate screen and mouse reports (for the wheel).
fn take_terminal() -> Result<()> {
    enable_raw_mode().context("cannot put the terminal in raw mode")?;
    TERMINAL_TAKEN.store(true, Ordering::SeqCst);
    if let Err(e) = execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture) {
        restore_terminal();
        return Err(e).context("cannot switch to the alternate screen");
    }
    Ok(())
}

/// Undoes `take_terminal`, once: leaving the alternate screen a second time would move
/// the cursor back over whatever was printed since (a panic message).
fn restore_terminal() {
    if TERMINAL_TAKEN.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(std::io::stdout(), DisableMouseCapture, LeaveAlternateScreen, crossterm::cursor::Show);
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The grading thread's panics are caught and shown in the view; printing them
        // over the screen (or restoring the terminal under a running UI) would garble it.
        if std::thread::current().name() == Some(worker::THREAD_NAME) {
            return;
        }
        restore_terminal();
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use effects::tests::FakeOutside;
    use state::tests::{fixture_state, index_of, key};
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
        assert_eq!(state.queued, Some(index));
        let mut outside = FakeOutside { refuse: 1, ..FakeOutside::default() };
        run_effects(&mut state, effects, &mut outside);
        assert_eq!(outside.graded, vec!["w2d2_output_shape"], "the queued grade started");
        assert_eq!(state.running.as_ref().map(|r| r.index), Some(index));
        assert_eq!(state.queued, None);
        let refused = &state.outcome("w2d2_output_shape").unwrap().result;
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
        assert!(state.running.is_none(), "not \"building…\" forever");
        assert!(state.outcome("w2d2_output_shape").unwrap().result.is_err());
    }

    #[test]
    fn a_reset_is_the_tutors_own_write_and_its_answer_reaches_the_state() {
        let (_dir, mut state) = fixture_state();
        let index = index_of(&state, "w1d1_simple_ops");
        state.open_exercise_at(index);
        std::fs::create_dir_all(state.workspace.exercises_dir()).unwrap();
        let mut outside = FakeOutside::default();
        run_effects(&mut state, vec![Effect::Reset(index)], &mut outside);
        assert_eq!(outside.written, vec![state.workspace.exercise_file("w1d1_simple_ops")]);
        assert!(state.flash.as_deref().unwrap_or_default().contains("back to the starter"), "{:?}", state.flash);
    }
}
