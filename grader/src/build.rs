//! Assembling a submission crate (learner file + harness + tests) and building it.
//!
//! Every submission of one exercise is built in the same small crate folder and all
//! crates share one cargo target directory, so after the first build of the engine a
//! regrade recompiles only the learner's crate.

use crate::course::{Course, Exercise};
use crate::verdict::Diagnostic;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Name of the learner's module inside the submission crate (and its file `src/<name>.rs`).
pub const LEARNER_MODULE: &str = "exercise";
const BUILD_TIMEOUT: Duration = Duration::from_secs(600);

/// One test found in a test file.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFn {
    /// `tests` or `hidden`.
    pub module: &'static str,
    pub name: String,
    /// The function's source, from `fn` to its closing brace (shown by exporters).
    pub code: String,
}

impl TestFn {
    pub fn path(&self) -> String {
        format!("{}::{}", self.module, self.name)
    }
}

/// Finds `#[test]` functions and returns the source with each `#[test]` blanked out
/// (same length, so line and column numbers in diagnostics stay true): the generated
/// `main` calls the functions itself, and `#[test]` items vanish outside `cargo test`.
pub fn extract_tests(source: &str, module: &'static str) -> (String, Vec<TestFn>) {
    let mut out = String::with_capacity(source.len());
    let mut tests = Vec::new();
    let mut pending = false;
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed == "#[test]" {
            pending = true;
            out.push_str(&line.replace("#[test]", "       "));
            continue;
        }
        if pending {
            if let Some(name) = fn_name(trimmed) {
                tests.push(TestFn { module, name, code: function_text(&lines[i..]) });
                pending = false;
            }
        }
        out.push_str(line);
    }
    (out, tests)
}

/// The lines from a `fn` line up to the line where its braces balance again.
/// Braces inside string literals are skipped, which covers format strings in asserts.
fn function_text(lines: &[&str]) -> String {
    let mut depth = 0i32;
    let mut opened = false;
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            match (in_string, c) {
                (true, _) if escaped => escaped = false,
                (true, '\\') => escaped = true,
                (_, '"') => in_string = !in_string,
                (false, '{') => {
                    depth += 1;
                    opened = true;
                }
                (false, '}') => depth -= 1,
                _ => {}
            }
        }
        if opened && depth <= 0 {
            break;
        }
    }
    text.trim_end().to_string()
}

