//! The terminal while the tutor runs: raw mode, the alternate screen and mouse reports,
//! undone on drop (errors, early returns, unwinding) and by the panic hook; and the
//! hand-off to the learner's editor and back.

use super::worker;
use anyhow::{Context as _, Result};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::ffi::OsString;
use std::io::Stdout;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct TerminalSession {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalSession {
    pub fn enter() -> Result<TerminalSession> {
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

    /// The terminal's size now.
    pub fn size(&self) -> Option<(u16, u16)> {
        self.terminal.size().ok().map(|size| (size.width, size.height))
    }

    /// Hands the terminal to the learner's editor and takes it back when it exits. The
    /// caller stops reading input meanwhile (`events::Input::pause`): the keys are the editor's.
    pub fn run_editor(&mut self, file: &Path) -> Result<(), String> {
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

/// `$EDITOR`, else `$VISUAL`, else `vi`: the command that opens a file for the learner.
fn editor_command() -> OsString {
    ["EDITOR", "VISUAL"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|e| !e.is_empty())
        .unwrap_or_else(|| OsString::from("vi"))
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

/// Restores the terminal before a panic's message is printed, so it reads on a sane screen.
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
