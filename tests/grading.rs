//! End-to-end grading: broken submissions get the verdict a learner needs — through
//! `nma_grader::grade`, the same call the tutor makes, and through the `nma-tutor grade`
//! command. (That every starter fails and every reference passes is checked by
//! `nma-tutor author check`, in tests/author.rs.)
//!
//! The first grade builds the engine into the shared grading target (a minute or two);
//! the rest reuse it.

use nma_grader::{BuildPaths, Course, FailureKind, Status, Verdict};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn course() -> Course {
    Course::load(&repo()).expect("the repository's course loads")
}

fn grade_file(exercise_id: &str, file: &Path, slot: &str, test_seconds: Option<f64>) -> Verdict {
    grade_with_limits(exercise_id, file, slot, |limits| {
        if let Some(limit) = test_seconds {
            limits.test_seconds = limit;
        }
    })
}

fn grade_with_limits(exercise_id: &str, file: &Path, slot: &str, adjust: impl FnOnce(&mut nma_grader::course::Limits)) -> Verdict {
    let course = course();
    let mut exercise = course.exercise(exercise_id).unwrap().clone();
    adjust(&mut exercise.meta.limits);
    let paths = BuildPaths::for_course(&course);
    nma_grader::grade(&course, &exercise, file, &paths, slot, &mut |_| {}).expect("a verdict")
}

/// How many tests `w2d2_output_shape` has, and its points: the exercise's own tests grow.
fn output_shape_tests() -> (usize, f64) {
    let course = course();
    let exercise = course.exercise("w2d2_output_shape").unwrap();
    let tests = nma_grader::build::test_functions(exercise).unwrap();
    let points = tests.iter().map(|t| exercise.meta.points.for_test(&t.name)).sum();
    (tests.len(), points)
}

fn submission(name: &str) -> PathBuf {
    repo().join("tests/submissions/w2d2_output_shape").join(name)
}

fn describe(v: &Verdict) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[test]
fn a_compile_error_points_at_the_learners_line() {
    let file = submission("compile_error.rs");
    let v = grade_file("w2d2_output_shape", &file, "compile-error", None);
    assert_eq!(v.status, Status::Error, "{}", describe(&v));
    assert_eq!(v.score, 0.0);
    let first = v.compile_errors.first().expect("diagnostics are kept");
    assert_eq!(first.file.as_deref(), Some(file.to_str().unwrap()), "{}", describe(&v));
    assert_eq!(first.line, Some(4));
    assert!(first.message.contains("mismatched types"), "{}", first.message);
    assert!(first.rendered.contains(file.to_str().unwrap()), "rendered text names the learner's file");
    assert!(v.message.starts_with("Your code does not compile"), "{}", v.message);
    assert!(v.tests.iter().all(|t| t.status == Status::Error), "no test counts as run");
}

#[test]
fn an_endless_loop_times_out_without_losing_other_results() {
    let v = grade_file("w2d2_output_shape", &submission("infinite_loop.rs"), "loop", Some(1.0));
    assert_eq!(v.status, Status::Fail, "{}", describe(&v));
    assert!(v.tests.iter().all(|t| t.kind == Some(FailureKind::Timeout)), "{}", describe(&v));
    assert!(v.tests[0].message.contains("did not finish in time"), "{}", v.tests[0].message);
    assert_eq!(v.tests.len(), output_shape_tests().0, "every test has its own result");
}

#[test]
fn a_panic_in_learner_code_names_the_file_and_line() {
    let file = submission("panics.rs");
    let v = grade_file("w2d2_output_shape", &file, "panic", None);
    assert_eq!(v.status, Status::Fail, "{}", describe(&v));
    let t = &v.tests[0];
    assert_eq!(t.kind, Some(FailureKind::Panic), "{}", describe(&v));
    assert!(t.message.contains(&format!("{}:5:", file.display())), "{}", t.message);
    assert!(t.message.contains("index out of bounds"), "{}", t.message);
}