fn fn_name(line: &str) -> Option<String> {
    let rest = line.strip_prefix("pub ").unwrap_or(line).strip_prefix("fn ")?;
    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// Where grading builds happen.
#[derive(Debug, Clone)]
pub struct BuildPaths {
    /// Parent of one crate folder per exercise.
    pub crates: PathBuf,
    /// The cargo target directory shared by all of them.
    pub target: PathBuf,
}

impl BuildPaths {
    /// The default: everything under the `target/` folder of the course's code root (the
    /// course itself unless [`Course::with_code_root`]), next to the tutor's build, but in
    /// a separate target directory so a running `cargo` on the workspace never holds the
    /// lock a grading build needs.
    pub fn for_course(course: &Course) -> BuildPaths {
        Self::under(&course.code_root.join("target").join("grading"))
    }

    /// Crate folders and target directory under one folder of the caller's choosing.
    pub fn under(base: &Path) -> BuildPaths {
        BuildPaths { crates: base.join("crates"), target: base.join("target") }
    }
}

/// The assembled crate of one submission, ready to build.
#[derive(Debug)]
pub struct SubmissionCrate {
    pub dir: PathBuf,
    pub package: String,
    pub tests: Vec<TestFn>,
}

/// Writes the submission crate for `exercise` with `learner_source` as its learner module.
/// Files are only rewritten when their content changes, so cargo's fingerprints stay warm.
pub fn assemble(
    course: &Course,
    exercise: &Exercise,
    learner_source: &str,
    paths: &BuildPaths,
    slot: &str,
) -> Result<SubmissionCrate> {
    // A slot may be any label (a submission's file name in batch mode): keep it to what
    // a cargo package name allows.
    let slot: String = slot.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let package = format!("nma-sub-{}-{slot}", exercise.id().replace('_', "-"));
    let dir = paths.crates.join(format!("{}-{slot}", exercise.id()));
    let src = dir.join("src");
    std::fs::create_dir_all(&src).with_context(|| format!("cannot create {}", src.display()))?;

    let (visible, hidden, tests) = read_tests(exercise)?;

    let main = format!(
        "// Generated by nma-grader for exercise {id}; do not edit.\n\
         #[forbid(unsafe_code)]\n\
         mod {LEARNER_MODULE};\n\
         #[allow(unused_imports)]\n\
         use {LEARNER_MODULE}::*;\n\
         mod tests;\n\
         mod hidden;\n\n\
         fn main() {{\n    nma_harness::run_from_args(&[tests::NMA_TESTS, hidden::NMA_TESTS], || {{\n        nma_engine::device::prepare().map(|d| d.name().to_string())\n    }});\n}}\n",
        id = exercise.id()
    );
    let visible = visible + &registry(&tests, "tests");
    let hidden = hidden + &registry(&tests, "hidden");
    write_manifest(course, &dir, &package, &[("nma-harness", course.harness_dir())])?;
    write_if_changed(&src.join("main.rs"), &main)?;
    write_if_changed(&src.join(format!("{LEARNER_MODULE}.rs")), learner_source)?;
    write_if_changed(&src.join("tests.rs"), &visible)?;
    write_if_changed(&src.join("hidden.rs"), &hidden)?;
    Ok(SubmissionCrate { dir, package, tests })
}

/// Both test files of an exercise with `#[test]` blanked, and the tests they hold.
fn read_tests(exercise: &Exercise) -> Result<(String, String, Vec<TestFn>)> {
    let visible = std::fs::read_to_string(exercise.visible_tests())
        .with_context(|| format!("cannot read {}", exercise.visible_tests().display()))?;
    let (visible, mut tests) = extract_tests(&visible, "tests");
    let hidden_path = exercise.hidden_tests();
    let hidden = if hidden_path.is_file() {
        std::fs::read_to_string(&hidden_path).with_context(|| format!("cannot read {}", hidden_path.display()))?
    } else {
        String::new()
    };
    let (hidden, hidden_tests) = extract_tests(&hidden, "hidden");
    tests.extend(hidden_tests);
    if tests.is_empty() {
        bail!("exercise {} has no #[test] functions in tests.rs or hidden.rs", exercise.id());
    }
    Ok((visible, hidden, tests))
}

/// The tests of an exercise, visible then hidden, with their source.
pub fn test_functions(exercise: &Exercise) -> Result<Vec<TestFn>> {
    Ok(read_tests(exercise)?.2)
}

/// Writes `Cargo.toml` for a generated crate that builds against the course's engine
/// (plus `extra` path dependencies), with the engine optimised as in every grading build,
/// and seeds its `Cargo.lock` from the course's, so it uses exactly the versions the tutor
/// was built with and never needs the network. Also used by the lesson-snippet test.
pub fn write_manifest(course: &Course, dir: &Path, package: &str, extra: &[(&str, PathBuf)]) -> Result<()> {
    let extra: String = extra.iter().map(|(name, path)| format!("{name} = {{ path = {:?} }}\n", path.display().to_string())).collect();
    let manifest = format!(
        r#"# Generated by nma-grader; do not edit.
[package]
name = "{package}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
nma-engine = {{ path = {engine:?}{engine_features} }}
{extra}
# Its own workspace root, so cargo never mistakes it for a member of the course's.
[workspace]

[profile.dev]
debug = 0
[profile.dev.package.nma-engine]
opt-level = 3
[profile.dev.package.luminal]
opt-level = 3
[profile.dev.package.matrixmultiply]
opt-level = 3
"#,
        engine = course.engine_dir().display().to_string(),
        // A tutor built with CUDA builds submissions with CUDA, so `--device` can pick it.
        engine_features = if cfg!(feature = "cuda") { ", features = [\"cuda\"]" } else { "" },
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        let course_lock = course.code_root.join("Cargo.lock");
        if course_lock.is_file() {
            std::fs::copy(&course_lock, &lock).context("cannot copy Cargo.lock")?;
        }
    }
    Ok(())
}

/// The list of a test module's functions, appended to the end of its file (so no line
/// moves) because test functions are private to their module.
fn registry(tests: &[TestFn], module: &str) -> String {
    let entries: String = tests
        .iter()
        .filter(|t| t.module == module)
        .map(|t| format!("    nma_harness::Test {{ name: \"{}\", run: {} }},\n", t.path(), t.name))
        .collect();
    format!("\n#[doc(hidden)]\npub(crate) const NMA_TESTS: &[nma_harness::Test] = &[\n{entries}];\n")
}

fn write_if_changed(path: &Path, content: &str) -> Result<()> {
    if std::fs::read_to_string(path).map(|old| old == content).unwrap_or(false) {
        return Ok(());
    }
    std::fs::write(path, content).with_context(|| format!("cannot write {}", path.display()))
}

#[derive(Debug)]
pub enum BuildOutcome {
    Built { binary: PathBuf, seconds: f64 },
    CompileError { diagnostics: Vec<Diagnostic>, seconds: f64 },
}

#[derive(Deserialize)]
struct CargoLine {
    reason: String,
    #[serde(default)]
    package_id: String,
    #[serde(default)]
    message: Option<RustcMessage>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    target: Option<CargoTarget>,
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Deserialize)]
struct CargoTarget {
    name: String,
}

