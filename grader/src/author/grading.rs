//! The checks that build and run: the starter compiles and fails, the reference passes
//! every test, and training references clear their thresholds with room to spare over
//! several seeds.
//!
//! Exercises are graded on `jobs` worker threads. Each exercise is graded by one worker
//! only, in two build slots of its own (`author-starter`, `author-reference`), so no two
//! grades ever share a crate folder, and a second run of the check finds every crate
//! already built for unchanged files.

use super::{required_margin, CheckEvent, CheckOptions, Location, Row};
use crate::course::{Course, Exercise, ExerciseKind};
use crate::verdict::{Status, TestResult, TrainingRecord, Verdict, Visibility};
use crate::{grade_with, BuildPaths, GradeOptions};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A reference test using more than this share of its time limit draws a warning.
const SLOW_SHARE: f64 = 0.5;

pub(super) fn grade_all(
    course: &Course,
    paths: &BuildPaths,
    options: &CheckOptions,
    on_event: &(dyn Fn(CheckEvent) + Sync),
) -> Vec<Row> {
    let exercises = &course.exercises;
    on_event(CheckEvent::Planned { exercises: exercises.len() });
    let workers = options.jobs.clamp(1, exercises.len().max(1));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Vec<Row>)>> = Mutex::new(Vec::new());
    let tally = Mutex::new(MutantTally::default());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(exercise) = exercises.get(i) else { break };
                let rows = grade_exercise(course, exercise, paths, options, &tally, on_event);
                on_event(CheckEvent::Finished { exercise: exercise.id().to_string() });
                done.lock().unwrap_or_else(|e| e.into_inner()).push((i, rows));
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    let mut rows: Vec<Row> = done.into_iter().flat_map(|(_, rows)| rows).collect();
    let tally = tally.into_inner().unwrap_or_else(|e| e.into_inner());
    if options.mutants > 0 && tally.viable > 0 {
        rows.push(Row::note(
            "course",
            "mutants",
            format!(
                "{} of {} viable mutants caught ({:.0}%) over {} exercises; {} did not build",
                tally.caught,
                tally.viable,
                100.0 * tally.caught as f64 / tally.viable as f64,
                tally.exercises,
                tally.unviable
            ),
            None,
        ));
    }
    rows
}

/// Mutants graded over the course.
#[derive(Debug, Default)]
struct MutantTally {
    exercises: usize,
    caught: usize,
    viable: usize,
    unviable: usize,
}

/// Grades up to `options.mutants` mutants of the reference; one row saying how many the
/// tests caught and which survived (for the author to read: some mutants mean the same).
fn mutant_row(ex: &Exercise, grade: &dyn Fn(&std::path::Path) -> anyhow::Result<Verdict>, paths: &BuildPaths, count: usize, tally: &Mutex<MutantTally>, step: &dyn Fn(&str)) -> Row {
    let id = ex.id();
    let reference = match std::fs::read_to_string(ex.solution()) {
        Ok(text) => text,
        Err(e) => return Row::fail(id, "mutants", format!("cannot read the reference: {e}"), Some(Location::file(&ex.solution()))),
    };
    let sampled = super::mutants::sample(super::mutants::mutants(&reference), count);
    let folder = match std::fs::create_dir_all(&paths.runs).and_then(|_| tempfile::Builder::new().prefix(&format!("mutants-{id}-")).tempdir_in(&paths.runs)) {
        Ok(folder) => folder,
        Err(e) => return Row::fail(id, "mutants", format!("cannot make a folder for the mutants: {e}"), None),
    };
    let (mut caught, mut unviable, mut survivors) = (0, 0, Vec::new());
    for (k, mutant) in sampled.iter().enumerate() {
        step(&format!("mutant {}/{}", k + 1, sampled.len()));
        let file = folder.path().join("solution.rs");
        let graded = std::fs::write(&file, &mutant.source).map_err(anyhow::Error::from).and_then(|_| grade(&file));
        match graded.map(|v| v.status) {
            Ok(Status::Fail) => caught += 1,
            Ok(Status::Pass) => survivors.push(format!("line {} {}", mutant.line, mutant.change)),
            Ok(Status::Error) | Err(_) => unviable += 1,
        }
    }
    let viable = caught + survivors.len();
    {
        let mut tally = tally.lock().unwrap_or_else(|e| e.into_inner());
        tally.exercises += 1;
        tally.caught += caught;
        tally.viable += viable;
        tally.unviable += unviable;
    }
    let share = if viable == 0 { 100.0 } else { 100.0 * caught as f64 / viable as f64 };
    let detail = format!("{caught} of {viable} viable mutants caught ({share:.0}%), {unviable} did not build");
    if survivors.is_empty() {
        Row::pass(id, "mutants", detail)
    } else {
        Row::note(id, "mutants", format!("{detail}; survived: {}", survivors.join("; ")), Some(Location::file(&ex.solution())))
    }
}

