//! `nma-tutor author …`: scaffolding, the course check (with a progress bar and a summary
//! table) and the live lesson preview. The logic lives in `nma_grader::author`.

use crate::context::{default_course_root, Context};
use anyhow::{bail, Result};
use clap::Subcommand;
use crate::engine_bar::EngineBar;
use indicatif::{ProgressBar, ProgressStyle};
use nma_grader::author::{self, CheckEvent, CheckOptions, Outcome, Report};
use nma_grader::BuildPaths;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Subcommand, Debug)]
pub enum AuthorCommand {
    /// Write lessons/<day>/<slug>.md: front matter and a short skeleton, every field explained.
    NewLesson {
        /// Course day as its folder is named, e.g. w1d4.
        day: String,
        /// Lowercase letters, digits and `_`, e.g. momentum.
        slug: String,
    },
    /// Write exercises/<day>_<slug>/: exercise.toml, starter, solution, visible and hidden tests.
    NewExercise {
        /// Course day as its folder is named, e.g. w1d4.
        day: String,
        /// Lowercase letters, digits and `_`; the id is <day>_<slug>.
        slug: String,
        /// unit (fixed cases), property (rules over seeded inputs) or training (a metric over a run).
        #[arg(long, default_value = "unit", value_parser = ["unit", "property", "training"])]
        kind: String,
        /// The lesson it follows, as <day>/<slug>. Default: <day>/<slug> of the exercise.
        #[arg(long)]
        lesson: Option<String>,
    },
    /// Check every exercise and lesson (or those named): metadata, hints, lessons, links and LaTeX;
    /// the starter compiles and fails, the reference passes; training references clear their
    /// thresholds with margin over several seeds. Exits non-zero on any problem.
    Check {
        /// Exercise ids or lesson ids (<day>/<slug>); none: the whole course.
        ids: Vec<String>,
        /// Also run training references with NMA_SEED = 1..=N.
        #[arg(long, default_value_t = 5)]
        seeds: u64,
        /// Exercises graded at once.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// The nma-tutor checkout whose engine/, grader/harness/ and Cargo.lock exercises build
        /// against. Default: the course folder if it has engine/, else the repository this
        /// binary was built from.
        #[arg(long, env = "NMA_ENGINE_ROOT")]
        engine_root: Option<PathBuf>,
        /// Only the checks that need no build: metadata, files, hints, lessons, links, LaTeX.
        #[arg(long)]
        static_only: bool,
        /// Also grade up to N mutants of each reference (operators swapped, constants off
        /// by one, comparisons flipped) and report how many the tests catch.
        #[arg(long, default_value_t = 0, value_name = "N")]
        mutants: usize,
        /// Print the report as JSON on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Open a lesson in the reader and re-render it on every save.
    Preview {
        /// Lesson id, <day>/<slug>, e.g. w1d2/gradient_descent.
        lesson: String,
    },
}

pub fn run(command: AuthorCommand, course: Option<PathBuf>, workspace: Option<PathBuf>, build_dir: Option<PathBuf>) -> Result<()> {
    let root = course.clone().unwrap_or_else(default_course_root);
    match command {
        AuthorCommand::NewLesson { day, slug } => {
            let path = author::scaffold::new_lesson(&root, &day, &slug)?;
            println!("created {}", shown(&root, &path));
            println!(
                "Next: write it (replace every TODO(author)), watch it with `nma-tutor author preview {day}/{slug}`, \
                 and check it with `nma-tutor author check {day}/{slug}`."
            );
            Ok(())
        }
        AuthorCommand::NewExercise { day, slug, kind, lesson } => {
            let kind = author::scaffold::parse_kind(&kind)?;
            let dir = author::scaffold::new_exercise(&root, &day, &slug, kind, lesson.as_deref())?;
            println!("created {}/", shown(&root, &dir));
            for file in ["exercise.toml", "starter.rs", "solution.rs", "tests.rs", "hidden.rs"] {
                println!("  {file}");
            }
            let id = format!("{day}_{slug}");
            let lesson = lesson.unwrap_or_else(|| format!("{day}/{slug}"));
            if !root.join("lessons").join(format!("{lesson}.md")).is_file() {
                let (d, s) = lesson.split_once('/').unwrap_or((&day, &slug));
                println!("The lesson {lesson} does not exist yet: `nma-tutor author new-lesson {d} {s}`, or pass --lesson.");
            }
            println!(
                "Next: replace every TODO(author), add \"{id}\" to the `exercises` of lesson {lesson}, \
                 and run `nma-tutor author check {id}` until it passes."
            );
            Ok(())
        }
        AuthorCommand::Check { ids, seeds, jobs, engine_root, static_only, mutants, json } => {
            let engine_root = engine_root.unwrap_or_else(|| {
                if root.join("engine").join("Cargo.toml").is_file() {
                    root.clone()
                } else {
                    default_course_root()
                }
            });
            let paths = build_dir.map(|dir| BuildPaths::under(&dir));
            let options = CheckOptions { ids, seeds, jobs: jobs.max(1), static_only, mutants };
            let report = check_with_progress(&root, &engine_root, paths.as_ref(), &options)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_report(&report, &root);
            }
            let failures = report.failures().count();
            if failures > 0 {
                bail!("{failures} problem{} found; fix {} and run the check again", plural(failures), if failures == 1 { "it" } else { "them" });
            }
            Ok(())
        }
        AuthorCommand::Preview { lesson } => {
            let (ctx, _) = Context::open(course, workspace, build_dir)?;
            crate::app::run_preview(ctx, &lesson)
        }
    }
}

