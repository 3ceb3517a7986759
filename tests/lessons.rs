//! The course text: every lesson under `lessons/` loads (front matter parses), names
//! exercises that exist, links only to files that exist — and every Rust snippet in it
//! compiles and runs against the engine.
//!
//! # How snippets are tested
//!
//! * A fenced block whose info string starts with `rust` is tested: ```` ```rust ````.
//!   `rust,ignore` is skipped (API not there yet, or deliberately broken code), and
//!   `rust,no_run` is compiled but not run. Any other block (`text`, `sh`, `toml`, no
//!   info string) is not Rust and is skipped.
//! * A snippet is a function body unless it defines `fn main` at the start of a line:
//!   - body: it becomes `pub fn run() { <snippet> }` in a file that starts with
//!     `use nma_engine::prelude::*;` and
//!     `use nma_engine::testing::{assert_close, assert_scalar_close};`
//!     ([`SNIPPET_PRELUDE`]; the lessons tell the learner so once, in w1d1). Items
//!     (`fn`, `struct`, `impl`, `use`) inside a body are fine, as in any Rust block;
//!   - program (has `fn main`): a whole file as the learner would paste it, imports
//!     included; its text becomes a module as it is, and `run()` calls its `main()`.
//! * All snippets of all lessons go into ONE crate, `target/lesson-snippets`, each in
//!   its own file `src/sNNN.rs`, so a compiler message names its snippet and is mapped
//!   back to the lesson's file and line. It is built like the grader builds a
//!   submission (its own `[workspace]`, a path dependency on the engine, the course's
//!   Cargo.lock, `--offline`, the same profile lines) and with the grader's target
//!   directory, `target/grading/target`, so the engine is built once for both.
//! * The binary runs every snippet in lesson order, each under `catch_unwind`; a panic
//!   is reported with its lesson, line and message, and the other snippets still run.

use nma_grader::Course;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest time all snippets together may run before the test gives up.
const RUN_TIMEOUT: Duration = Duration::from_secs(600);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn course() -> Course {
    Course::load(&repo()).expect("the course (exercises and lessons) loads")
}

/// `lessons/w1d1/tensors.md`, for messages.
fn shown(path: &Path) -> String {
    path.strip_prefix(repo()).unwrap_or(path).display().to_string()
}

// ------------------------------------------------------------------ Markdown

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Run,
    CompileOnly,
}

/// One tested code block.
#[derive(Debug, Clone)]
struct Snippet {
    lesson: PathBuf,
    /// 1-based line in the lesson file of the block's first code line.
    first_line: usize,
    /// Position among the lesson's tested snippets (1-based).
    index_in_lesson: usize,
    code: String,
    mode: Mode,
}

impl Snippet {
    fn is_program(&self) -> bool {
        self.code.lines().any(|l| l.starts_with("fn main(") || l.starts_with("pub fn main("))
    }

    fn describe(&self) -> String {
        format!("{}:{} (snippet {} of that lesson)", shown(&self.lesson), self.first_line, self.index_in_lesson)
    }
}

/// A fenced block: its info string, first code line (1-based, in the whole file) and code.
struct Block {
    info: String,
    first_line: usize,
    code: String,
}