#[derive(Deserialize)]
struct RustcMessage {
    level: String,
    message: String,
    #[serde(default)]
    spans: Vec<RustcSpan>,
    #[serde(default)]
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct RustcSpan {
    file_name: String,
    line_start: usize,
    column_start: usize,
    is_primary: bool,
    #[serde(default)]
    text: Vec<RustcSpanText>,
}

#[derive(Deserialize)]
struct RustcSpanText {
    text: String,
}

/// Runs `cargo build` on the submission crate. `learner_path` is the file the learner
/// edits; diagnostics that point into the build copy are mapped back to it.
pub fn build(krate: &SubmissionCrate, paths: &BuildPaths, learner_path: &Path) -> Result<BuildOutcome> {
    let learner_copy = format!("src/{LEARNER_MODULE}.rs");
    let learner_shown = learner_path.display().to_string();
    Ok(match build_crate(&krate.dir, &krate.package, &paths.target)? {
        BuildOutcome::CompileError { diagnostics, seconds } => BuildOutcome::CompileError {
            diagnostics: diagnostics.into_iter().map(|d| d.with_file_renamed(&learner_copy, &learner_shown)).collect(),
            seconds,
        },
        built => built,
    })
}

/// Builds the one-binary crate `package` in `dir` into the `target` directory, offline.
/// Errors in that crate come back as diagnostics (paths as rustc printed them, relative
/// to `dir`); errors in its dependencies — the engine, the harness — and cargo failing
/// are `Err`, since no change to the crate's own code can fix them.
pub fn build_crate(dir: &Path, package: &str, target: &Path) -> Result<BuildOutcome> {
    let start = Instant::now();
    let mut child = Command::new(cargo_program())
        .args(["build", "--offline", "--quiet", "--message-format=json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start `cargo`: is the Rust toolchain installed and on PATH?")?;

    let stderr = child.stderr.take().expect("piped stderr");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).take(64 * 1024).read_to_string(&mut text);
        text
    });

    let stdout = child.stdout.take().expect("piped stdout");
    let mut diagnostics = Vec::new();
    // Errors in the engine or harness are the course's fault, never the learner's.
    let mut foreign_errors = Vec::new();
    let mut binary = None;
    let mut success = false;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let Ok(parsed) = serde_json::from_str::<CargoLine>(&line) else { continue };
        match parsed.reason.as_str() {
            "compiler-message" => {
                if let Some(msg) = parsed.message {
                    if msg.level == "error" {
                        let ours = parsed.package_id.contains(package);
                        let d = to_diagnostic(msg);
                        if ours { diagnostics.push(d) } else { foreign_errors.push(d) }
                    }
                }
            }
            "compiler-artifact" => {
                let ours = parsed.target.as_ref().map(|t| t.name.replace('-', "_")) == Some(package.replace('-', "_"));
                if ours {
                    if let Some(exe) = parsed.executable {
                        binary = Some(exe);
                    }
                }
            }
            "build-finished" => success = parsed.success.unwrap_or(false),
            _ => {}
        }
        if start.elapsed() > BUILD_TIMEOUT {
            let _ = child.kill();
            bail!("the build took longer than {} s and was stopped", BUILD_TIMEOUT.as_secs());
        }
    }
    let status = child.wait().context("cargo did not finish")?;
    let stderr_text = stderr_reader.join().unwrap_or_default();
    let seconds = start.elapsed().as_secs_f64();

    if success && status.success() {
        let binary = binary.context("cargo reported success but named no binary")?;
        return Ok(BuildOutcome::Built { binary, seconds });
    }
    if !foreign_errors.is_empty() {
        let rendered: Vec<&str> = foreign_errors.iter().map(|d| d.rendered.trim_end()).collect();
        bail!("the course's engine does not build, so nothing can be graded; tell your instructor:\n{}", rendered.join("\n"));
    }
    if diagnostics.is_empty() {
        // Not the crate's fault: cargo itself failed (missing toolchain, offline cache...).
        bail!("cargo could not build {package}:\n{}", stderr_text.trim());
    }
    Ok(BuildOutcome::CompileError { diagnostics, seconds })
}