#[test]
fn a_wrong_answer_says_expected_and_got() {
    let v = grade_file("w2d2_output_shape", &submission("wrong_answer.rs"), "wrong", None);
    assert_eq!(v.status, Status::Fail, "{}", describe(&v));
    let padded = v.tests.iter().find(|t| t.name == "padding_of_2_keeps_a_28x28_image_the_same_size_under_a_5x5_kernel").unwrap();
    assert_eq!(padded.kind, Some(FailureKind::WrongAnswer));
    assert!(padded.message.contains("26") && padded.message.contains("28"), "{}", padded.message);
    // Without padding the mistake does not matter, so that test passes: partial credit.
    let plain = v.tests.iter().find(|t| t.name == "a_3x3_kernel_shrinks_a_5x5_image_to_3x3").unwrap();
    assert_eq!(plain.status, Status::Pass);
    assert!(v.score > 0.0 && v.score < v.max_score);
}

#[test]
fn exiting_early_or_printing_a_fake_result_never_passes() {
    for (name, slot) in [("early_exit.rs", "exit"), ("forged_result.rs", "forged")] {
        let v = grade_file("w2d2_output_shape", &submission(name), slot, None);
        assert_eq!(v.score, 0.0, "{name}: {}", describe(&v));
        for t in &v.tests {
            assert_eq!(t.kind, Some(FailureKind::Crashed), "{name}: {}", describe(&v));
            assert!(t.message.contains("exited"), "{}", t.message);
        }
    }
}

/// Every hostile submission gets a verdict, scores nothing, and the named kind.
#[test]
fn hostile_submissions_are_contained_and_score_nothing() {
    let _ = std::fs::remove_file("/tmp/nma-tutor-escape-marker");
    let cases: &[(&str, Option<FailureKind>, &str)] = &[
        ("alloc_bomb.rs", Some(FailureKind::OutOfMemory), "Ran out of memory"),
        ("fork_attempt.rs", Some(FailureKind::Panic), "starting a process was refused"),
        ("stdout_flood.rs", Some(FailureKind::OutputLimit), "printed more than"),
        ("reads_hidden_at_runtime.rs", None, ""),
        ("forged_via_fd.rs", Some(FailureKind::Crashed), "exited"),
        ("network_attempt.rs", Some(FailureKind::Panic), "network blocked"),
        ("writes_outside.rs", Some(FailureKind::Panic), "writing outside was refused"),
        // getcwd, stat and getdents were never on the old denylist: refused now because
        // they are not on the allowlist.
        ("probes_system_calls.rs", None, ""),
    ];
    for (name, kind, message) in cases {
        let v = grade_with_limits("w2d2_output_shape", &submission(name), &format!("hostile-{name}"), |l| {
            l.memory_mb = 256;
            l.test_seconds = 5.0;
        });
        match kind {
            Some(kind) => {
                assert_eq!(v.score, 0.0, "{name} must score nothing: {}", describe(&v));
                for t in &v.tests {
                    assert_eq!(t.kind, Some(*kind), "{name}: {}", describe(&v));
                    assert!(t.message.contains(message), "{name}: {}", t.message);
                }
            }
            // Reading files is refused quietly, so the honest arithmetic in it passes.
            None => assert_eq!(v.status, Status::Pass, "{name}: {}", describe(&v)),
        }
    }
    assert!(!Path::new("/tmp/nma-tutor-escape-marker").exists(), "nothing was written outside");
}

#[test]
fn compile_time_file_access_and_unsafe_code_are_refused_with_a_clear_message() {
    let file = submission("include_hidden.rs");
    let v = grade_file("w2d2_output_shape", &file, "include", None);
    assert_eq!(v.status, Status::Error, "{}", describe(&v));
    let d = &v.compile_errors[0];
    assert_eq!((d.line, d.column), (Some(2), Some(22)));
    assert!(d.message.contains("`include_str!` reads files while compiling"), "{}", d.message);
    assert!(v.message.contains("include_str!"), "{}", v.message);

    let v = grade_file("w2d2_output_shape", &submission("unsafe_code.rs"), "unsafe", None);
    assert_eq!(v.status, Status::Error, "{}", describe(&v));
    assert!(v.compile_errors.iter().any(|d| d.message.contains("unsafe")), "{}", describe(&v));
}