/// Fenced code blocks of a whole lesson file (front matter included; it has none).
fn fenced_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String, usize)> = None; // fence, info, first line
    let mut code = String::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &open {
            None => {
                if let Some(fence) = fence_of(trimmed) {
                    let info = trimmed[fence.len()..].trim().to_string();
                    open = Some((fence, info, i + 2));
                    code.clear();
                }
            }
            Some((fence, info, first)) => {
                if trimmed.starts_with(fence.as_str()) && trimmed[fence.len()..].trim().is_empty() {
                    blocks.push(Block { info: info.clone(), first_line: *first, code: std::mem::take(&mut code) });
                    open = None;
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed code fence (```) in a lesson");
    blocks
}

/// "```" or "~~~" (or longer) if `line` opens a fence.
fn fence_of(line: &str) -> Option<String> {
    for c in ['`', '~'] {
        let n = line.chars().take_while(|&x| x == c).count();
        if n >= 3 {
            return Some(std::iter::repeat_n(c, n).collect());
        }
    }
    None
}

/// The tested Rust snippets of one lesson file.
fn snippets_of(path: &Path) -> Vec<Snippet> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for block in fenced_blocks(&text) {
        let flags: Vec<&str> = block.info.split(',').map(str::trim).collect();
        if flags.first() != Some(&"rust") || flags.contains(&"ignore") {
            continue;
        }
        let mode = if flags.contains(&"no_run") { Mode::CompileOnly } else { Mode::Run };
        out.push(Snippet {
            lesson: path.to_path_buf(),
            first_line: block.first_line,
            index_in_lesson: out.len() + 1,
            code: block.code,
            mode,
        });
    }
    out
}

/// The text outside fenced blocks and inline code, where links live.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match &fence {
            None => {
                if let Some(f) = fence_of(trimmed) {
                    fence = Some(f);
                    out.push('\n');
                    continue;
                }
                // Drop inline code spans: `...`.
                let mut in_code = false;
                for c in line.chars() {
                    if c == '`' {
                        in_code = !in_code;
                    } else if !in_code {
                        out.push(c);
                    }
                }
                out.push('\n');
            }
            Some(f) => {
                if trimmed.starts_with(f.as_str()) && trimmed[f.len()..].trim().is_empty() {
                    fence = None;
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Targets of inline Markdown links `[text](target)` and images `![alt](target)`.
fn link_targets(text: &str) -> Vec<(usize, String)> {
    let prose = prose(text);
    let mut targets = Vec::new();
    for (i, line) in prose.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split_whitespace().next().unwrap_or("").to_string();
            targets.push((i + 1, target));
            rest = &after[end..];
        }
    }
    targets
}

// --------------------------------------------------------------- the checks

// Front matter, exercise ids, day folders, order and links are checked by
// `nma-tutor author check` (tests/author.rs runs it over the whole course); this file
// only proves the snippets.

#[test]
fn every_rust_snippet_in_the_lessons_compiles_and_runs() {
    let course = course();
    let snippets: Vec<Snippet> = course.lessons.iter().flat_map(|l| snippets_of(&l.path)).collect();
    if snippets.is_empty() {
        return;
    }
    let krate = write_crate(&course, &snippets);
    let target = course.root.join("target").join("grading").join("target");
    let binary = match build(&krate, &target, &snippets) {
        Ok(binary) => binary,
        Err(report) => panic!("lesson snippets do not compile:\n\n{report}"),
    };
    let failures = run(&binary, &snippets);
    assert!(failures.is_empty(), "lesson snippets failed when run:\n\n{}", failures.join("\n\n"));
}

// ------------------------------------------------------- the snippet crate

/// What every snippet may assume at the top of its file (w1d1/framework.md says so).
const SNIPPET_PRELUDE: &str = "use nma_engine::prelude::*;\nuse nma_engine::testing::{assert_close, assert_scalar_close};\n";

/// Lines written before a snippet's own first line in `src/sNNN.rs`.
fn header(snippet: &Snippet) -> String {
    if snippet.is_program() {
        "#![allow(unused, clippy::all)]\n".to_string()
    } else {
        format!("#![allow(unused, clippy::all)]\n{SNIPPET_PRELUDE}pub fn run() {{\n")
    }
}

fn module_name(i: usize) -> String {
    format!("s{:03}", i + 1)
}

fn write_crate(course: &Course, snippets: &[Snippet]) -> PathBuf {
    let dir = course.root.join("target").join("lesson-snippets");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    // Snippets removed from the lessons must not linger as files; the others are only
    // rewritten when they change, so cargo's fingerprints stay warm.
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let wanted = stem == "main" || stem.strip_prefix('s').and_then(|n| n.parse::<usize>().ok()).is_some_and(|n| (1..=snippets.len()).contains(&n));
        if !wanted {
            let _ = std::fs::remove_file(&path);
        }
    }
    nma_grader::build::write_manifest(course, &dir, "nma-lesson-snippets", &[]).unwrap();

    let mut main = String::from("// Generated by tests/lessons.rs from the lessons' Rust snippets; do not edit.\n");
    for (i, snippet) in snippets.iter().enumerate() {
        let name = module_name(i);
        let mut text = header(snippet);
        text.push_str(&snippet.code);
        if snippet.is_program() {
            text.push_str("\npub fn run() {\n    main();\n}\n");
        } else {
            text.push_str("}\n");
        }
        write_if_changed(&src.join(format!("{name}.rs")), &text);
        writeln!(main, "mod {name};").unwrap();
    }
    main.push_str("\nconst SNIPPETS: &[(fn(), bool)] = &[\n");
    for (i, snippet) in snippets.iter().enumerate() {
        writeln!(main, "    ({}::run, {}),", module_name(i), snippet.mode == Mode::Run).unwrap();
    }
    main.push_str(
        r#"];

fn main() {
    use std::io::Write;
    let message = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let slot = message.clone();
    std::panic::set_hook(Box::new(move |info| {
        *slot.lock().unwrap() = info.to_string();
    }));
    let mut failed = 0;
    for (i, (run, runs)) in SNIPPETS.iter().enumerate() {
        if !runs {
            continue;
        }
        println!("@@start {i}");
        let _ = std::io::stdout().flush();
        let start = std::time::Instant::now();
        let result = std::panic::catch_unwind(run);
        let seconds = start.elapsed().as_secs_f64();
        match result {
            Ok(()) => println!("@@ok {i} {seconds}"),
            Err(_) => {
                failed += 1;
                let text = message.lock().unwrap().replace('\n', "\u{1}");
                println!("@@panic {i} {text}");
            }
        }
        let _ = std::io::stdout().flush();
    }
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
"#,
    );
    write_if_changed(&src.join("main.rs"), &main);
    dir
}

fn write_if_changed(path: &Path, content: &str) {
    if std::fs::read_to_string(path).map(|old| old == content).unwrap_or(false) {
        return;
    }
    std::fs::write(path, content).unwrap();
}

/// Every `src/sNNN.rs:LINE` in a compiler or panic message, replaced by the lesson
/// file and line it came from (the column is kept).
fn rewrite_locations(text: &str, snippets: &[Snippet]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("src/s") {
        out.push_str(&rest[..pos]);
        let candidate = &rest[pos..];
        let file_len = candidate.find(".rs:").map(|i| i + 3);
        let parsed = file_len.and_then(|end| {
            let digits: String = candidate[end + 1..].chars().take_while(char::is_ascii_digit).collect();
            let line: usize = digits.parse().ok()?;
            let (_, place) = map_location(&candidate[..end], line, snippets)?;
            Some((place, end + 1 + digits.len()))
        });
        match parsed {
            Some((place, consumed)) => {
                out.push_str(&place);
                rest = &candidate[consumed..];
            }
            None => {
                out.push_str("src/s");
                rest = &candidate[5..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `src/s007.rs` line 5 → the lesson file and line it came from.
fn map_location(file: &str, line: usize, snippets: &[Snippet]) -> Option<(usize, String)> {
    let stem = file.strip_prefix("src/")?.strip_suffix(".rs")?;
    let index: usize = stem.strip_prefix('s')?.parse().ok()?;
    let snippet = snippets.get(index.checked_sub(1)?)?;
    let header_lines = header(snippet).lines().count();
    let lesson_line = if line > header_lines { snippet.first_line + line - header_lines - 1 } else { snippet.first_line };
    Some((index - 1, format!("{}:{lesson_line}", shown(&snippet.lesson))))
}


/// Builds the crate; the binary, or a report of every error, each mapped to its lesson.
fn build(krate: &Path, target: &Path, snippets: &[Snippet]) -> Result<PathBuf, String> {
    use nma_grader::build::{build_crate, BuildOutcome};
    match build_crate(krate, "nma-lesson-snippets", target).map_err(|e| format!("{e:#}"))? {
        BuildOutcome::Built { binary, .. } => Ok(binary),
        BuildOutcome::CompileError { diagnostics, .. } => {
            let mut report = String::new();
            for d in diagnostics {
                let place = d.file.as_deref().zip(d.line).and_then(|(file, line)| map_location(file, line, snippets));
                let rendered = rewrite_locations(&d.rendered, snippets);
                match place {
                    Some((index, at)) => writeln!(
                        report,
                        "{at}: {} (in snippet {} of that lesson)\n{rendered}",
                        d.message, snippets[index].index_in_lesson
                    )
                    .unwrap(),
                    None => writeln!(report, "{rendered}").unwrap(),
                }
            }
            Err(report)
        }
        BuildOutcome::Stopped { message, .. } => Err(message),
    }
}

/// Runs every snippet; one message per failure (or one for a crash or timeout).
fn run(binary: &Path, snippets: &[Snippet]) -> Vec<String> {
    let mut child = Command::new(binary)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the snippet binary");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            timed_out = true;
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();

    let mut failures = Vec::new();
    let mut last_started: Option<usize> = None;
    let mut finished = false;
    let mut slow = Vec::new();
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("@@start ") {
            last_started = rest.trim().parse().ok();
            finished = false;
        } else if let Some(rest) = line.strip_prefix("@@ok ") {
            finished = true;
            let mut parts = rest.split_whitespace();
            let index: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let seconds: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
            if seconds > 1.0 {
                slow.push(format!("{} took {seconds:.1} s", snippets[index].describe()));
            }
        } else if let Some(rest) = line.strip_prefix("@@panic ") {
            finished = true;
            let (index, text) = rest.split_once(' ').unwrap_or((rest, ""));
            let index: usize = index.parse().unwrap_or(0);
            // "panicked at src/s007.rs:5:9:" names the lesson's line instead.
            let text = rewrite_locations(&text.replace('\u{1}', "\n"), snippets);
            failures.push(format!("{}:\n{text}", snippets[index].describe()));
        }
    }
    if !slow.is_empty() {
        println!("slow lesson snippets (keep them under a second):\n  {}", slow.join("\n  "));
    }
    let unexplained = match status {
        Some(status) => !status.success() && failures.is_empty(),
        None => true,
    };
    if timed_out || unexplained || (last_started.is_some() && !finished) {
        let culprit = last_started.map(|i| snippets[i].describe()).unwrap_or_else(|| "the snippet binary".into());
        let what = if timed_out {
            format!("did not finish within {} s", RUN_TIMEOUT.as_secs())
        } else {
            format!("crashed ({:?})", status)
        };
        failures.push(format!("{culprit} {what}; stderr:\n{}", tail(&err, 4000)));
    }
    failures
}

fn tail(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

#[test]
fn snippet_extraction_follows_the_documented_convention() {
    let text = "+++\ntitle = \"t\"\n+++\n# T\n\n```rust\nlet x = 1;\n```\n\n```rust,ignore\nnope\n```\n\n```text\nplain\n```\n\n```rust,no_run\nfn main() {}\n```\n";
    let dir = std::env::temp_dir().join(format!("nma-lessons-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("x.md");
    std::fs::write(&path, text).unwrap();
    let snippets = snippets_of(&path);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(snippets.len(), 2);
    assert_eq!((snippets[0].first_line, snippets[0].code.as_str(), snippets[0].mode), (7, "let x = 1;\n", Mode::Run));
    assert!(!snippets[0].is_program());
    assert_eq!((snippets[1].first_line, snippets[1].mode), (19, Mode::CompileOnly));
    assert!(snippets[1].is_program());

    let links = link_targets("See [a](../w1d2/x.md) and `[b](not-a-link)`.\n```\n[c](in-code)\n```\n![img](pic.png#frag)\n");
    assert_eq!(links, vec![(1, "../w1d2/x.md".to_string()), (5, "pic.png#frag".to_string())]);
}
