//! Assembling a submission's crates and building them.
//!
//! The trust boundary is a crate boundary. A submission is two crates in one folder:
//! the learner's file alone as the library `exercise` (its only dependency is the
//! engine; `unsafe` forbidden), and the test binary (generated `main`, visible and hidden
//! tests, their tables, the harness), which depends on it. The learner's code cannot
//! name anything the grader generates.
//!
//! Every submission of one exercise in one slot is built in the same folder, under the
//! slot's lock, and all folders share one cargo target directory, where the engine is
//! built once ([`build_engine`]): a regrade recompiles only the two small crates.

use crate::cargo;
use crate::course::{Course, Exercise, Limits};
use crate::signatures;
use crate::verdict::{Diagnostic, Visibility};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

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

    /// Whether learners see this test's name and messages.
    pub fn visibility(&self) -> Visibility {
        if self.module == "hidden" {
            Visibility::Hidden
        } else {
            Visibility::Visible
        }
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
    /// Parent of one crate folder per exercise and slot, and of the engine's own crate.
    pub crates: PathBuf,
    /// The cargo target directory shared by all of them.
    pub target: PathBuf,
    /// One private folder per grade in progress: the built binary's copy and the
    /// folder its tests run in.
    pub runs: PathBuf,
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
        BuildPaths { crates: base.join("crates"), target: base.join("target"), runs: base.join("runs") }
    }

    fn limits(&self, limits: &Limits, slot_dir: &Path) -> cargo::BuildLimits {
        cargo::BuildLimits {
            seconds: limits.build_seconds,
            memory_mb: limits.build_memory_mb,
            file_mb: BUILD_FILE_MB,
            wrapper: self.crates.join("rustc-under-limits.sh"),
            mark: slot_dir.join("limit-hit"),
        }
    }
}

/// The assembled crates of one submission, ready to build. Holds the slot's lock: no
/// other grade writes or builds in this folder until it is dropped.
#[derive(Debug)]
pub struct SubmissionCrate {
    pub dir: PathBuf,
    pub package: String,
    /// The starter's public items, pinned in `src/signatures.rs`.
    pinned: signatures::Pinned,
    learner_source: String,
    _lock: SlotLock,
}

impl SubmissionCrate {
    fn learner_manifest(&self) -> PathBuf {
        self.dir.join(LEARNER_DIR).join("Cargo.toml")
    }
}

/// Largest file a submission's compiler or linker may write. A test binary with the
/// engine linked in is a few MB; this leaves room for any honest file while a constant
/// of gigabytes stops at the limit instead of filling the disk.
const BUILD_FILE_MB: u64 = 512;

/// The learner's crate, inside the submission's folder: its own library, which depends
/// on the engine alone, so nothing the grader generates can be named from it.
const LEARNER_DIR: &str = "learner";
/// The learner's file as rustc names it (relative to the submission's workspace root),
/// in diagnostics and panic locations.
pub const LEARNER_FILE: &str = "learner/exercise.rs";

/// Std's macros, imported by name into the test crate's root: an explicit import
/// shadows a glob import, so nothing the learner's crate exports under these names
/// (`pub use std::dbg as assert_eq;`) can stand in for them in the tests.
const STD_MACROS: &str = "assert, assert_eq, assert_ne, debug_assert, debug_assert_eq, debug_assert_ne, \
    panic, unreachable, todo, unimplemented, vec, format, print, println, eprint, eprintln, write, writeln, matches";

