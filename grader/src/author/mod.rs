//! Instructor authoring: scaffolding new lessons and exercises ([`scaffold`]) and checking
//! that every exercise and lesson of a course is fit to ship ([`check()`]).
//!
//! The check loads the course tolerantly — one broken file becomes a problem in the
//! report, never the end of the check — then runs the static checks (metadata, files,
//! hints, lessons, front matter, links, LaTeX in lessons, scaffold placeholders) and, on
//! a few worker threads, grades every exercise's starter and reference, and calibrates
//! training exercises over several seeds. Each finding is a [`Row`]: subject, check, outcome,
//! detail and, where known, the file, line and column to fix.

mod content;
mod grading;
mod latex;
pub mod mutants;
mod links;
pub mod scaffold;

use crate::course::Course;
use crate::BuildPaths;
use anyhow::Result;
use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Text that marks what a scaffold left for the author to write; the check fails while
/// any is left in an exercise's files or a lesson.
pub const PLACEHOLDER: &str = "TODO(author)";

/// Default relative margin a training reference must keep above its threshold.
pub const DEFAULT_RELATIVE_MARGIN: f64 = 0.05;
/// Smallest margin ever required by default, so a threshold of 0 still needs real clearance.
pub const DEFAULT_MARGIN_FLOOR: f64 = 1e-6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    /// For the author to read; nothing to fix unless it was not intended.
    Note,
    /// Worth a look, but not a reason to stop shipping.
    Warn,
    Fail,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Pass => "ok",
            Outcome::Note => "note",
            Outcome::Warn => "warn",
            Outcome::Fail => "FAIL",
        })
    }
}

/// A place in a file; line and column are 1-based.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Location {
    pub fn file(file: &Path) -> Location {
        Location { file: file.to_path_buf(), line: None, column: None }
    }
    pub fn at(file: &Path, line: usize, column: usize) -> Location {
        Location { file: file.to_path_buf(), line: Some(line), column: Some(column) }
    }
    pub fn line(file: &Path, line: usize) -> Location {
        Location { file: file.to_path_buf(), line: Some(line), column: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// One finding of the check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// An exercise id, or `lesson <day>/<slug>`.
    pub subject: String,
    /// Which check: `metadata`, `files`, `hints`, `lesson`, `placeholders`, `starter compiles`,
    /// `starter fails`, `reference passes`, `timing`, `training`, `calibration`,
    /// `front matter`, `links`, `latex`.
    pub check: String,
    pub outcome: Outcome,
    /// What was found and, for a problem, what to do.
    pub detail: String,
    pub location: Option<Location>,
}

impl Row {
    fn new(subject: &str, check: &str, outcome: Outcome, detail: impl Into<String>, location: Option<Location>) -> Row {
        Row { subject: subject.to_string(), check: check.to_string(), outcome, detail: detail.into(), location }
    }
    fn pass(subject: &str, check: &str, detail: impl Into<String>) -> Row {
        Row::new(subject, check, Outcome::Pass, detail, None)
    }
    fn fail(subject: &str, check: &str, detail: impl Into<String>, location: Option<Location>) -> Row {
        Row::new(subject, check, Outcome::Fail, detail, location)
    }
    fn warn(subject: &str, check: &str, detail: impl Into<String>, location: Option<Location>) -> Row {
        Row::new(subject, check, Outcome::Warn, detail, location)
    }
    fn note(subject: &str, check: &str, detail: impl Into<String>, location: Option<Location>) -> Row {
        Row::new(subject, check, Outcome::Note, detail, location)
    }

    /// `file:line:col: detail`, or just the detail.
    pub fn located_detail(&self) -> String {
        match &self.location {
            Some(at) => format!("{at}: {}", self.detail),
            None => self.detail.clone(),
        }
    }
}

/// Everything the check found, in course order, and how long it took.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub rows: Vec<Row>,
    pub exercises: usize,
    pub lessons: usize,
    pub seconds: f64,
}

impl Report {
    pub fn failures(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| r.outcome == Outcome::Fail)
    }
    pub fn passed(&self) -> bool {
        self.failures().next().is_none()
    }
}

/// Choices for [`check()`].
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Exercise ids (or lesson ids `<day>/<slug>`) to check; empty: the whole course.
    pub ids: Vec<String>,
    /// Training references are also run with `NMA_SEED` = 1..=seeds.
    pub seeds: u64,
    /// Exercises graded at once, each worker with its own build slots.
    pub jobs: usize,
    /// Skip building and running (metadata, files, lessons, links and LaTeX only).
    pub static_only: bool,
    /// Mutants of each reference to grade (0: none); see [`mutants`].
    pub mutants: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions { ids: Vec::new(), seeds: 5, jobs: 2, static_only: false, mutants: 0 }
    }
}