fn to_diagnostic(msg: RustcMessage) -> Diagnostic {
    let primary = msg.spans.iter().find(|s| s.is_primary).or(msg.spans.first());
    let rendered = msg.rendered.unwrap_or_else(|| msg.message.clone());
    Diagnostic {
        level: msg.level,
        file: primary.map(|s| s.file_name.clone()),
        line: primary.map(|s| s.line_start),
        column: primary.map(|s| s.column_start),
        source_lines: primary.map(|s| s.text.iter().map(|t| t.text.clone()).collect()).unwrap_or_default(),
        message: msg.message,
        rendered,
    }
}

/// The cargo that built us when run by `cargo run`/`cargo test`, else the one on PATH.
fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("cargo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_functions_are_found_and_their_attributes_blanked_in_place() {
        let src = "use super::*;\n\n#[test]\nfn adds_up() {\n    assert_eq!(1, 1);\n}\n\nfn helper() {}\n\n  #[test]\n  pub fn second() {}\n";
        let (out, tests) = extract_tests(src, "tests");
        let names: Vec<&str> = tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, vec!["adds_up", "second"]);
        assert!(tests.iter().all(|t| t.module == "tests"));
        assert_eq!(tests[0].code, "fn adds_up() {\n    assert_eq!(1, 1);\n}");
        assert_eq!(tests[1].code, "  pub fn second() {}");
        assert!(!out.contains("#[test]"));
        assert_eq!(out.len(), src.len(), "blanking must keep every offset");
        assert_eq!(out.lines().count(), src.lines().count());
    }

    #[test]
    fn function_text_ignores_braces_inside_strings() {
        let src = "fn t() {\n    assert!(x, \"got {:?} and }} \\\" {\", y);\n}\nfn other() {}\n";
        let lines: Vec<&str> = src.split_inclusive('\n').collect();
        assert_eq!(function_text(&lines), "fn t() {\n    assert!(x, \"got {:?} and }} \\\" {\", y);\n}");
    }

    #[test]
    fn cargo_error_messages_are_mapped_to_the_learners_file() {
        let line = r#"{"reason":"compiler-message","message":{"level":"error","message":"mismatched types","spans":[{"file_name":"src/exercise.rs","line_start":3,"column_start":5,"is_primary":true,"text":[{"text":"    1.0"}]}],"rendered":"error[E0308]: mismatched types\n --> src/exercise.rs:3:5\n"}}"#;
        let parsed: CargoLine = serde_json::from_str(line).unwrap();
        let d = to_diagnostic(parsed.message.unwrap()).with_file_renamed("src/exercise.rs", "/home/me/w.rs");
        assert_eq!(d.file.as_deref(), Some("/home/me/w.rs"));
        assert_eq!((d.line, d.column), (Some(3), Some(5)));
        assert_eq!(d.source_lines, vec!["    1.0".to_string()]);
        assert!(d.rendered.contains("/home/me/w.rs:3:5"), "{}", d.rendered);
    }
}