#[test]
fn the_grade_command_prints_one_json_verdict_and_exits_zero() {
    let workspace = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_nma-tutor");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .arg("--workspace")
            .arg(workspace.path())
            .output()
            .expect("the binary runs")
    };

    // The learner's own copy is seeded from the starter on first use, and fails.
    let out = run(&["grade", "w2d2_output_shape", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_eq!(v["status"], "fail");
    assert!(v["score"].as_f64().unwrap() < v["max_score"].as_f64().unwrap());
    let tests = v["tests"].as_array().unwrap();
    assert_eq!(tests.len(), output_shape_tests().0);
    for t in tests {
        assert!(t["name"].is_string() && t["status"].is_string() && t["message"].is_string(), "{t}");
    }
    let mine = workspace.path().join("exercises/w2d2_output_shape.rs");
    assert!(mine.is_file(), "the workspace copy exists");

    // Another file can be graded with --file, and a compile error is still a verdict (exit 0).
    let broken = submission("compile_error.rs");
    let out = run(&["grade", "w2d2_output_shape", "--file", broken.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "error");

    // `list` shows the attempt recorded by the first grade.
    let out = run(&["list", "--json"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = rows.as_array().unwrap().iter().find(|r| r["id"] == "w2d2_output_shape").unwrap();
    assert_eq!(row["state"], "attempted");

    // An unknown exercise is the grader's own error: non-zero exit, reason on stderr.
    let out = run(&["grade", "no_such_exercise", "--json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no exercise called `no_such_exercise`"));
}

#[test]
fn grade_batch_writes_results_and_a_summary_resumes_and_merges_shards() {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("cohort");
    std::fs::create_dir_all(subs.join("dana")).unwrap();
    std::fs::create_dir_all(subs.join("erin")).unwrap();
    let ex = repo().join("exercises/w2d2_output_shape");
    std::fs::copy(ex.join("solution.rs"), subs.join("ana.rs")).unwrap();
    std::fs::copy(submission("wrong_answer.rs"), subs.join("ben.rs")).unwrap();
    std::fs::copy(submission("compile_error.rs"), subs.join("cy.rs")).unwrap();
    std::fs::copy(ex.join("solution.rs"), subs.join("dana/w2d2_output_shape.rs")).unwrap();
    // erin's folder is empty: still a row in the summary, as an error.
    let bin = env!("CARGO_BIN_EXE_nma-tutor");
    let batch = |extra: &[&str], out: &Path| {
        let out = std::process::Command::new(bin)
            .args(["--workspace", dir.path().join("ws").to_str().unwrap(), "grade-batch", "w2d2_output_shape"])
            .arg(&subs)
            .arg("--out")
            .arg(out)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };

    let out = dir.path().join("out");
    let said = batch(&["--jobs", "2", "--format", "exercism"], &out);
    assert!(said.contains("graded 5 submission(s)") && said.contains("2 pass"), "{said}");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let rows: Vec<Vec<&str>> = summary.lines().skip(1).map(|l| l.splitn(6, ',').collect()).collect();
    let status: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    assert_eq!(status, vec![("ana", "pass"), ("ben", "fail"), ("cy", "error"), ("dana", "pass"), ("erin", "error")]);
    let full = format!("{:.1}", output_shape_tests().1);
    assert_eq!(rows[0][2..4], [full.as_str(), full.as_str()]);
    assert!(rows[4][5].contains("no .rs file"), "{summary}");
    let exercism: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("exercism/ben.json")).unwrap()).unwrap();
    assert_eq!((exercism["version"].as_u64(), exercism["status"].as_str()), (Some(3), Some("fail")));

    // A rerun resumes: nothing left to do. --force grades everything again.
    let said = batch(&[], &out);
    assert!(said.contains("graded 0 submission(s)") && said.contains("skipped 5"), "{said}");
    let said = batch(&["--force"], &out);
    assert!(said.contains("graded 5 submission(s)"), "{said}");

    // Two shards into separate folders, then merged: the same summary as one run.
    let (s1, s2) = (dir.path().join("s1"), dir.path().join("s2"));
    batch(&["--shard", "1/2"], &s1);
    batch(&["--shard", "2/2"], &s2);
    let in_s1 = std::fs::read_dir(s1.join("results")).unwrap().count();
    let in_s2 = std::fs::read_dir(s2.join("results")).unwrap().count();
    assert_eq!((in_s1, in_s2), (3, 2), "round-robin shares");
    assert!(s1.join("summary.shard-1-of-2.csv").is_file());
    let merged = dir.path().join("merged");
    let out = std::process::Command::new(bin).arg("merge").arg(&s1).arg(&s2).arg("--out").arg(&merged).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let merged_rows: Vec<String> = std::fs::read_to_string(merged.join("summary.csv")).unwrap().lines().map(|l| l.split(',').take(4).collect::<Vec<_>>().join(",")).collect();
    let single_rows: Vec<String> = summary.lines().map(|l| l.split(',').take(4).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(merged_rows, single_rows);
}

#[test]
fn training_runs_report_their_curve_and_divergence_or_shortfall() {
    let ex = "w1d2_narrow_net";
    let dir = repo().join("tests/submissions").join(ex);
    let headline = "learns_the_product_from_a_random_start";

    // The reference: a loss curve, the metric against its threshold, streamed live.
    let course = course();
    let exercise = course.exercise(ex).unwrap();
    let mut streamed = 0;
    let v = nma_grader::grade(&course, exercise, &exercise.solution(), &BuildPaths::for_course(&course), "train-ref", &mut |e| {
        if let nma_grader::GradeEvent::Training { test, .. } = e {
            assert_eq!(test, headline);
            streamed += 1;
        }
    })
    .unwrap();
    assert_eq!(v.status, Status::Pass, "{}", describe(&v));
    let t = v.tests.iter().find(|t| t.name == headline).unwrap();
    let run = t.training.as_ref().expect("the training record is kept");
    assert_eq!((run.metric.as_str(), run.steps, run.losses.len()), ("final loss", 100, 100));
    assert!(run.margin().unwrap() > 0.0 && run.value.unwrap() < 1e-6, "{run:?}");
    assert!(streamed >= 1, "losses are streamed while the test runs");

    // Forgetting the average makes the steps 41 times too big: the loss blows up.
    let v = grade_file(ex, &dir.join("diverges.rs"), "train-div", None);
    let t = v.tests.iter().find(|t| t.name == headline).unwrap();
    assert_eq!(t.kind, Some(FailureKind::Diverged), "{}", describe(&v));
    let at = t.training.as_ref().unwrap().diverged_at.expect("the step is known");
    assert!(t.message.contains(&format!("at step {at}")), "{}", t.message);

    // Stopping early: the run ends above the threshold, and the curve is kept.
    let v = grade_file(ex, &dir.join("stops_early.rs"), "train-short", None);
    let t = v.tests.iter().find(|t| t.name == headline).unwrap();
    assert_eq!(t.kind, Some(FailureKind::BelowThreshold), "{}", describe(&v));
    assert!(t.message.starts_with("final loss reached") && t.message.contains("needs at most 0.0001"), "{}", t.message);
    assert!(t.training.as_ref().unwrap().margin().unwrap() < 0.0);
}

/// A compile error whose every diagnostic points into the learner's own file.
fn assert_refused_in_own_file(v: &Verdict, file: &Path, what: &str) {
    assert_eq!(v.status, Status::Error, "{what}: {}", describe(v));
    assert_eq!(v.score, 0.0);
    assert!(!v.compile_errors.is_empty(), "{what}: {}", describe(v));
    for d in &v.compile_errors {
        assert_eq!(d.file.as_deref(), Some(file.to_str().unwrap()), "{what}: every error is in the learner's file: {}", describe(v));
    }
}

#[test]
fn a_learner_file_cannot_name_the_harness_the_test_tables_or_the_hidden_tests() {
    let file = submission("names_harness.rs");
    let v = grade_file("w2d2_output_shape", &file, "boundary", None);
    assert_refused_in_own_file(&v, &file, "the harness");
    assert!(v.compile_errors.iter().any(|d| d.message.contains("nma_harness")), "{}", describe(&v));

    let file = submission("names_test_tables.rs");
    let v = grade_file("w2d2_output_shape", &file, "boundary", None);
    assert_refused_in_own_file(&v, &file, "the test tables");
    let lines: Vec<usize> = v.compile_errors.iter().filter_map(|d| d.line).collect();
    assert!(lines.contains(&4) && lines.contains(&5), "both the visible tables and the hidden module are out of reach: {}", describe(&v));
}

#[test]
fn look_alike_assertions_cannot_stand_in_for_the_tests() {
    // Re-exported under the assertions' names: the tests still use std's.
    let v = grade_file("w2d2_output_shape", &submission("shadows_assertions.rs"), "lookalike", None);
    assert_eq!((v.status, v.score), (Status::Fail, 0.0), "{}", describe(&v));
    assert!(v.tests.iter().all(|t| t.kind == Some(FailureKind::WrongAnswer)), "{}", describe(&v));

    let file = submission("exported_macro.rs");
    let v = grade_file("w2d2_output_shape", &file, "lookalike", None);
    assert_refused_in_own_file(&v, &file, "an exported macro");
    assert!(v.message.contains("macro_export"), "{}", v.message);
}

#[test]
fn compile_time_bombs_end_in_an_error_verdict_within_the_build_limits() {
    let file = submission("compile_time_memory_bomb.rs");
    let started = std::time::Instant::now();
    let v = grade_with_limits("w2d2_output_shape", &file, "bomb", |l| {
        l.build_memory_mb = 1024;
        l.build_seconds = 60.0;
    });
    assert_eq!((v.status, v.score), (Status::Error, 0.0), "{}", describe(&v));
    assert!(v.message.contains("more than the build's limits") && v.message.contains("1024 MB"), "{}", v.message);
    let peak = v.build_memory_mb.expect("the build's peak memory is measured");
    assert!(peak > 100.0 && peak < 1024.0, "peak {peak} MB stays under the limit");
    assert!(v.tests.iter().all(|t| t.status == Status::Error && t.message.contains("build was stopped")), "{}", describe(&v));
    println!("memory bomb: error after {:.1} s, build peak {peak:.0} MB", started.elapsed().as_secs_f64());

    // Silent: rustc evaluates a constant forever and prints nothing.
    let started = std::time::Instant::now();
    let v = grade_with_limits("w2d2_output_shape", &submission("compile_time_endless_loop.rs"), "bomb", |l| l.build_seconds = 4.0);
    assert_eq!(v.status, Status::Error, "{}", describe(&v));
    assert!(v.message.contains("longer than 4 s to compile"), "{}", v.message);
    let took = started.elapsed().as_secs_f64();
    assert!(took < 20.0, "stopped by the watchdog soon after the limit, not by rustc: {took:.1} s");
    println!("silent endless build: error after {took:.1} s");
}

#[test]
fn a_flood_of_compile_errors_gives_a_small_verdict_that_counts_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flood.rs");
    let mut source = String::from("pub fn output_shape(i: [usize; 2], _k: [usize; 2], _s: usize, _p: usize) -> [usize; 2] { i }\n");
    for n in 0..10_000 {
        source.push_str(&format!("pub const C{n}: u8 = \"not a number\";\n"));
    }
    std::fs::write(&file, source).unwrap();
    let v = grade_file("w2d2_output_shape", &file, "flood", None);
    assert_eq!(v.status, Status::Error, "{}", v.message);
    assert!(v.message.contains("10000 errors") && v.message.contains("the first 50"), "{}", v.message);
    assert_eq!(v.compile_errors.len(), 50);
    let size = serde_json::to_string(&v).unwrap().len();
    assert!(size < 1_000_000, "verdict is {size} bytes");
    for format in [nma_grader::report::Format::Gradescope, nma_grader::report::Format::Exercism] {
        let size = nma_grader::report::render(&v, format, &[]).to_string().len();
        assert!(size < 1_000_000, "{format:?} export is {size} bytes");
    }
}

#[test]
fn a_file_that_is_not_utf8_gets_a_verdict_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.rs");
    std::fs::write(&file, b"pub fn output_shape() {}\n// caf\xe9\n").unwrap();
    let v = grade_file("w2d2_output_shape", &file, "utf8", None);
    assert_eq!((v.status, v.score), (Status::Error, 0.0), "{}", describe(&v));
    assert!(v.message.contains("not UTF-8") && v.message.contains("line 2"), "{}", v.message);
    assert_eq!(v.tests.len(), output_shape_tests().0, "every test is listed as not run");
}

/// Eight `nma-tutor grade` processes of one exercise, one build slot, one workspace,
/// started at once with eight different files: each verdict is the one its file gets
/// alone. (Progress saved by processes at once: `workspace`'s own tests.)
#[test]
fn eight_grades_at_once_each_get_their_own_files_verdict() {
    let solution = repo().join("exercises/w2d2_output_shape/solution.rs");
    let starter = repo().join("exercises/w2d2_output_shape/starter.rs");
    let files: Vec<PathBuf> = vec![
        solution.clone(),
        submission("wrong_answer.rs"),
        submission("early_exit.rs"),
        submission("compile_error.rs"),
        solution,
        submission("panics.rs"),
        starter,
        submission("shadows_assertions.rs"),
    ];
    let alone: Vec<(Status, f64)> = files
        .iter()
        .map(|f| {
            let v = grade_file("w2d2_output_shape", f, "alone", None);
            (v.status, v.score)
        })
        .collect();
    assert!(alone.iter().any(|a| a.0 == Status::Pass) && alone.iter().any(|a| a.0 == Status::Error), "a mix: {alone:?}");

    let workspace = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_nma-tutor");
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            std::process::Command::new(bin)
                .arg("--workspace")
                .arg(workspace.path())
                .args(["grade", "w2d2_output_shape", "--json", "--file"])
                .arg(f)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for ((child, file), expected) in children.into_iter().zip(&files).zip(&alone) {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: Verdict = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!((v.status, v.score), *expected, "{} graded at the same time as seven others: {}", file.display(), describe(&v));
    }
}

#[test]
fn a_type_that_equals_anything_cannot_stand_in_for_the_answer() {
    let file = submission("returns_a_liar.rs");
    let v = grade_file("w2d2_output_shape", &file, "liar", None);
    assert_refused_in_own_file(&v, &file, "a return type of its own");
    let d = &v.compile_errors[0];
    assert_eq!(d.line, Some(12), "points at the learner's `fn output_shape`: {}", describe(&v));
    assert!(d.message.contains("`output_shape` must keep the starter's type") && d.message.contains("-> [usize; 2]"), "{}", d.message);
}

#[test]
fn a_flood_of_output_and_an_enormous_panic_message_still_give_a_verdict_under_a_megabyte() {
    let v = grade_file("w2d2_output_shape", &submission("huge_panic_message.rs"), "huge", None);
    assert_eq!((v.status, v.score), (Status::Fail, 0.0), "{}", v.message);
    assert!(v.tests.iter().all(|t| t.kind == Some(FailureKind::Panic) && t.message.len() <= 4200), "messages are cut");
    let size = serde_json::to_string(&v).unwrap().len();
    assert!(size < 1_000_000, "verdict is {size} bytes");
    assert!(v.tests[0].message.starts_with("Your code panicked at"), "{}", &v.tests[0].message[..100]);
}