fn check_with_progress(root: &Path, engine_root: &Path, paths: Option<&BuildPaths>, options: &CheckOptions) -> Result<Report> {
    let interactive = std::io::stderr().is_terminal();
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} exercises {msg} [{elapsed}]").expect("a valid template"),
    );
    if !interactive {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    // What each worker is doing, shown together: "w1d1_ops: reference · w1d2_net: seed 2/5".
    let steps: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    let engine = Mutex::new(Some(EngineBar::new()));
    let on_event = |event: CheckEvent| {
        let mut steps = steps.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            CheckEvent::Engine { built, total, current } => {
                if let Some(engine) = engine.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
                    engine.update(built, total, &current);
                }
                return;
            }
            CheckEvent::Planned { exercises } => {
                engine.lock().unwrap_or_else(|e| e.into_inner()).take();
                bar.set_length(exercises as u64);
                if !interactive {
                    eprintln!("grading {exercises} exercise(s): starter, reference{}", if options.seeds > 0 { ", training seeds" } else { "" });
                }
            }
            CheckEvent::Working { exercise, step } => {
                steps.insert(exercise, step);
            }
            CheckEvent::Finished { exercise } => {
                steps.remove(&exercise);
                bar.inc(1);
                if !interactive {
                    eprintln!("checked {exercise} ({}/{})", bar.position(), bar.length().unwrap_or(0));
                }
            }
        }
        let message: Vec<String> = steps.iter().map(|(e, s)| format!("{e}: {s}")).collect();
        bar.set_message(message.join(" · "));
    };
    let report = author::check(root, Some(engine_root), paths, options, &on_event);
    bar.finish_and_clear();
    report
}

fn print_report(report: &Report, root: &Path) {
    let header = ["exercise", "check", "result", "detail"];
    let cells: Vec<[String; 4]> = report
        .rows
        .iter()
        .map(|r| [r.subject.clone(), r.check.clone(), r.outcome.to_string(), one_line(&located(r, root))])
        .collect();
    let width = |i: usize| cells.iter().map(|c| c[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    println!("{:<w0$}  {:<w1$}  {:<w2$}  {}", header[0], header[1], header[2], header[3]);
    println!("{}  {}  {}  {}", "-".repeat(w0), "-".repeat(w1), "-".repeat(w2), "-".repeat(6));
    for c in &cells {
        println!("{:<w0$}  {:<w1$}  {:<w2$}  {}", c[0], c[1], c[2], c[3]);
    }
    let failures: Vec<_> = report.failures().collect();
    let warnings = report.rows.iter().filter(|r| r.outcome == Outcome::Warn).count();
    let notes = report.rows.iter().filter(|r| r.outcome == Outcome::Note).count();
    if !failures.is_empty() {
        println!("\n{} problem{}:", failures.len(), plural(failures.len()));
        for r in &failures {
            println!("  {} [{}] {}", r.subject, r.check, one_line(&located(r, root)));
        }
    }
    println!(
        "\nchecked {} exercise{} and {} lesson{} in {:.1} s: {} problem{}, {} warning{}, {} note{}",
        report.exercises,
        plural(report.exercises),
        report.lessons,
        plural(report.lessons),
        report.seconds,
        failures.len(),
        plural(failures.len()),
        warnings,
        plural(warnings),
        notes,
        plural(notes),
    );
}

/// `exercises/x/tests.rs:12: detail`, the path relative to the course when inside it.
fn located(row: &author::Row, root: &Path) -> String {
    match &row.location {
        Some(at) => {
            let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
            let mut at = at.clone();
            if let Ok(relative) = at.file.strip_prefix(&root) {
                at.file = relative.to_path_buf();
            }
            format!("{at}: {}", row.detail)
        }
        None => row.detail.clone(),
    }
}

/// A multi-line message (an assertion's left/right) on one table line.
fn one_line(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
