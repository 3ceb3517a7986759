//! Save → verdict on a warm grader, as the tutor sees it: the engine built once, then
//! one exercise graded again and again with two files in turn (so the learner's crate is
//! rebuilt every time, as after a save). Prints the median and range of the grade, of its
//! build and of the rest (tests, copying the binary, bookkeeping).
//!
//! `cargo run -p nma-grader --example save_to_verdict -- [exercise] [rounds]`
//! (default `w2d2_output_shape`, 12 rounds; the exercise's solution and starter alternate).

use nma_grader::{BuildPaths, Course};
use std::path::Path;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let id = args.get(1).map(String::as_str).unwrap_or("w2d2_output_shape");
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(12);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the grader sits in the course");
    let course = Course::load(root)?;
    let exercise = course.exercise(id)?;
    let paths = BuildPaths::for_course(&course);
    let warm = nma_grader::warm_up(&course, &paths, &mut |_| {})?;
    eprintln!("engine checked in {warm:.2} s");
    let files = [exercise.solution(), exercise.starter()];
    let mut grades = Vec::new();
    let mut builds = Vec::new();
    for round in 0..rounds + 2 {
        let started = Instant::now();
        let verdict = nma_grader::grade(&course, exercise, &files[round % 2], &paths, "bench", &mut |_| {})?;
        let seconds = started.elapsed().as_secs_f64();
        // The first two rounds build each file once from a cold slot.
        if round >= 2 {
            grades.push(seconds);
            builds.push(verdict.build_seconds);
        }
    }
    let rest: Vec<f64> = grades.iter().zip(&builds).map(|(g, b)| g - b).collect();
    for (what, values) in [("save → verdict", &grades), ("  build", &builds), ("  the rest", &rest)] {
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        println!(
            "{what:<15} median {:.3} s  range {:.3}–{:.3} s  ({} rounds)",
            sorted[sorted.len() / 2],
            sorted[0],
            sorted[sorted.len() - 1],
            sorted.len()
        );
    }
    Ok(())
}