fn grade_exercise(
    course: &Course,
    ex: &Exercise,
    paths: &BuildPaths,
    options: &CheckOptions,
    tally: &Mutex<MutantTally>,
    on_event: &(dyn Fn(CheckEvent) + Sync),
) -> Vec<Row> {
    let id = ex.id();
    let step = |s: &str| on_event(CheckEvent::Working { exercise: id.to_string(), step: s.to_string() });
    let grade = |file: &std::path::Path, slot: &str, seed: Option<u64>| {
        grade_with(course, ex, file, paths, slot, &GradeOptions { seed, ..Default::default() }, &mut |_| {})
    };
    let mut rows = Vec::new();

    step("starter");
    match grade(&ex.starter(), "author-starter", None) {
        Ok(v) => rows.extend(starter_rows(ex, &v)),
        Err(e) => rows.push(Row::fail(id, "starter compiles", format!("could not grade: {e:#}"), Some(Location::file(&ex.starter())))),
    }

    step("reference");
    let reference = match grade(&ex.solution(), "author-reference", None) {
        Ok(v) => v,
        Err(e) => {
            rows.push(Row::fail(id, "reference passes", format!("could not grade: {e:#}"), Some(Location::file(&ex.solution()))));
            return rows;
        }
    };
    rows.extend(reference_rows(ex, &reference));
    if !reference.passed() {
        return rows;
    }
    for mistake in super::content::mistakes(ex) {
        step(&format!("mistake {}", mistake.name));
        rows.push(match grade(&mistake.path, "author-mistake", None) {
            Ok(v) => mistake_row(ex, &mistake, &v),
            Err(e) => Row::fail(id, "mistake fails", format!("could not grade: {e:#}"), Some(Location::file(&mistake.path))),
        });
    }
    if options.mutants > 0 {
        rows.push(mutant_row(ex, &|file| grade(file, "author-mutant", None), paths, options.mutants, tally, &step));
    }

    let trained: Vec<String> = reference.tests.iter().filter(|t| t.training.is_some()).map(|t| t.name.clone()).collect();
    match (ex.meta.kind, trained.is_empty()) {
        (ExerciseKind::Training, true) => {
            rows.push(Row::fail(
                id,
                "training",
                "kind = \"training\" but no test reported a training run: in a test, record it with nma_harness::Training::new(metric, threshold, Goal) and .finish(value) (see exercises/w1d2_narrow_net/hidden.rs)",
                Some(Location::file(&ex.hidden_tests())),
            ));
            return rows;
        }
        (ExerciseKind::Training, false) => {}
        (kind, false) => {
            rows.push(Row::warn(
                id,
                "training",
                format!(
                    "{} report training runs but kind = \"{}\": set kind = \"training\" so author check calibrates them over seeds",
                    trained.join(", "),
                    super::content::kind_name(kind)
                ),
                Some(Location::line(&ex.dir.join("exercise.toml"), 1)),
            ));
            return rows;
        }
        (_, true) => return rows,
    }

    // Calibration: the default run (seed 0, what learners get) and seeds 1..=n.
    let mut runs: Vec<(u64, Verdict)> = vec![(0, reference)];
    for seed in 1..=options.seeds {
        step(&format!("seed {seed}/{}", options.seeds));
        match grade(&ex.solution(), "author-reference", Some(seed)) {
            Ok(v) => {
                for t in v.tests.iter().filter(|t| t.status != Status::Pass) {
                    rows.push(Row::fail(
                        id,
                        "calibration",
                        format!(
                            "with NMA_SEED={seed} the reference fails {}: {} — a learner's correct solution could fail the same way; make the test robust to the seed (more steps, a looser threshold) or fix the reference",
                            qualified(t),
                            t.message
                        ),
                        Some(test_location(ex, t)),
                    ));
                }
                runs.push((seed, v));
            }
            Err(e) => rows.push(Row::fail(id, "calibration", format!("could not grade with NMA_SEED={seed}: {e:#}"), Some(Location::file(&ex.solution())))),
        }
    }
    for name in trained {
        let records: Vec<(u64, &TrainingRecord)> = runs
            .iter()
            .filter_map(|(seed, v)| Some((*seed, v.tests.iter().find(|t| t.name == name)?.training.as_ref()?)))
            .collect();
        let test = runs[0].1.tests.iter().find(|t| t.name == name).expect("the default run has the test");
        rows.push(calibration_row(ex, test, &records));
    }
    rows
}