/// What the check is doing, for a progress bar.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckEvent {
    /// Grading is about to start on this many exercises.
    Planned { exercises: usize },
    /// An exercise's grading moved on to a step (`starter`, `reference`, `seed 3/5`).
    Working { exercise: String, step: String },
    Finished { exercise: String },
    /// The engine's first build: `built` of `total` units, `current` the last.
    Engine { built: usize, total: usize, current: String },
}

/// Checks the course at `root`. `code_root` is the checkout whose engine, harness and
/// `Cargo.lock` submissions build against (default: the course root); `paths` where the
/// builds go (default: under the code root's `target/grading`).
///
/// `Err` only when the check itself cannot work (no course folder, an unknown id); every
/// problem with the course is a failed [`Row`].
pub fn check(
    root: &Path,
    code_root: Option<&Path>,
    paths: Option<&BuildPaths>,
    options: &CheckOptions,
    on_event: &(dyn Fn(CheckEvent) + Sync),
) -> Result<Report> {
    let start = Instant::now();
    let loaded = content::load(root)?;
    let selection = content::select(&loaded, &options.ids)?;
    let mut rows = content::check_static(&loaded, &selection);

    let mut course = Course {
        root: loaded.root.clone(),
        code_root: loaded.root.clone(),
        exercises: loaded.gradable(&selection),
        lessons: loaded.lessons.iter().filter_map(|l| l.lesson.clone()).collect(),
    };
    if let Some(dir) = code_root {
        course = course.with_code_root(dir)?;
    }
    if !options.static_only {
        let paths = paths.cloned().unwrap_or_else(|| BuildPaths::for_course(&course));
        // Built once, before the workers start, so its progress is shown as its own.
        crate::warm_up(&course, &paths, &mut |event| {
            if let crate::GradeEvent::Engine { built, total, current } = event {
                on_event(CheckEvent::Engine { built, total, current });
            }
        })?;
        let graded = grading::grade_all(&course, &paths, options, on_event);
        rows = merge(rows, graded);
    }
    Ok(Report {
        rows,
        exercises: selection.exercises.len(),
        lessons: selection.lessons.len(),
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Puts each exercise's grading rows right after its static rows, keeping course order.
fn merge(static_rows: Vec<Row>, graded: Vec<Row>) -> Vec<Row> {
    let mut rows = static_rows;
    for row in graded {
        let at = rows.iter().rposition(|r| r.subject == row.subject).map(|i| i + 1).unwrap_or(rows.len());
        rows.insert(at, row);
    }
    rows
}

/// The margin a training test's reference must keep: the exercise's own
/// `[calibration] min_margin`, else 5% of |threshold| but at least 1e-6.
pub fn required_margin(threshold: f64, min_margin: Option<f64>) -> f64 {
    min_margin.unwrap_or_else(|| (DEFAULT_RELATIVE_MARGIN * threshold.abs()).max(DEFAULT_MARGIN_FLOOR))
}

/// 1-based line and column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 8), (3, 1));
        assert_eq!(line_column(text, 7), (2, 4), "columns count characters, not bytes");
    }

    #[test]
    fn the_required_margin_is_relative_with_a_floor_unless_the_exercise_says() {
        assert!((required_margin(0.9, None) - 0.045).abs() < 1e-12);
        assert!((required_margin(-2.0, None) - 0.1).abs() < 1e-12);
        assert_eq!(required_margin(0.0, None), DEFAULT_MARGIN_FLOOR);
        assert_eq!(required_margin(1e-8, None), DEFAULT_MARGIN_FLOOR);
        assert_eq!(required_margin(0.9, Some(0.2)), 0.2);
    }

    #[test]
    fn grading_rows_follow_their_exercises_static_rows() {
        let row = |s: &str, c: &str| Row::pass(s, c, "");
        let merged = merge(
            vec![row("a", "metadata"), row("b", "metadata"), row("lesson x", "links")],
            vec![row("b", "reference passes"), row("a", "starter fails")],
        );
        let order: Vec<(&str, &str)> = merged.iter().map(|r| (r.subject.as_str(), r.check.as_str())).collect();
        assert_eq!(
            order,
            vec![("a", "metadata"), ("a", "starter fails"), ("b", "metadata"), ("b", "reference passes"), ("lesson x", "links")]
        );
    }
}
