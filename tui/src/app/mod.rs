//! The interactive tutor: pick an exercise, edit your copy in any editor, and see each
//! save graded within a second or so.
//!
//! The run loop owns the terminal, the file watcher and the grading thread; everything
//! shown lives in [`state::AppState`], changed only through its methods, and drawn by
//! [`ui::draw`].

mod state;
mod ui;
mod watch;
mod worker;

use crate::context::Context;
use anyhow::{Context as _, Result};
use crossterm::event::{self, Event};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use nma_grader::workspace::OpenReport;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use state::{AppState, Effect};
use std::io::Stdout;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};
use watch::SaveWatcher;
use worker::{Worker, WorkerEvent};

/// How long to wait for a key before looking at the watcher and the grader again.
const TICK: Duration = Duration::from_millis(80);

pub fn run(ctx: Context, report: OpenReport) -> Result<()> {
    let (progress, progress_problem) = ctx.workspace.load_progress();
    // Shown absolute so the learner can paste it into their editor from anywhere.
    let shown_workspace = ctx.workspace.root.canonicalize().unwrap_or_else(|_| ctx.workspace.root.clone());
    let mut state =
        AppState::new(ctx.course.clone(), ctx.workspace.clone(), shown_workspace, progress, SystemTime::now());
    state.notices.extend(progress_problem);
    state.notices.extend(seeded_notice(&report.seeded));

    let worker = Worker::spawn(ctx.course.clone(), ctx.build.clone()).context("cannot start the grading thread")?;
    let mut watcher = match SaveWatcher::start(&ctx.workspace.exercises_dir()) {
        Ok(watcher) => Some(watcher),
        Err(e) => {
            state.watch_problem = Some(e.to_string());
            None
        }
    };

    let mut terminal = TerminalSession::enter()?;
    let mut last_drawn_second = None;
    let mut dirty = true;
    while !state.quit {
        state.now = SystemTime::now();
        // Redraw on change, and once a second for the relative times and build timer.
        let second = state.now.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).ok();
        if dirty || second != last_drawn_second {
            terminal.terminal.draw(|frame| ui::draw(frame, &state))?;
            last_drawn_second = second;
            dirty = false;
        }

        let mut effects = Vec::new();
        if event::poll(TICK)? {
            match event::read()? {
                Event::Key(key) => {
                    effects.extend(state.handle_key(key));
                    dirty = true;
                }
                Event::Resize(..) => dirty = true,
                _ => {}
            }
        }
        if let Some(w) = &mut watcher {
            match w.saved_files() {
                Ok(saved) => {
                    for name in saved {
                        effects.extend(state.file_saved(&name));
                        dirty = true;
                    }
                }
                Err(problem) => {
                    state.report_problem(format!("File watcher: {problem}"));
                    dirty = true;
                }
            }
        }
        while let Ok(event) = worker.events.try_recv() {
            dirty = true;
            match event {
                WorkerEvent::Progress(stage) => state.grade_progress(stage),
                WorkerEvent::Finished { exercise, result } => {
                    state.now = SystemTime::now();
                    effects.extend(state.grade_finished(&exercise, result));
                }
            }
        }
        for effect in effects {
            apply(&ctx, &mut state, &worker, effect);
        }
    }
    drop(terminal);
    Ok(())
}

/// Carries out what the state asked for. Failures become notices, never a crash.
fn apply(ctx: &Context, state: &mut AppState, worker: &Worker, effect: Effect) {
    match effect {
        Effect::SaveProgress => {
            if let Err(e) = ctx.workspace.save_progress(&state.progress) {
                state.report_problem(format!("Your progress could not be saved: {e:#}"));
            }
        }
        Effect::StartGrade(index) => {
            let exercise = state.course.exercises[index].clone();
            let file = ctx.workspace.exercise_file(exercise.id());
            // The learner's absolute path, so compile errors name the file they edit.
            let file = file.canonicalize().unwrap_or(file);
            let id = exercise.id().to_string();
            if let Err(problem) = worker.grade(exercise, file) {
                state.grade_finished(&id, Err(problem));
            }
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

/// Raw mode and the alternate screen, undone on drop (errors, early returns, unwinding)
/// and by the panic hook, which runs before the panic message is printed.
struct TerminalSession {
    terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalSession {
    fn enter() -> Result<TerminalSession> {
        install_panic_hook();
        enable_raw_mode().context("cannot put the terminal in raw mode")?;
        TERMINAL_TAKEN.store(true, Ordering::SeqCst);
        let mut stdout = std::io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen) {
            restore_terminal();
            return Err(e).context("cannot switch to the alternate screen");
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
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
}

impl Drop for TerminalSession {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Whether the terminal is in raw mode on the alternate screen (ours to undo).
static TERMINAL_TAKEN: AtomicBool = AtomicBool::new(false);

/// Undoes `TerminalSession::enter`, once: leaving the alternate screen a second time
/// would move the cursor back over whatever was printed since (a panic message).
fn restore_terminal() {
    if TERMINAL_TAKEN.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(std::io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
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