/// A known mistake must build and fail; which tests caught it, and the first message a
/// learner who makes it would read.
fn mistake_row(ex: &Exercise, mistake: &super::content::Mistake, v: &Verdict) -> Row {
    let id = ex.id();
    let at = Some(Location::file(&mistake.path));
    let name = &mistake.name;
    match v.status {
        Status::Pass => Row::fail(
            id,
            "mistake fails",
            format!("mistakes/{name}.rs passes every test ({}): add a test that catches this mistake", mistake.description),
            at,
        ),
        Status::Error => Row::fail(
            id,
            "mistake fails",
            format!(
                "mistakes/{name}.rs does not build ({}): a mistake is a whole solution with one wrong step, and keeps the starter's signatures",
                v.message
            ),
            at,
        ),
        Status::Fail => {
            let caught: Vec<&TestResult> = v.tests.iter().filter(|t| t.status != Status::Pass).collect();
            let names: Vec<String> = caught.iter().map(|t| qualified(t)).collect();
            let first = caught.iter().find(|t| t.visibility == Visibility::Visible).or(caught.first()).expect("a failing verdict has a failing test");
            let detail = format!("{name} ({}): caught by {}; a learner reads: {}", mistake.description, names.join(", "), one_line(&first.message));
            if caught.iter().all(|t| t.visibility == Visibility::Hidden) {
                Row::note(id, "mistake fails", format!("{detail} — only hidden tests catch it, so the visible tests give no hint of it"), at)
            } else {
                Row::pass(id, "mistake fails", detail)
            }
        }
    }
}

/// The first line of a message, cut to a length a report row can hold.
fn one_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    match line.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

fn starter_rows(ex: &Exercise, v: &Verdict) -> Vec<Row> {
    let id = ex.id();
    let mut rows = Vec::new();
    if v.status == Status::Error {
        rows.extend(compile_rows(ex, "starter compiles", "the starter must compile, so learners start from working code", v));
        return rows;
    }
    rows.push(Row::pass(id, "starter compiles", format!("built in {:.1} s", v.build_seconds)));
    let failed = v.tests.iter().filter(|t| t.status != Status::Pass).count();
    if failed == 0 {
        rows.push(Row::fail(
            id,
            "starter fails",
            format!(
                "starter passes all {} tests: learners would score without writing code; make it return a wrong value (with a `// TODO`) so at least one test fails",
                v.tests.len()
            ),
            Some(Location::file(&ex.starter())),
        ));
    } else {
        rows.push(Row::pass(id, "starter fails", format!("fails {failed} of {} tests as shipped", v.tests.len())));
    }
    rows
}

