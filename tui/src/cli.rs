//! The non-interactive commands: list, grade, hint, reset.

use crate::context::Context;
use anyhow::Result;
use nma_grader::{ExerciseState, Status, Verdict, Visibility};
use std::path::PathBuf;

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

pub fn grade(ctx: &Context, id: &str, file: Option<PathBuf>, json: bool) -> Result<()> {
    let exercise = ctx.course.exercise(id)?;
    let own_copy = file.is_none();
    let path = file.unwrap_or_else(|| ctx.workspace.exercise_file(id));
    let slot = if own_copy { "cli" } else { "file" };
    let verdict = nma_grader::grade(&ctx.course, exercise, &path, &ctx.build, slot, &mut |event| {
        if !json {
            if let nma_grader::GradeEvent::Building = event {
                eprintln!("building {} ...", path.display());
            }
        }
    })?;
    if own_copy {
        let (mut progress, problem) = ctx.workspace.load_progress();
        if let Some(problem) = problem {
            eprintln!("warning: {problem}");
        }
        progress.record(&verdict);
        ctx.workspace.save_progress(&progress)?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&verdict)?);
    } else {
        print_verdict(&verdict);
    }
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
        let hidden = if t.visibility == Visibility::Hidden { " (hidden)" } else { "" };
        if t.status == Status::Pass {
            println!("{mark} {}{hidden}", t.name);
        } else {
            println!("{mark} {}{hidden}: {}", t.name, t.message);
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