/// Writes the crates for grading `learner_source` as `exercise` in build slot `slot`,
/// after taking the slot's lock (waiting while another grade holds it). Files are only
/// rewritten when their content changes, so cargo's fingerprints stay warm.
pub fn assemble(
    course: &Course,
    exercise: &Exercise,
    test_files: &TestFiles,
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
    let learner = dir.join(LEARNER_DIR);
    for folder in [&src, &learner] {
        std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let lock = SlotLock::take(&dir)?;

    let main = format!(
        "// Generated by nma-grader for exercise {id}; do not edit.\n\
         // The learner's crate: only its public items can be seen from here, and nothing\n\
         // here can be seen from it.\n\
         #[allow(unused_imports)]\n\
         use exercise::*;\n\
         #[allow(unused_imports)]\n\
         use std::{{{STD_MACROS}}};\n\
         mod signatures;\n\
         mod tests;\n\
         mod hidden;\n\n\
         fn main() {{\n    nma_harness::run_from_args(&[tests::NMA_TESTS, hidden::NMA_TESTS], || {{\n        nma_engine::device::prepare().map(|d| d.name().to_string())\n    }});\n}}\n",
        id = exercise.id()
    );
    let visible = test_files.visible.clone() + &registry(&test_files.tests, "tests");
    let hidden = test_files.hidden.clone() + &registry(&test_files.tests, "hidden");
    let starter = std::fs::read_to_string(exercise.starter())
        .with_context(|| format!("cannot read {}", exercise.starter().display()))?;
    let pinned = signatures::pin(&starter);
    write_if_changed(&src.join("signatures.rs"), &pinned.source)?;
    let learner_package = format!("{package}-exercise");
    let dependencies = format!(
        "exercise = {{ path = {LEARNER_DIR:?}, package = {learner_package:?} }}\n{}",
        path_dependency("nma-harness", &course.harness_dir())
    );
    write_root_manifest(course, &dir, &package, None, &dependencies)?;
    write_if_changed(&learner.join("Cargo.toml"), &learner_manifest(course, &learner_package))?;
    write_if_changed(&dir.join(LEARNER_FILE), learner_source)?;
    write_if_changed(&src.join("main.rs"), &main)?;
    write_if_changed(&src.join("tests.rs"), &visible)?;
    write_if_changed(&src.join("hidden.rs"), &hidden)?;
    Ok(SubmissionCrate { dir, package, pinned, learner_source: learner_source.to_string(), _lock: lock })
}

/// Both test files of an exercise with `#[test]` blanked, and the tests they hold: read
/// once per grade, for the crate's sources and for the verdict's list of tests.
pub struct TestFiles {
    visible: String,
    hidden: String,
    /// Visible then hidden, with their source.
    pub tests: Vec<TestFn>,
}

impl TestFiles {
    pub fn read(exercise: &Exercise) -> Result<TestFiles> {
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
        Ok(TestFiles { visible, hidden, tests })
    }
}

/// The tests of an exercise, visible then hidden, with their source.
pub fn test_functions(exercise: &Exercise) -> Result<Vec<TestFn>> {
    Ok(TestFiles::read(exercise)?.tests)
}

/// The engine as a dependency line, with the features of every grading build.
fn engine_dependency(course: &Course) -> String {
    format!(
        "nma-engine = {{ path = {engine:?}{features} }}",
        engine = course.engine_dir().display().to_string(),
        // A tutor built with CUDA builds submissions with CUDA, so `--device` can pick it.
        features = if cfg!(feature = "cuda") { ", features = [\"cuda\"]" } else { "" },
    )
}

/// The `[package]` section every generated crate starts with.
fn package_section(package: &str) -> String {
    format!(
        "# Generated by nma-grader; do not edit.\n[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n"
    )
}

fn path_dependency(name: &str, path: &Path) -> String {
    format!("{name} = {{ path = {:?} }}\n", path.display().to_string())
}

/// The learner's library: the engine is its only dependency, and `unsafe` is forbidden
/// from the command line, where no attribute in the file can lift it.
fn learner_manifest(course: &Course, package: &str) -> String {
    format!(
        "{package}\n[lib]\nname = \"exercise\"\npath = \"exercise.rs\"\n\n[dependencies]\n{engine}\n\n[lints.rust]\nunsafe_code = \"forbid\"\n",
        package = package_section(package),
        engine = engine_dependency(course),
    )
}

/// Writes `Cargo.toml` for a generated crate that builds against the course's engine
/// (plus `extra` path dependencies), with the engine optimised as in every grading build,
/// and seeds its `Cargo.lock` from the course's, so it uses exactly the versions the tutor
/// was built with. Also used by the lesson-snippet test.
pub fn write_manifest(course: &Course, dir: &Path, package: &str, extra: &[(&str, PathBuf)]) -> Result<()> {
    let extra: String = extra.iter().map(|(name, path)| path_dependency(name, path)).collect();
    write_root_manifest(course, dir, package, None, &extra)
}

/// [`write_manifest`] with its dependency lines given whole, and optionally as a
/// library at `lib` instead of a binary.
fn write_root_manifest(course: &Course, dir: &Path, package: &str, lib: Option<&str>, dependencies: &str) -> Result<()> {
    let lib = lib.map(|path| format!("\n[lib]\npath = {path:?}\n")).unwrap_or_default();
    let manifest = format!(
        r#"{package}{lib}
[dependencies]
{engine}
{dependencies}
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
        package = package_section(package),
        engine = engine_dependency(course),
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

/// An exclusive lock on a build slot's folder, held from writing its sources until its
/// binary has been copied out, so two grades in one slot never build each other's file.
/// `flock` locks belong to the open file, so threads of one process exclude each other
/// as processes do, and the lock goes with the process if it dies.
#[derive(Debug)]
struct SlotLock {
    _held: std::fs::File,
}

impl SlotLock {
    fn take(dir: &Path) -> Result<SlotLock> {
        use std::os::fd::AsRawFd;
        let path = dir.join(".grade.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        loop {
            // SAFETY: plain syscall on a descriptor we own.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(SlotLock { _held: file });
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(error).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
    }
}

/// How building a submission ended.
#[derive(Debug)]
pub enum BuildOutcome {
    Built { binary: PathBuf, seconds: f64, peak_memory_mb: f64 },
    /// The submission's crates do not compile: at most [`cargo::KEPT_ERRORS`] diagnostics,
    /// `total` errors in all.
    CompileError { diagnostics: Vec<Diagnostic>, total: usize, seconds: f64, peak_memory_mb: f64 },
    /// The build was stopped by a limit, or the compiler crashed on the submission: the
    /// submission's fault, said in `message`.
    Stopped { message: String, seconds: f64, peak_memory_mb: f64 },
}

/// Builds the submission's crates. `learner_path` is the file the learner edits;
/// diagnostics that point into the build copy are mapped back to it. Errors in the
/// engine or harness, and cargo failing for reasons of its own, are `Err`: no change to
/// the learner's code can fix them.
pub fn build(krate: &SubmissionCrate, paths: &BuildPaths, limits: &Limits, learner_path: &Path) -> Result<BuildOutcome> {
    let build_limits = paths.limits(limits, &krate.dir);
    let run = cargo::run(
        &cargo::CargoBuild {
            dir: &krate.dir,
            target: &paths.target,
            offline: true,
            limits: Some(&build_limits),
            wall: Duration::from_secs_f64(limits.build_seconds),
        },
        &mut |_| {},
    )?;
    let peak_memory_mb = run.peak_memory_kb as f64 / 1024.0;
    let seconds = run.seconds;
    match run.stopped {
        Some(cargo::Stopped::Time) => {
            return Ok(BuildOutcome::Stopped {
                message: format!(
                    "Your code took longer than {:.0} s to compile and the build was stopped. Look for a macro that \
                     expands into itself many times, or a very large constant or type.",
                    limits.build_seconds
                ),
                seconds,
                peak_memory_mb,
            })
        }
        Some(cargo::Stopped::CompilerLimit) => {
            return Ok(BuildOutcome::Stopped {
                message: format!(
                    "Compiling your code needed more than the build's limits ({} MB of memory, {:.0} s of CPU, \
                     {BUILD_FILE_MB} MB per file written) and was stopped. Look for a recursive macro, a huge type \
                     or a very large constant.",
                    limits.build_memory_mb, limits.build_seconds
                ),
                seconds,
                peak_memory_mb,
            })
        }
        // Kept when the crash came with errors of the code: those say more.
        Some(cargo::Stopped::CompilerCrash) if run.errors.is_empty() => {
            return Ok(BuildOutcome::Stopped {
                message: "The Rust compiler itself crashed on your code (an internal compiler error). It is a bug \
                          in the compiler, but something in your file sets it off: undo your last change, or write \
                          that part another way."
                    .into(),
                seconds,
                peak_memory_mb,
            })
        }
        _ => {}
    }
    let root_manifest = krate.dir.join("Cargo.toml");
    let learner_manifest = krate.learner_manifest();
    if run.success {
        let binary = run
            .executables
            .iter()
            .find(|(_, manifest)| *manifest == root_manifest)
            .map(|(exe, _)| exe.clone())
            .context("cargo reported success but named no binary")?;
        return Ok(BuildOutcome::Built { binary, seconds, peak_memory_mb });
    }
    let (ours, foreign): (Vec<_>, Vec<_>) =
        run.errors.into_iter().partition(|e| e.manifest == root_manifest || e.manifest == learner_manifest);
    if !foreign.is_empty() {
        let rendered: Vec<&str> = foreign.iter().map(|e| e.diagnostic.rendered.trim_end()).collect();
        bail!("the course's engine does not build, so nothing can be graded; tell your instructor:\n{}", rendered.join("\n"));
    }
    if ours.is_empty() {
        return Err(explain_cargo_failure(&run.stderr));
    }
    let learner_shown = learner_path.display().to_string();
    let diagnostics = ours.into_iter().map(|e| shown_to_learner(e.diagnostic, krate, &learner_shown)).collect();
    Ok(BuildOutcome::CompileError { diagnostics, total: run.error_count, seconds, peak_memory_mb })
}

/// A diagnostic as the learner may see it: their file under its own name, a pinned
/// signature as a rule about their own item, and nothing of a hidden test's source when
/// their code does not fit it.
fn shown_to_learner(diagnostic: Diagnostic, krate: &SubmissionCrate, learner_shown: &str) -> Diagnostic {
    if diagnostic.file.as_deref() == Some("src/signatures.rs") {
        if let Some(pin) = diagnostic.line.and_then(|line| krate.pinned.at_line(line)) {
            let line = signatures::line_declaring(&krate.learner_source, &pin.name);
            let message = format!(
                "`{}` must keep the starter's type, `{}`, so the tests can check it ({})",
                pin.item, pin.declared, diagnostic.message
            );
            let place = line.map(|l| format!("{learner_shown}:{l}")).unwrap_or_else(|| learner_shown.to_string());
            return Diagnostic {
                level: diagnostic.level,
                rendered: format!("error: {message}\n --> {place}\n"),
                message,
                file: Some(learner_shown.to_string()),
                line,
                column: line.map(|_| 1),
                source_lines: line.and_then(|l| krate.learner_source.lines().nth(l - 1)).map(str::to_string).into_iter().collect(),
            };
        }
    }
    if diagnostic.file.as_deref() == Some("src/hidden.rs") {
        let message = "a hidden test does not compile against your code: keep the names, argument types and \
                       return types of the starter's public items"
            .to_string();
        return Diagnostic {
            level: diagnostic.level,
            rendered: format!("error: {message}\n"),
            message,
            file: None,
            line: None,
            column: None,
            source_lines: Vec::new(),
        };
    }
    diagnostic.with_file_renamed(LEARNER_FILE, learner_shown)
}

/// What to tell someone whose cargo failed for a reason outside the code it builds.
fn cargo_failure(package: &str, stderr: &str) -> String {
    format!("cargo could not build {package}:\n{}", stderr.trim())
}

/// Builds the engine and harness, as every submission uses them, into the shared target
/// (a trusted build: no limits but a generous clock). After this a grade compiles only
/// the learner's two small crates. May use the network to fetch what cargo's cache
/// lacks, at the versions of the course's `Cargo.lock`. `on_progress` sees each unit
/// cargo finishes, with the number of units it expects in all (0 while unknown).
pub fn build_engine(course: &Course, paths: &BuildPaths, on_progress: &mut dyn FnMut(EngineProgress)) -> Result<f64> {
    let dir = paths.crates.join("engine");
    std::fs::create_dir_all(dir.join("src")).with_context(|| format!("cannot create {}", dir.display()))?;
    let _lock = SlotLock::take(&dir)?;
    write_root_manifest(course, &dir, "nma-engine-build", Some("src/lib.rs"), &path_dependency("nma-harness", &course.harness_dir()))?;
    write_if_changed(
        &dir.join("src/lib.rs"),
        "// Generated by nma-grader: builds what every submission links, once.\npub use nma_engine;\npub use nma_harness;\n",
    )?;
    // How many units a build has: counted last time, or asked of cargo the first time
    // (which is also when it downloads what it lacks).
    let units_file = dir.join("units");
    let total = match std::fs::read_to_string(&units_file).ok().and_then(|t| t.trim().parse().ok()) {
        Some(total) => total,
        None => {
            on_progress(EngineProgress { built: 0, total: 0, current: "fetching the engine's crates".into() });
            count_units(&dir).map_err(|e| explain_cargo_failure(&e.to_string()))?
        }
    };
    let (mut built, mut compiling) = (0, false);
    let run = cargo::run(
        &cargo::CargoBuild { dir: &dir, target: &paths.target, offline: false, limits: None, wall: ENGINE_BUILD_TIMEOUT },
        &mut |artifact| {
            built += 1;
            // A warm engine is all fresh units: nothing to show until one really compiles.
            compiling |= !artifact.fresh;
            if compiling {
                on_progress(EngineProgress { built, total: total.max(built), current: artifact.name.clone() });
            }
        },
    )?;
    if run.stopped == Some(cargo::Stopped::Time) {
        bail!("building the engine took longer than {} minutes and was stopped", ENGINE_BUILD_TIMEOUT.as_secs() / 60);
    }
    if !run.success {
        if let Some(first) = run.errors.first() {
            bail!("the course's engine does not build, so nothing can be graded; tell your instructor:\n{}", first.diagnostic.rendered.trim_end());
        }
        return Err(explain_cargo_failure(&run.stderr));
    }
    let _ = std::fs::write(&units_file, built.to_string());
    Ok(run.seconds)
}

/// The engine's build, part way.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineProgress {
    /// Units cargo has finished (compiled now, or found already built).
    pub built: usize,
    /// Units expected in all; 0 while not yet known.
    pub total: usize,
    /// The crate cargo finished last, or what it is doing.
    pub current: String,
}

/// The units (libraries and build scripts) a build of the crate in `dir` has, from
/// `cargo metadata` for this machine's platform. Downloads what the cache lacks.
fn count_units(dir: &Path) -> Result<usize> {
    #[derive(serde::Deserialize)]
    struct Metadata {
        packages: Vec<Package>,
        resolve: Resolve,
    }
    #[derive(serde::Deserialize)]
    struct Package {
        id: String,
        targets: Vec<Target>,
    }
    #[derive(serde::Deserialize)]
    struct Target {
        kind: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct Resolve {
        nodes: Vec<Node>,
    }
    #[derive(serde::Deserialize)]
    struct Node {
        id: String,
    }
    let host = host_triple()?;
    let out = std::process::Command::new(cargo::cargo_program())
        .args(["metadata", "--format-version", "1", "--filter-platform", &host])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .context("cannot start `cargo`: is the Rust toolchain installed and on PATH?")?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let metadata: Metadata = serde_json::from_slice(&out.stdout).context("cannot read `cargo metadata`")?;
    let built: std::collections::HashSet<&str> = metadata.resolve.nodes.iter().map(|n| n.id.as_str()).collect();
    Ok(metadata
        .packages
        .iter()
        .filter(|p| built.contains(p.id.as_str()))
        .map(|p| {
            let library = p.targets.iter().any(|t| t.kind.iter().any(|k| k.ends_with("lib") || k == "proc-macro"));
            let script = p.targets.iter().any(|t| t.kind.iter().any(|k| k == "custom-build"));
            usize::from(library) + usize::from(script)
        })
        .sum())
}

fn host_triple() -> Result<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = std::process::Command::new(rustc).arg("-vV").output().context("cannot start `rustc`: is the Rust toolchain installed?")?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .context("`rustc -vV` names no host")
}

/// Cargo's own failure, in words a learner can act on.
fn explain_cargo_failure(stderr: &str) -> anyhow::Error {
    let text = stderr.trim();
    let lower = text.to_lowercase();
    let advice = if lower.contains("offline") || lower.contains("failed to download") || lower.contains("could not resolve")
        || lower.contains("failed to get") || lower.contains("network") || lower.contains("spurious") || lower.contains("dns")
    {
        "The first grade downloads the engine's crates once, and the network could not be reached. Connect to the \
         internet and grade again; after this first time, grading works offline."
    } else if lower.contains("no space left") || lower.contains("disk quota") {
        "The disk is full. Free some space (the engine's build needs about 1 GB under target/) and grade again."
    } else if lower.contains("requires rustc") || lower.contains("is not supported by") || lower.contains("feature") && lower.contains("stabilized") {
        "Your Rust toolchain is too old for the course. Run `rustup update` and grade again."
    } else if lower.contains("could not execute process") || lower.contains("no such file") && lower.contains("rustc") {
        "The Rust compiler could not be started. Install Rust with rustup (https://rustup.rs) and grade again."
    } else {
        "Building the engine failed for a reason outside your code. Tell your instructor, with the text below."
    };
    anyhow::anyhow!("{advice}\n\ncargo said:\n{text}")
}

/// The engine's first build on two cores takes a minute or two, downloads included.
const ENGINE_BUILD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Builds the one-binary crate `package` in `dir` into the `target` directory, offline,
/// without limits (trusted code only: the lesson snippets). Errors in that crate come
/// back as diagnostics (paths as rustc printed them, relative to `dir`); errors in its
/// dependencies and cargo failing are `Err`.
pub fn build_crate(dir: &Path, package: &str, target: &Path) -> Result<BuildOutcome> {
    let run = cargo::run(
        &cargo::CargoBuild { dir, target, offline: true, limits: None, wall: ENGINE_BUILD_TIMEOUT },
        &mut |_| {},
    )?;
    let peak_memory_mb = run.peak_memory_kb as f64 / 1024.0;
    let manifest = dir.join("Cargo.toml");
    if run.success {
        let binary = run.executables.into_iter().find(|(_, m)| *m == manifest).map(|(exe, _)| exe).context("cargo reported success but named no binary")?;
        return Ok(BuildOutcome::Built { binary, seconds: run.seconds, peak_memory_mb });
    }
    let (ours, foreign): (Vec<_>, Vec<_>) = run.errors.into_iter().partition(|e| e.manifest == manifest);
    if let Some(first) = foreign.first() {
        bail!("a dependency of {package} does not build:\n{}", first.diagnostic.rendered.trim_end());
    }
    if ours.is_empty() {
        bail!("{}", cargo_failure(package, &run.stderr));
    }
    Ok(BuildOutcome::CompileError {
        diagnostics: ours.into_iter().map(|e| e.diagnostic).collect(),
        total: run.error_count,
        seconds: run.seconds,
        peak_memory_mb,
    })
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
}
