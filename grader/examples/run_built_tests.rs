//! Runs tests of an already built submission program through the grader's own spawn
//! path (limits, pipes, sandbox, classification) and prints each result as one JSON line.
//! For checks on a machine without cargo, such as a GPU machine (`scripts/gpu-check`):
//!
//!     run_built_tests <program> <device> <module::test>...
//!
//! `MEMORY_MB` and `TEST_SECONDS` override the default limits.

use nma_grader::build::TestFn;
use nma_grader::course::Limits;
use nma_grader::run::{run_test, RunSettings};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: run_built_tests <program> <auto|cpu|cuda> <module::test>...");
        std::process::exit(2);
    }
    let program = std::fs::canonicalize(&args[1]).expect("the program exists");
    let defaults = Limits::default();
    let limits = Limits {
        memory_mb: std::env::var("MEMORY_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(defaults.memory_mb),
        test_seconds: std::env::var("TEST_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(defaults.test_seconds),
        ..defaults
    };
    let scratch = tempfile::tempdir().expect("a scratch folder");
    for test in &args[3..] {
        let (module, name) = test.split_once("::").expect("tests are named module::name");
        let module = if module == "hidden" { "hidden" } else { "tests" };
        let test = TestFn { module, name: name.to_string(), code: String::new() };
        let settings = RunSettings {
            limits: &limits,
            scratch: scratch.path(),
            learner_path: Path::new("exercise.rs"),
            points: &|_| 1.0,
            seed: None,
            device: Some(&args[2]),
        };
        match run_test(&program, &test, &settings, &|_, _| {}) {
            Ok(result) => println!("{}", serde_json::to_string(&result).expect("a result serializes")),
            Err(e) => println!("{{\"name\":\"{name}\",\"grade_error\":{}}}", serde_json::to_string(&format!("{e:#}")).unwrap()),
        }
    }
}
