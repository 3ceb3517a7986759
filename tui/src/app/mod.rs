//! The interactive tutor: a course map, a lesson reader, and the exercise view where
//! each save of the learner's file is graded within a second or so.
//!
//! The run loop owns the terminal, the file watcher and the grading thread; everything
//! shown lives in [`state::AppState`], changed only through its methods (which return
//! [`state::Effect`]s for the loop to carry out), and drawn by [`ui::draw`].

mod chart;
mod highlight;
mod keys;
mod map;
mod markdown;
mod reader;
mod reading;
mod state;
mod ui;
mod watch;
mod worker;

use crate::context::Context;
use anyhow::{Context as _, Result};
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use nma_grader::course::Lesson;
use nma_grader::workspace::OpenReport;
use nma_grader::{Progress, Workspace};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use state::{AppState, Effect, Screen};
use std::ffi::OsString;
use std::io::Stdout;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};
use watch::SaveWatcher;
use worker::{Worker, WorkerEvent};

/// How long to wait for a key before looking at the watcher and the grader again. The
/// loop sleeps in the terminal's poll, so an idle tutor wakes ten times a second, does
/// nothing, and draws nothing.
const TICK: Duration = Duration::from_millis(100);

/// Set to a file path to have the time of the first frame written there (Unix time in
/// nanoseconds), to measure start-up from outside (the tmux test does).
const FIRST_FRAME_ENV: &str = "NMA_TUTOR_FIRST_FRAME_FILE";

/// What the loop serves besides the state: the learner's tutor, or an author's preview.
enum Mode {
    Tutor { worker: Worker },
    Preview { lesson: PathBuf, lesson_id: String },
}

pub fn run(ctx: Context, report: OpenReport) -> Result<()> {
    let (progress, progress_problem) = ctx.workspace.load_progress();
    let (lessons_read, reading_problem) = reading::load(&ctx.workspace);
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
    run_loop(&ctx, state, watcher, Mode::Tutor { worker })
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
    run_loop(&ctx, state, watcher, Mode::Preview { lesson, lesson_id: lesson_id.to_string() })
}

fn run_loop(ctx: &Context, mut state: AppState, mut watcher: Option<SaveWatcher>, mode: Mode) -> Result<()> {
    let mut terminal = TerminalSession::enter()?;
    if let Ok(size) = terminal.terminal.size() {
        state.resize(size.width, size.height);
    }
    let mut first_frame = true;
    let mut last_clock = None;
    let mut dirty = true;
    while !state.quit {
        state.now = SystemTime::now();
        // Redraw on change, and once a second while a relative time or timer is on screen.
        let clock = shows_clock(&state)
            .then(|| state.now.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).ok())
            .flatten();
        if dirty || clock != last_clock {
            terminal.terminal.draw(|frame| ui::draw(frame, &state))?;
            last_clock = clock;
            dirty = false;
            if first_frame {
                first_frame = false;
                record_first_frame();
                // Off the first frame's path: code highlighting is needed only later.
                highlight::warm_up();
            }
        }

        let mut effects = Vec::new();
        if event::poll(TICK)? {
            match event::read()? {
                Event::Key(key) => {
                    effects.extend(state.handle_key(key));
                    dirty = true;
                }
                Event::Mouse(mouse) => {
                    let before = (state.screen.clone(), state.selected, state.overlay.clone());
                    effects.extend(state.handle_mouse(mouse));
                    // Mouse motion arrives constantly; only a change is worth a frame.
                    dirty |= before != (state.screen.clone(), state.selected, state.overlay.clone());
                }
                Event::Resize(width, height) => {
                    state.resize(width, height);
                    dirty = true;
                }
                _ => {}
            }
        }
        if let Some(w) = &mut watcher {
            match w.saved_files() {
                Ok(saved) => {
                    for name in saved {
                        dirty = true;
                        match &mode {
                            Mode::Tutor { .. } => effects.extend(state.file_saved(&name)),
                            Mode::Preview { lesson, lesson_id } => {
                                if lesson.file_name() == Some(name.as_os_str()) {
                                    state
                                        .lesson_reloaded(Lesson::load(lesson, lesson_id).map_err(|e| format!("{e:#}")));
                                }
                            }
                        }
                    }
                }
                Err(problem) => {
                    state.report_problem(format!("File watcher: {problem}"));
                    dirty = true;
                }
            }
        }
        if let Mode::Tutor { worker } = &mode {
            while let Ok(event) = worker.events.try_recv() {
                dirty = true;
                match event {
                    WorkerEvent::Engine(build) => state.engine = build,
                    WorkerEvent::Progress(stage) => state.grade_progress(stage),
                    WorkerEvent::Finished { exercise, result } => {
                        state.now = SystemTime::now();
                        effects.extend(state.grade_finished(&exercise, result));
                    }
                }
            }
        }
        for effect in effects {
            dirty = true;
            apply(ctx, &mut state, &mode, &mut watcher, &mut terminal, effect);
        }
    }
    drop(terminal);
    Ok(())
}