fn reference_rows(ex: &Exercise, v: &Verdict) -> Vec<Row> {
    let id = ex.id();
    let mut rows = Vec::new();
    match v.status {
        Status::Error => rows.extend(compile_rows(ex, "reference passes", "the reference does not compile", v)),
        Status::Fail => {
            for t in v.tests.iter().filter(|t| t.status != Status::Pass) {
                rows.push(Row::fail(
                    id,
                    "reference passes",
                    format!("reference fails {}: {} — fix the test or solution.rs", qualified(t), t.message),
                    Some(test_location(ex, t)),
                ));
            }
        }
        Status::Pass => {
            let hidden = v.tests.iter().filter(|t| t.visibility == Visibility::Hidden).count();
            rows.push(Row::pass(
                id,
                "reference passes",
                format!("all {} tests pass ({} visible, {hidden} hidden) in {:.1} s", v.tests.len(), v.tests.len() - hidden, v.seconds),
            ));
        }
    }
    let limit = ex.meta.limits.test_seconds;
    for t in v.tests.iter().filter(|t| t.status == Status::Pass && t.seconds > SLOW_SHARE * limit) {
        rows.push(Row::warn(
            id,
            "timing",
            format!(
                "reference takes {:.1} s of the {limit} s limit in {}: a correct but slower solution may time out; raise [limits] test_seconds or make the test smaller",
                t.seconds,
                qualified(t)
            ),
            Some(test_location(ex, t)),
        ));
    }
    rows
}

/// Up to three compile errors, each at its place in the exercise's own files (the build
/// copies of the test files keep every line and column, so only the path changes).
fn compile_rows(ex: &Exercise, check: &str, what: &str, v: &Verdict) -> Vec<Row> {
    let id = ex.id();
    let mut rows: Vec<Row> = v
        .compile_errors
        .iter()
        .take(3)
        .map(|d| {
            let location = d.file.as_ref().map(|f| Location {
                file: match f.as_str() {
                    "src/tests.rs" => ex.visible_tests(),
                    "src/hidden.rs" => ex.hidden_tests(),
                    other => other.into(),
                },
                line: d.line,
                column: d.column,
            });
            Row::fail(id, check, format!("{what}: {}", d.message), location)
        })
        .collect();
    if rows.is_empty() {
        rows.push(Row::fail(id, check, format!("{what}: {}", v.message), None));
    }
    if v.compile_errors.len() > 3 {
        rows.push(Row::fail(id, check, format!("… and {} more compile errors", v.compile_errors.len() - 3), None));
    }
    rows
}

