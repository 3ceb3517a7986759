//! `nma-tutor author`: the course check over a deliberately broken course and over the
//! real one (this is how the test suite proves every exercise's starter fails and every
//! reference passes), and the scaffolds.
//!
//! Builds share the repository's grading target (`target/grading`), where the engine is
//! built once; every crate here has its own exercise id, so tests running at the same time
//! never share a crate folder.

use nma_grader::Course;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn tutor(course: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nma-tutor"))
        .arg("--course")
        .arg(course)
        .args(args)
        .env_remove("NMA_WORKSPACE")
        .env_remove("NMA_BUILD_DIR")
        .env_remove("NMA_ENGINE_ROOT")
        .output()
        .expect("the binary runs")
}

fn text(out: &Output) -> String {
    format!("{}\n--- stderr ---\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The check's report as JSON rows.
fn report_rows(out: &Output) -> Vec<Value> {
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)));
    report["rows"].as_array().expect("rows").clone()
}

fn failures(rows: &[Value]) -> Vec<&Value> {
    rows.iter().filter(|r| r["outcome"] == "fail").collect()
}

/// The one failed row for `subject`/`check`, with its file (relative to the course), line,
/// column and a piece of its message.
fn assert_problem(rows: &[Value], subject: &str, check: &str, file: &str, line: Option<u64>, column: Option<u64>, message: &str) {
    let found: Vec<&Value> = failures(rows).into_iter().filter(|r| r["subject"] == subject && r["check"] == check).collect();
    assert_eq!(found.len(), 1, "one `{check}` problem for {subject}, found: {found:#?}");
    let row = found[0];
    let at = &row["location"];
    let path = at["file"].as_str().unwrap_or_default();
    assert!(path.ends_with(file), "{subject}/{check}: file {path}, expected …{file}");
    assert_eq!(at["line"].as_u64(), line, "{subject}/{check} line: {row:#}");
    assert_eq!(at["column"].as_u64(), column, "{subject}/{check} column: {row:#}");
    let detail = row["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(message), "{subject}/{check}: `{detail}` should say `{message}`");
}

#[test]
fn the_check_reports_each_problem_of_a_broken_course_precisely() {
    let course = repo().join("tests/fixtures/broken_course");
    let out = tutor(&course, &["author", "check", "--seeds", "2", "--json"]);
    assert!(!out.status.success(), "a broken course must fail the check: {}", text(&out));
    let rows = report_rows(&out);

    assert_problem(&rows, "w9d1_starter_passes", "starter fails", "exercises/w9d1_starter_passes/starter.rs", None, None, "starter passes all 3 tests");
    assert_problem(
        &rows,
        "w9d1_reference_fails",
        "reference passes",
        "exercises/w9d1_reference_fails/hidden.rs",
        Some(9),
        None,
        "reference fails hidden::doubles_negative_numbers",
    );
    assert_problem(&rows, "w9d1_one_hint", "hints", "exercises/w9d1_one_hint/exercise.toml", Some(7), None, "give at least 2");
    assert_problem(&rows, "w9d1_unknown_key", "metadata", "exercises/w9d1_unknown_key/exercise.toml", Some(8), Some(1), "unknown field `colour`");
    assert_problem(&rows, "w9d1_thin_margin", "calibration", "exercises/w9d1_thin_margin/hidden.rs", Some(5), None, "smallest margin 0.02 at seed 0");
    assert_problem(&rows, "lesson w9d1/bad_front", "front matter", "lessons/w9d1/bad_front.md", Some(4), Some(9), "invalid type: string \"second\"");
    assert_problem(&rows, "lesson w9d1/intro", "links", "lessons/w9d1/intro.md", Some(13), Some(15), "`halving.md` does not exist");
    // Nothing else: exercise links, links inside code, a link to a lesson that exists (even
    // one with broken front matter) and everything the broken exercises do right pass.
    assert_eq!(failures(&rows).len(), 7, "exactly the seven planted problems: {:#?}", failures(&rows));
    let passed = |subject: &str, check: &str| rows.iter().any(|r| r["subject"] == subject && r["check"] == check && r["outcome"] == "pass");
    assert!(passed("w9d1_starter_passes", "reference passes"));
    assert!(passed("w9d1_reference_fails", "starter fails"));
    assert!(passed("w9d1_one_hint", "lesson"));
    let calibration = rows.iter().find(|r| r["subject"] == "w9d1_thin_margin" && r["check"] == "calibration").unwrap();
    assert!(calibration["detail"].as_str().unwrap().contains("seed:value 0:0.97 1:0.97 2:0.97"), "{calibration:#}");

    // The same problems as a table, each with file:line, a list of problems, and the time.
    let out = tutor(&course, &["author", "check", "--seeds", "1"]);
    assert!(!out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("exercise"), "a table with a header: {table}");
    for expected in [
        "exercises/w9d1_unknown_key/exercise.toml:8:1: unknown field `colour`",
        "exercises/w9d1_one_hint/exercise.toml:7: 1 hint",
        "lessons/w9d1/intro.md:13:15: link target `halving.md` does not exist",
        "lessons/w9d1/bad_front.md:4:9: invalid type",
        "exercises/w9d1_reference_fails/hidden.rs:9: reference fails hidden::doubles_negative_numbers: Wrong answer: assertion `left == right` failed: double(-4) left: 8 right: -8",
        "7 problems:",
    ] {
        assert!(table.contains(expected), "the table should contain `{expected}`:\n{table}");
    }
    assert!(table.contains("checked 5 exercises and 2 lessons in "), "{table}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("7 problems found"), "{}", text(&out));

    // Naming one exercise checks only it.
    let out = tutor(&course, &["author", "check", "w9d1_one_hint", "--json"]);
    let rows = report_rows(&out);
    assert!(rows.iter().all(|r| r["subject"] == "w9d1_one_hint"), "{rows:#?}");
    assert_eq!(failures(&rows).len(), 1);
    let out = tutor(&course, &["author", "check", "w9d1_nothing"]);
    assert!(!out.status.success() && text(&out).contains("no exercise or lesson called `w9d1_nothing`"), "{}", text(&out));
}

/// Every exercise of the course: metadata, hints, lessons and links; the starter compiles
/// and fails a test; the reference passes every visible and hidden test; training
/// references clear their thresholds with margin over seeds 1..=5.
#[test]
fn the_real_course_passes_the_check() {
    let out = tutor(&repo(), &["author", "check"]);
    assert!(out.status.success(), "`nma-tutor author check` must pass on the course:\n{}", text(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let course = Course::load(&repo()).unwrap();
    for exercise in &course.exercises {
        for check in ["starter fails", "reference passes"] {
            let row = table.lines().find(|l| l.starts_with(&format!("{} ", exercise.id())) && l.contains(check));
            assert!(row.is_some_and(|l| l.contains(" ok ")), "{} {check}:\n{table}", exercise.id());
        }
    }
}

#[test]
fn scaffolds_fail_the_check_until_written_and_pass_once_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path();
    std::fs::create_dir_all(course.join("exercises")).unwrap();

    let out = tutor(course, &["author", "new-lesson", "w9d9", "basics"]);
    assert!(out.status.success(), "{}", text(&out));
    let lesson_file = course.join("lessons/w9d9/basics.md");
    assert!(String::from_utf8_lossy(&out.stdout).contains("created lessons/w9d9/basics.md"), "{}", text(&out));
    for (slug, kind) in [("unit_demo", "unit"), ("property_demo", "property"), ("training_demo", "training")] {
        let out = tutor(course, &["author", "new-exercise", "w9d9", slug, "--kind", kind, "--lesson", "w9d9/basics"]);
        assert!(out.status.success(), "{}", text(&out));
    }

    // A new lesson and new exercises load like any other course material.
    let loaded = Course::load(course).expect("scaffolds load");
    let lesson = loaded.lesson("w9d9/basics").expect("the new lesson is found by its id");
    assert_eq!((lesson.meta.day.as_str(), lesson.meta.order), ("W9D9", 1));
    assert_eq!(loaded.exercises.len(), 3);
    assert_eq!(loaded.exercise("w9d9_training_demo").unwrap().meta.kind, nma_grader::ExerciseKind::Training);

    // Untouched, they fail the check: only for the placeholders. The examples they carry
    // work — the starter fails, the reference passes, the training reference has margin.
    let out = tutor(course, &["author", "check", "--seeds", "2", "--json"]);
    assert!(!out.status.success(), "an untouched scaffold must not pass: {}", text(&out));
    let rows = report_rows(&out);
    for id in ["w9d9_unit_demo", "w9d9_property_demo", "w9d9_training_demo"] {
        for check in ["metadata", "hints", "files", "starter compiles", "starter fails", "reference passes"] {
            assert!(
                rows.iter().any(|r| r["subject"] == id && r["check"] == check && r["outcome"] == "pass"),
                "{id}: `{check}` should pass: {rows:#?}"
            );
        }
        let placeholders: Vec<&Value> = rows.iter().filter(|r| r["subject"] == id && r["check"] == "placeholders").collect();
        assert_eq!(placeholders.len(), 5, "every file of {id} has placeholders: {placeholders:#?}");
        assert!(placeholders.iter().all(|r| r["outcome"] == "fail" && r["location"]["line"].as_u64().is_some()));
    }
    let toml_row = rows
        .iter()
        .find(|r| r["subject"] == "w9d9_unit_demo" && r["check"] == "placeholders" && r["location"]["file"].as_str().unwrap().ends_with("exercise.toml"))
        .unwrap();
    assert_eq!(toml_row["location"]["line"], 9, "the title is the first placeholder: {toml_row:#}");
    assert!(rows.iter().any(|r| r["subject"] == "w9d9_training_demo" && r["check"] == "calibration" && r["outcome"] == "pass"), "{rows:#?}");
    assert!(rows.iter().any(|r| r["subject"] == "lesson w9d9/basics" && r["check"] == "placeholders" && r["outcome"] == "fail"));
    let problems = failures(&rows);
    assert!(problems.iter().all(|r| r["check"] == "placeholders"), "only placeholders fail: {problems:#?}");

    // Written (here: placeholders replaced, the lesson listing its exercises), they pass.
    for file in walk(course) {
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace("TODO(author)", "Written")).unwrap();
    }
    let lesson_text = std::fs::read_to_string(&lesson_file).unwrap();
    let listed = lesson_text.replace(
        "exercises = []",
        "exercises = [\"w9d9_unit_demo\", \"w9d9_property_demo\", \"w9d9_training_demo\"]",
    ) + "\nNow do `w9d9_unit_demo`, `w9d9_property_demo` and `w9d9_training_demo`.\n";
    std::fs::write(&lesson_file, listed).unwrap();
    let out = tutor(course, &["author", "check", "--seeds", "2"]);
    assert!(out.status.success(), "a written scaffold passes: {}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 problems, 0 warnings"), "{}", text(&out));

    // Known mistakes: the examples are proven to fail, with the tests that caught them and
    // what a learner reads. A "mistake" the tests let pass, one that does not build, and
    // one that does not say what it is are each a failed check.
    let mistakes = course.join("exercises/w9d9_unit_demo/mistakes");
    let reference = std::fs::read_to_string(course.join("exercises/w9d9_unit_demo/solution.rs")).unwrap();
    std::fs::write(mistakes.join("not_a_mistake.rs"), format!("// Looks wrong, is right.\n{reference}")).unwrap();
    std::fs::write(mistakes.join("wrong_type.rs"), "// Returns a number instead of a tensor.\npub fn lerp(_a: f32, _b: f32, _t: f32) -> f32 { 0.0 }\n").unwrap();
    std::fs::write(mistakes.join("undescribed.rs"), "use nma_engine::prelude::*;\npub fn lerp(a: &Tensor, _b: &Tensor, _t: f32) -> Tensor { a.clone() }\n").unwrap();
    let out = tutor(course, &["author", "check", "w9d9_unit_demo", "--json"]);
    assert!(!out.status.success(), "{}", text(&out));
    let rows = report_rows(&out);
    let examples: Vec<&Value> = rows
        .iter()
        .filter(|r| r["check"] == "mistake fails" && r["outcome"] == "pass")
        .filter(|r| ["swapped_ends (", "forgets_one_end ("].iter().any(|name| r["detail"].as_str().unwrap().starts_with(name)))
        .collect();
    assert_eq!(examples.len(), 2, "{rows:#?}");
    for row in &examples {
        let detail = row["detail"].as_str().unwrap();
        assert!(detail.contains("caught by tests::") && detail.contains("a learner reads: "), "{detail}");
    }
    let problems: Vec<String> =
        failures(&rows).iter().map(|r| format!("{} {}", r["check"].as_str().unwrap(), r["detail"].as_str().unwrap())).collect();
    assert!(problems.iter().any(|p| p.contains("not_a_mistake.rs passes every test")), "{problems:#?}");
    assert!(problems.iter().any(|p| p.contains("wrong_type.rs does not build")), "{problems:#?}");
    assert!(problems.iter().any(|p| p.starts_with("mistakes ") && p.contains("undescribed.rs must start with")), "{problems:#?}");
}

#[test]
fn scaffolding_validates_names_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path();
    std::fs::create_dir_all(course.join("exercises")).unwrap();

    let out = tutor(course, &["author", "new-exercise", "W1D4", "momentum"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("write the day in lowercase") && text(&out).contains("`w1d4`"), "{}", text(&out));
    let out = tutor(course, &["author", "new-exercise", "w1d4", "Momentum-SGD"]);
    assert!(!out.status.success() && text(&out).contains("e.g. `momentum_sgd`"), "{}", text(&out));
    let out = tutor(course, &["author", "new-exercise", "w1d4", "momentum", "--kind", "vibes"]);
    assert!(!out.status.success(), "unknown kinds are refused: {}", text(&out));
    assert!(!course.join("exercises/w1d4_momentum").exists(), "nothing written on a refusal");

    let out = tutor(course, &["author", "new-exercise", "w1d4", "momentum"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("author new-lesson w1d4 momentum"), "points at the missing lesson: {}", text(&out));
    let starter = course.join("exercises/w1d4_momentum/starter.rs");
    std::fs::write(&starter, "// the author's work\n").unwrap();
    let out = tutor(course, &["author", "new-exercise", "w1d4", "momentum", "--kind", "training"]);
    assert!(!out.status.success() && text(&out).contains("already exists"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&starter).unwrap(), "// the author's work\n", "never overwritten");

    let lesson = course.join("lessons/w1d4/momentum.md");
    assert!(tutor(course, &["author", "new-lesson", "w1d4", "momentum"]).status.success());
    std::fs::write(&lesson, "mine").unwrap();
    let out = tutor(course, &["author", "new-lesson", "w1d4", "momentum"]);
    assert!(!out.status.success() && text(&out).contains("already exists"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&lesson).unwrap(), "mine");
}

#[test]
fn preview_names_the_lessons_when_the_lesson_is_unknown() {
    let workspace = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nma-tutor"))
        .args(["--workspace", workspace.path().to_str().unwrap(), "author", "preview", "w9d9/nothing"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("no lesson called `w9d9/nothing`"), "{}", text(&out));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
