//! The engine's first build as the command-line commands show it: a bar on a terminal,
//! a plain line at every tenth otherwise (logs of Slurm, Kubernetes, CI). A build that
//! finds everything already built is over in a fraction of a second and shows nothing.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Nothing is shown before this: a warm engine is checked in about 0.1 s.
const QUIET_START: Duration = Duration::from_millis(700);

pub struct EngineBar {
    bar: ProgressBar,
    interactive: bool,
    started: Instant,
    last_tenth: Option<usize>,
}

impl EngineBar {
    pub fn new() -> EngineBar {
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template("building the engine (first grade only) {bar:30} {pos}/{len} {msg} [{elapsed}]")
                .expect("a valid template"),
        );
        EngineBar { bar, interactive: std::io::stderr().is_terminal(), started: Instant::now(), last_tenth: None }
    }

    pub fn update(&mut self, built: usize, total: usize, current: &str) {
        if self.started.elapsed() < QUIET_START {
            return;
        }
        if self.interactive {
            if self.bar.is_hidden() {
                self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            self.bar.set_length(total as u64);
            self.bar.set_position(built as u64);
            self.bar.set_message(current.to_string());
            return;
        }
        let tenth = (built * 10).checked_div(total).unwrap_or(built / 10);
        if self.last_tenth != Some(tenth) {
            self.last_tenth = Some(tenth);
            let of = if total > 0 { format!("/{total}") } else { String::new() };
            eprintln!("building the engine (first grade only): {built}{of} ({current})");
        }
    }
}

impl Drop for EngineBar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