fn calibration_row(ex: &Exercise, test: &TestResult, records: &[(u64, &TrainingRecord)]) -> Row {
    let id = ex.id();
    let location = Some(test_location(ex, test));
    let Some((_, first)) = records.first() else {
        return Row::fail(id, "calibration", format!("{}: no training record", test.name), location);
    };
    let at_most = first.goal == crate::verdict::Goal::AtMost;
    let relation = if at_most { "≤" } else { "≥" };
    let threshold = first.threshold;
    let explicit = ex.meta.calibration.min_margin;
    let required = required_margin(threshold, explicit);
    let values: Vec<String> = records
        .iter()
        .map(|(seed, r)| format!("{seed}:{}", r.value.map(number).unwrap_or_else(|| "diverged".into())))
        .collect();
    let seeds = records.iter().map(|(s, _)| *s).max().unwrap_or(0);
    let worst = records
        .iter()
        .map(|(seed, r)| (*seed, r.margin().unwrap_or(f64::NEG_INFINITY)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("at least one record");
    let share = if threshold != 0.0 { format!(" ({:.1}% of |threshold|)", 100.0 * worst.1 / threshold.abs()) } else { String::new() };
    let rule = match explicit {
        Some(m) => format!("[calibration] min_margin = {}", number(m)),
        None => "5% of |threshold|, at least 1e-6".to_string(),
    };
    let detail = format!(
        "{}: {} {relation} {} over seeds 0–{seeds} (seed:value {}); smallest margin {} at seed {}{share}, needs ≥ {} ({rule})",
        test.name,
        first.metric,
        number(threshold),
        values.join(" "),
        number(worst.1),
        worst.0,
        number(required),
    );
    if worst.1 >= required {
        return Row::pass(id, "calibration", detail);
    }
    let values: Vec<f64> = records.iter().filter_map(|(_, r)| r.value).collect();
    let suggestion = suggest_threshold(at_most, &values, explicit)
        .map(|t| format!("loosen the threshold to about {}, ", number(t)))
        .unwrap_or_default();
    Row::fail(
        id,
        "calibration",
        format!(
            "{detail} — too thin to be reliable: {suggestion}train longer, or, if this margin is truly safe, set [calibration] min_margin in exercise.toml"
        ),
        location,
    )
}

/// A threshold the observed values would clear with the required margin.
fn suggest_threshold(at_most: bool, values: &[f64], explicit: Option<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let worst = if at_most { values.iter().cloned().fold(f64::MIN, f64::max) } else { values.iter().cloned().fold(f64::MAX, f64::min) };
    let floor = super::DEFAULT_MARGIN_FLOOR;
    let relative = super::DEFAULT_RELATIVE_MARGIN;
    match (explicit, at_most) {
        (Some(m), true) => Some(worst + m),
        (Some(m), false) => Some(worst - m),
        (None, true) if worst >= 0.0 => Some((worst / (1.0 - relative)).max(worst + floor) * 1.01),
        (None, false) if worst > 0.0 => Some((worst / (1.0 + relative)).min(worst - floor) * 0.99),
        _ => None,
    }
}

/// Compact, readable numbers with four significant digits: 0.9512, 0.00102, 1.234e-7.
fn number(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if (1e-3..1e5).contains(&x.abs()) {
        let decimals = (3 - x.abs().log10().floor() as i32).max(0) as usize;
        let s = format!("{x:.decimals$}");
        let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
        s.to_string()
    } else {
        format!("{x:.3e}")
    }
}

fn qualified(t: &TestResult) -> String {
    let module = if t.visibility == Visibility::Hidden { "hidden" } else { "tests" };
    format!("{module}::{}", t.name)
}

/// The line of the test function in tests.rs or hidden.rs.
fn test_location(ex: &Exercise, t: &TestResult) -> Location {
    let file = if t.visibility == Visibility::Hidden { ex.hidden_tests() } else { ex.visible_tests() };
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let line = text.lines().position(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("pub ").unwrap_or(l);
        l.strip_prefix("fn ").is_some_and(|rest| {
            rest.strip_prefix(t.name.as_str()).is_some_and(|after| after.starts_with('(') || after.starts_with('<'))
        })
    });
    match line {
        Some(i) => Location::line(&file, i + 1),
        None => Location::file(&file),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_short() {
        assert_eq!(number(0.95), "0.95");
        assert_eq!(number(10.0), "10");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(0.00102), "0.00102");
        assert_eq!(number(12345.6), "12346");
        assert_eq!(number(0.0475), "0.0475");
        assert_eq!(number(1e-4), "1.000e-4");
        assert_eq!(number(-2.5e-7), "-2.500e-7");
    }

    #[test]
    fn a_suggested_threshold_clears_the_worst_value_by_the_rule() {
        // Loss thresholds: above the worst (largest) value by at least 5% of themselves.
        let t = suggest_threshold(true, &[0.08, 0.095, 0.09], None).unwrap();
        assert!(t - 0.095 >= 0.05 * t, "{t}");
        // Accuracy thresholds: below the worst (smallest) value.
        let t = suggest_threshold(false, &[0.93, 0.91], None).unwrap();
        assert!(0.91 - t >= 0.05 * t, "{t}");
        assert_eq!(suggest_threshold(false, &[0.93, 0.91], Some(0.01)), Some(0.91 - 0.01));
        assert_eq!(suggest_threshold(false, &[-1.0], None), None);
    }
}