/// Whether the screen shows something that changes with the clock alone.
fn shows_clock(state: &AppState) -> bool {
    match &state.screen {
        Screen::Exercise(view) => {
            state.running.is_some()
                || state.course.exercises.get(view.index).is_some_and(|e| state.outcome(e.id()).is_some())
        }
        _ => false,
    }
}

fn record_first_frame() {
    if let Some(path) = std::env::var_os(FIRST_FRAME_ENV) {
        let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let _ = std::fs::write(path, nanos.to_string());
    }
}

/// Carries out what the state asked for. Failures become notices, never a crash.
fn apply(
    ctx: &Context,
    state: &mut AppState,
    mode: &Mode,
    watcher: &mut Option<SaveWatcher>,
    terminal: &mut TerminalSession,
    effect: Effect,
) {
    match effect {
        // Saving merges with what another process (`nma-tutor grade`) saved meanwhile;
        // the merged progress, shown from now on, is what is on disk.
        Effect::SaveProgress => match ctx.workspace.save_progress_merged(&state.progress) {
            Ok(saved) => {
                state.progress = saved.progress;
                if let Some(problem) = saved.problem {
                    state.report_problem(problem);
                }
            }
            Err(e) => state.report_problem(format!("Your progress could not be saved: {e:#}")),
        },
        Effect::SaveLessonsRead => {
            if let Err(e) = reading::save(&ctx.workspace, &state.lessons_read) {
                state.report_problem(format!("The lessons you read could not be saved: {e:#}"));
            }
        }
        Effect::StartGrade(index) => {
            let Mode::Tutor { worker } = mode else { return };
            let exercise = state.course.exercises[index].clone();
            let file = ctx.workspace.exercise_file(exercise.id());
            // The learner's absolute path, so compile errors name the file they edit.
            let file = file.canonicalize().unwrap_or(file);
            let id = exercise.id().to_string();
            if let Err(problem) = worker.grade(exercise, file) {
                state.grade_finished(&id, Err(problem));
            }
        }
        Effect::OpenEditor(index) => {
            let file = ctx.workspace.exercise_file(state.course.exercises[index].id());
            match terminal.run_editor(&file) {
                // The watcher sees the save and grades it, as for any other editor.
                Ok(()) => state.flash = None,
                Err(problem) => state.report_problem(problem),
            }
            if let Ok(size) = terminal.terminal.size() {
                state.resize(size.width, size.height);
            }
        }
        Effect::LoadSolution(index) => {
            let path = state.course.exercises[index].solution();
            let source = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()));
            state.show_solution(index, source);
        }
        Effect::Reset(index) => {
            let exercise = state.course.exercises[index].clone();
            let result = ctx.workspace.reset(&exercise).map_err(|e| format!("{e:#}"));
            // The tutor's own write is not the learner's save: grading the starter
            // would only show the failures they just asked to start over from.
            if let (Some(w), Some(name)) = (watcher.as_mut(), ctx.workspace.exercise_file(exercise.id()).file_name()) {
                w.acknowledge(name);
            }
            state.reset_done(index, result);
        }
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
