//! The non-interactive commands: list, grade, hint, reset.

use crate::context::Context;
use crate::engine_bar::EngineBar;
use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use nma_grader::batch::{self, BatchOptions};
use nma_grader::report::{self, Format};
use nma_grader::{ExerciseState, Status, Verdict, Visibility};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn list(ctx: &Context, json: bool) -> Result<()> {
    let (progress, problem) = ctx.workspace.load_progress();
    if let Some(problem) = problem {
        eprintln!("warning: {problem}");
    }
    if json {
        let rows: Vec<_> = ctx
            .course
            .exercises
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id(),
                    "title": e.meta.title,
                    "day": e.meta.day,
                    "state": progress.state(e.id()),
                    "file": ctx.workspace.exercise_file(e.id()),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    for e in &ctx.course.exercises {
        let state = match progress.state(e.id()) {
            ExerciseState::Passed => "done",
            ExerciseState::Attempted => "tried",
            ExerciseState::NotStarted => "new",
        };
        println!("{:<5} {:<6} {:<28} {}", e.meta.day, state, e.id(), e.meta.title);
    }
    Ok(())
}

/// `json`: print the verdict in this format instead of as text.
pub fn grade(ctx: &Context, id: &str, file: Option<PathBuf>, json: Option<Format>) -> Result<()> {
    let exercise = ctx.course.exercise(id)?;
    let own_copy = file.is_none();
    let path = file.unwrap_or_else(|| ctx.workspace.exercise_file(id));
    let slot = if own_copy { "cli" } else { "file" };
    let mut engine = EngineBar::new();
    let verdict = nma_grader::grade(&ctx.course, exercise, &path, &ctx.build, slot, &mut |event| match event {
        nma_grader::GradeEvent::Engine { built, total, current } => engine.update(built, total, &current),
        nma_grader::GradeEvent::Building if json.is_none() => eprintln!("building {} ...", path.display()),
        _ => {}
    })?;
    drop(engine);
    if own_copy {
        let (mut progress, problem) = ctx.workspace.load_progress();
        if let Some(problem) = problem {
            eprintln!("warning: {problem}");
        }
        progress.record(&verdict);
        ctx.workspace.save_progress(&progress)?;
    }
    match json {
        Some(format) => {
            let tests = nma_grader::build::test_functions(exercise)?;
            println!("{}", serde_json::to_string_pretty(&report::render(&verdict, format, &tests))?);
        }
        None => print_verdict(&verdict),
    }
    Ok(())
}

pub fn grade_batch(ctx: &Context, id: &str, submissions: &Path, options: &BatchOptions) -> Result<()> {
    let exercise = ctx.course.exercise(id)?;
    let found = batch::discover(submissions, id)?;
    if found.is_empty() {
        anyhow::bail!("no submissions in {}: expected .rs files or one folder per learner", submissions.display());
    }
    // The engine first, with its own progress, so no learner's time includes it.
    let mut engine = EngineBar::new();
    let engine_started = Instant::now();
    nma_grader::warm_up(&ctx.course, &ctx.build, &mut |event| {
        if let nma_grader::GradeEvent::Engine { built, total, current } = event {
            engine.update(built, total, &current);
        }
    })?;
    drop(engine);
    // Reported on its own (it may include waiting for another task's build of it).
    eprintln!("engine ready in {:.1} s (not counted in any learner's time)", engine_started.elapsed().as_secs_f64());
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} [{elapsed} elapsed, {eta} left]")
            .expect("a valid template"),
    );
    // Logs (Slurm, Kubernetes) get a plain line every 10% instead of a bar.
    let interactive = std::io::stderr().is_terminal();
    let started = Instant::now();
    let report = batch::run(&ctx.course, exercise, &found, &ctx.build, options, &|done, total, name| {
        if interactive {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message(name.to_string());
        } else if done == total || done % (total / 10).max(1) == 0 {
            eprintln!("graded {done}/{total} ({name})");
        }
    })?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let rate = if seconds > 0.0 { report.graded as f64 * 60.0 / seconds } else { 0.0 };
    println!(
        "graded {} submission(s) in {seconds:.1} s ({rate:.0}/min), skipped {} already graded; {} pass. Summary: {}",
        report.graded,
        report.skipped,
        report.passed,
        report.summary.display()
    );
    Ok(())
}

pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<()> {
    let (count, summary) = batch::merge(inputs, out)?;
    println!("merged {count} result(s); summary: {}", summary.display());
    Ok(())
}

fn print_verdict(v: &Verdict) {
    for d in &v.compile_errors {
        println!("{}", d.rendered.trim_end());
    }
    for t in &v.tests {
        let mark = match t.status {
            Status::Pass => "✓",
            Status::Fail => "✗",
            Status::Error => "-",
        };
        // Hidden tests are a check, not a spoiler: no name, no message.
        match (t.visibility, t.status) {
            (Visibility::Hidden, _) => println!("{mark} hidden test"),
            (_, Status::Pass) => println!("{mark} {}", t.name),
            _ => println!("{mark} {}: {}", t.name, t.message),
        }
    }
    println!("{} — score {}/{}", v.message, v.score, v.max_score);
}

pub fn hint(ctx: &Context, id: &str, all: bool) -> Result<()> {
    let exercise = ctx.course.exercise(id)?;
    let hints = &exercise.meta.hints;
    let (mut progress, problem) = ctx.workspace.load_progress();
    if let Some(problem) = problem {
        eprintln!("warning: {problem}");
    }
    let show = if all { hints.len() } else { progress.reveal_hint(id, hints.len()) };
    for (i, h) in hints.iter().take(show).enumerate() {
        println!("Hint {} of {}: {h}", i + 1, hints.len());
    }
    if show < hints.len() {
        println!("(run `nma-tutor hint {id}` again for the next hint)");
    }
    if all {
        progress.hints_shown.insert(id.to_string(), hints.len());
    }
    ctx.workspace.save_progress(&progress)?;
    Ok(())
}

pub fn reset(ctx: &Context, id: &str) -> Result<()> {
    let exercise = ctx.course.exercise(id)?;
    match ctx.workspace.reset(exercise)? {
        Some(backup) => println!("Restored the starter of {id}; your previous file is kept as {}", backup.display()),
        None => println!("Restored the starter of {id}."),
    }
    Ok(())
}
