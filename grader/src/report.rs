//! Result files: our native `results.json` and the formats of Gradescope and exercism.
//!
//! The two exports follow their platforms' published formats: Gradescope's "Autograder
//! Specifications" (results.json) and exercism's "The Test Runner Interface" (version 3).
//! Both are shown to learners, so hidden tests keep their code, message and output to
//! themselves, and text a submission controls (what it printed, compiler errors) is cut
//! to fit: exercism shows at most 500 characters of a test's output and 65,535 of the
//! top-level message; for Gradescope, which publishes no limit, we keep the whole file
//! under 1 MB. Cuts never split a character and end with a short note saying so.

use crate::build::TestFn;
use crate::verdict::{Diagnostic, Status, TestResult, Verdict, Visibility};
use serde_json::{json, Value};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The [`Verdict`] as is.
    Native,
    /// Gradescope autograder `results.json`.
    Gradescope,
    /// exercism test-runner interface, version 3.
    Exercism,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "native" => Ok(Format::Native),
            "gradescope" => Ok(Format::Gradescope),
            "exercism" => Ok(Format::Exercism),
            other => Err(format!("unknown format `{other}`: use native, gradescope or exercism")),
        }
    }
}

/// The most an exported document may weigh, serialised (pretty-printed, as it is saved).
pub const DOC_LIMIT_BYTES: usize = 1_000_000;
/// exercism: a test's `output` holds at most this many characters, our note included.
pub const EXERCISM_OUTPUT_CHARS: usize = 500;
/// exercism: the top-level `message` holds at most this many characters. exercism warns
/// that multibyte characters lower the effective limit, so its UTF-8 bytes are held to
/// the same number.
pub const EXERCISM_MESSAGE_CHARS: usize = 65_535;

// Shares of `DOC_LIMIT_BYTES`, in bytes of JSON text, for what a submission controls.
// What is left over (names, scores, test code, indentation) is small; `render` halves the
// shares until the document fits in case it is not.
const GRADESCOPE_TOP_OUTPUT: usize = 200_000;
const GRADESCOPE_ALL_TESTS: usize = 650_000;
const GRADESCOPE_ONE_TEST: usize = 100_000;
const EXERCISM_TOP_MESSAGE: usize = 300_000;
const EXERCISM_ALL_MESSAGES: usize = 400_000;

const CUT_NOTE: &str = "\n… [cut here: the rest is too long for the results file]";
const OUTPUT_CUT_NOTE: &str = "\n… [output cut at 500 characters]";
const HIDDEN_PASSED: &str = "This hidden test passes.";
const HIDDEN_FAILED: &str = "This hidden test does not pass; its details are not shown.";

/// The name a hidden test goes by in an export: like the tutor, which shows "hidden
/// test", exports keep even the function's name private (it can say what is checked).
/// Numbered among the hidden tests, so they stay distinct and in order.
fn shown_names(verdict: &Verdict) -> Vec<String> {
    let mut hidden = 0;
    verdict
        .tests
        .iter()
        .map(|t| match t.visibility {
            Visibility::Visible => t.name.clone(),
            Visibility::Hidden => {
                hidden += 1;
                format!("hidden test {hidden}")
            }
        })
        .collect()
}

/// Renders a verdict in `format`. `tests` gives the test sources (exercism shows them).
pub fn render(verdict: &Verdict, format: Format, tests: &[TestFn]) -> Value {
    let build = |shrink: u32| match format {
        Format::Native => serde_json::to_value(verdict).expect("a verdict always serialises"),
        Format::Gradescope => gradescope(verdict, shrink),
        Format::Exercism => exercism(verdict, tests, shrink),
    };
    if format == Format::Native {
        return build(0);
    }
    // The shares above make the first try fit unless names or test code are huge.
    let mut doc = build(0);
    for shrink in 1..=10 {
        if serialised_len(&doc) <= DOC_LIMIT_BYTES {
            break;
        }
        doc = build(shrink);
    }
    doc
}

fn serialised_len(doc: &Value) -> usize {
    serde_json::to_vec_pretty(doc).map(|v| v.len()).unwrap_or(usize::MAX)
}

/// How much room a text may take: characters, UTF-8 bytes, bytes once escaped in JSON.
#[derive(Debug, Clone, Copy)]
struct Room {
    chars: usize,
    bytes: usize,
    json: usize,
}

impl Room {
    fn json(bytes: usize) -> Room {
        Room { chars: usize::MAX, bytes: usize::MAX, json: bytes }
    }

    fn quarter(self) -> Room {
        Room { chars: self.chars / 4, bytes: self.bytes / 4, json: self.json / 4 }
    }

    fn minus(self, used: Size) -> Room {
        Room {
            chars: self.chars.saturating_sub(used.chars),
            bytes: self.bytes.saturating_sub(used.bytes),
            json: self.json.saturating_sub(used.json),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Size {
    chars: usize,
    bytes: usize,
    json: usize,
}

impl Size {
    fn of(text: &str) -> Size {
        let mut size = Size::default();
        for c in text.chars() {
            size.add(c);
        }
        size
    }

    fn add(&mut self, c: char) {
        self.chars += 1;
        self.bytes += c.len_utf8();
        self.json += json_len(c);
    }

    fn plus(self, other: Size) -> Size {
        Size { chars: self.chars + other.chars, bytes: self.bytes + other.bytes, json: self.json + other.json }
    }

    fn fits(self, room: Room) -> bool {
        self.chars <= room.chars && self.bytes <= room.bytes && self.json <= room.json
    }
}

/// Bytes `c` takes inside a JSON string as serde_json writes it.
fn json_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// `text` if it fits `room`; else its longest prefix that fits together with `note`,
/// followed by `note`. Cuts fall between characters, never inside one.
fn clip(text: &str, room: Room, note: &str) -> String {
    if Size::of(text).fits(room) {
        return text.to_string();
    }
    let note_size = Size::of(note);
    if !note_size.fits(room) {
        return clip(note, room, "");
    }
    let room = room.minus(note_size);
    let mut used = Size::default();
    let mut end = 0;
    for (i, c) in text.char_indices() {
        used.add(c);
        if !used.fits(room) {
            break;
        }
        end = i + c.len_utf8();
    }
    let mut out = String::with_capacity(end + note.len());
    out.push_str(&text[..end]);
    out.push_str(note);
    out
}

/// A compiler error located in the hidden tests quotes their source: show only what
/// rustc said, never the lines.
fn diagnostic_text(d: &Diagnostic) -> std::borrow::Cow<'_, str> {
    let in_hidden = d.file.as_deref().is_some_and(|f| f == "hidden.rs" || f.ends_with("/hidden.rs"))
        || d.rendered.contains("src/hidden.rs");
    if in_hidden {
        format!("{}: {} (in the hidden tests, whose code is not shown)", d.level, d.message).into()
    } else {
        d.rendered.trim_end().into()
    }
}

/// Appends as many whole compiler errors as fit in `room` (which counts all of `out`),
/// then says how many were left out.
fn push_compile_errors(out: &mut String, diagnostics: &[Diagnostic], room: Room) {
    if diagnostics.is_empty() {
        return;
    }
    let separator = if out.is_empty() { "" } else { "\n\n" };
    let left_out = |n: usize| format!("\n… and {n} more compiler error{} not shown.", if n == 1 { "" } else { "s" });
    // Room kept for the note, whatever the count turns out to be.
    let reserve = Size::of(&left_out(diagnostics.len()));
    let mut used = Size::of(out).plus(Size::of(separator));
    if !used.plus(reserve).fits(room) {
        return;
    }
    out.push_str(separator);
    let mut shown = 0;
    for (i, d) in diagnostics.iter().enumerate() {
        let text = diagnostic_text(d);
        let joint = if i == 0 { "" } else { "\n" };
        let size = Size::of(joint).plus(Size::of(&text));
        if used.plus(size).plus(reserve).fits(room) {
            out.push_str(joint);
            out.push_str(&text);
            used = used.plus(size);
            shown += 1;
        } else {
            if i == 0 {
                // Even the first does not fit whole: show its beginning.
                let first = clip(&text, room.minus(used).minus(reserve), CUT_NOTE);
                out.push_str(&first);
                shown = 1;
            }
            break;
        }
    }
    if shown < diagnostics.len() {
        out.push_str(&left_out(diagnostics.len() - shown));
    }
}

/// What a test may put in the document, in JSON bytes, when `n` tests share `all`.
fn share(all: usize, one: usize, n: usize, shrink: u32) -> usize {
    (all / n.max(1)).min(one) >> shrink
}

fn gradescope(verdict: &Verdict, shrink: u32) -> Value {
    let room = Room::json(GRADESCOPE_TOP_OUTPUT >> shrink);
    let mut output = clip(&verdict.message, room.quarter(), CUT_NOTE);
    push_compile_errors(&mut output, &verdict.compile_errors, room);
    let per_test = share(GRADESCOPE_ALL_TESTS, GRADESCOPE_ONE_TEST, verdict.tests.len(), shrink);
    let tests: Vec<Value> = verdict
        .tests
        .iter()
        .zip(shown_names(verdict))
        .enumerate()
        .map(|(i, (t, name))| gradescope_test(i, t, name, per_test))
        .collect();
    json!({
        "score": verdict.score,
        "execution_time": verdict.seconds,
        "output": output,
        "output_format": "text",
        // Each test says when it may be seen; these defaults apply to the rest.
        "visibility": "visible",
        // What the autograder script printed is for instructors (it is the grader's log).
        "stdout_visibility": "hidden",
        "tests": tests,
    })
}

fn gradescope_test(index: usize, t: &TestResult, name: String, per_test: usize) -> Value {
    let passed = t.status == Status::Pass;
    let hidden = t.visibility == Visibility::Hidden;
    let output = if hidden {
        // Shown to learners once grades are published: the score, never the details
        // (a failing assertion's message states the expected answer).
        (if passed { HIDDEN_PASSED } else { HIDDEN_FAILED }).to_string()
    } else {
        let room = Room::json(per_test);
        let mut text = clip(&t.message, Room::json(per_test / 2), CUT_NOTE);
        if !t.output.is_empty() {
            text.push_str("\n--- output ---\n");
            text.push_str(&t.output);
        }
        clip(&text, room, CUT_NOTE)
    };
    let mut extra = json!({ "execution_time": t.seconds });
    let mut entry = json!({
        "name": name,
        "number": (index + 1).to_string(),
        "score": t.score,
        "max_score": t.max_score,
        "status": if passed { "passed" } else { "failed" },
        "output": output,
        "output_format": "text",
        // Hidden tests count for points, so they cannot be `hidden` (Gradescope would
        // then hide the total from learners): they appear once grades are published.
        "visibility": if hidden { "after_published" } else { "visible" },
    });
    if !hidden {
        if let Some(kind) = t.kind {
            let kind = serde_json::to_value(kind).expect("a kind serialises");
            entry["tags"] = json!([kind.clone()]);
            extra["kind"] = kind;
        }
    }
    entry["extra_data"] = extra;
    entry
}

fn exercism_status(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Error => "error",
    }
}

fn exercism(verdict: &Verdict, sources: &[TestFn], shrink: u32) -> Value {
    // `error` means no test ran; otherwise the overall status must agree with the tests.
    let status = if verdict.status == Status::Error || verdict.tests.is_empty() {
        "error"
    } else if verdict.tests.iter().all(|t| t.status == Status::Pass) {
        "pass"
    } else {
        "fail"
    };
    let message_room = Room::json(share(EXERCISM_ALL_MESSAGES, usize::MAX, verdict.tests.len(), shrink));
    let message_room = Room { chars: EXERCISM_MESSAGE_CHARS, ..message_room };
    let tests: Vec<Value> = verdict
        .tests
        .iter()
        .zip(shown_names(verdict))
        .map(|(t, name)| {
            let hidden = t.visibility == Visibility::Hidden;
            let code = sources
                .iter()
                .find(|s| s.name == t.name && s.visibility() == t.visibility)
                .map(|s| s.code.clone())
                .unwrap_or_default();
            let mut entry = json!({
                "name": name,
                "status": exercism_status(t.status),
                // exercism shows test code to students; hidden tests keep theirs private.
                "test_code": if hidden { "// hidden test".to_string() } else { code },
            });
            if t.status != Status::Pass {
                entry["message"] =
                    json!(if hidden { HIDDEN_FAILED.to_string() } else { clip(&t.message, message_room, CUT_NOTE) });
            }
            if !t.output.is_empty() && !hidden {
                let room = Room { chars: EXERCISM_OUTPUT_CHARS, bytes: usize::MAX, json: usize::MAX };
                entry["output"] = json!(clip(&t.output, room, OUTPUT_CUT_NOTE));
            }
            entry
        })
        .collect();
    let mut doc = json!({ "version": 3, "status": status, "tests": tests });
    if status == "error" {
        let room = Room { chars: EXERCISM_MESSAGE_CHARS, bytes: EXERCISM_MESSAGE_CHARS, json: EXERCISM_TOP_MESSAGE >> shrink };
        let mut message = clip(&verdict.message, room.quarter(), CUT_NOTE);
        push_compile_errors(&mut message, &verdict.compile_errors, room);
        if message.is_empty() {
            message = "The tests could not run.".into();
        }
        doc["message"] = json!(message);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::FailureKind;

    fn result(name: &str, pass: bool, visibility: Visibility) -> TestResult {
        TestResult {
            name: name.into(),
            status: if pass { Status::Pass } else { Status::Fail },
            kind: (!pass).then_some(FailureKind::WrongAnswer),
            message: if pass { "passed".into() } else { format!("Wrong answer in {name}") },
            output: if pass { String::new() } else { "printed".into() },
            visibility,
            score: if pass { 2.0 } else { 0.0 },
            max_score: 2.0,
            seconds: 0.01,
            training: None,
            device: None,
        }
    }

    fn verdict() -> Verdict {
        Verdict::from_tests(
            "w1d1_x",
            vec![result("seen_ok", true, Visibility::Visible), result("seen_bad", false, Visibility::Visible), result("secret", false, Visibility::Hidden)],
            0.5,
            1.25,
        )
    }

    fn sources() -> Vec<TestFn> {
        vec![
            TestFn { module: "tests", name: "seen_ok".into(), code: "fn seen_ok() {}".into() },
            TestFn { module: "tests", name: "seen_bad".into(), code: "fn seen_bad() { assert!(false) }".into() },
            TestFn { module: "hidden", name: "secret".into(), code: "fn secret() { /* answer */ }".into() },
        ]
    }

    // ---- the two specifications, as checks ----

    const VISIBILITIES: [&str; 4] = ["hidden", "after_due_date", "after_published", "visible"];
    const OUTPUT_FORMATS: [&str; 5] = ["text", "html", "simple_format", "md", "ansi"];

    fn only_keys(value: &Value, allowed: &[&str], what: &str) {
        let object = value.as_object().unwrap_or_else(|| panic!("{what} is not an object: {value}"));
        for key in object.keys() {
            assert!(allowed.contains(&key.as_str()), "{what} has a key the spec does not define: {key}");
        }
    }

    fn optional_str<'a>(value: &'a Value, key: &str, what: &str) -> Option<&'a str> {
        value.get(key).map(|v| v.as_str().unwrap_or_else(|| panic!("{what}.{key} is not a string: {v}")))
    }

    fn one_of(value: Option<&str>, allowed: &[&str], what: &str) {
        if let Some(v) = value {
            assert!(allowed.contains(&v), "{what} = {v:?}, not one of {allowed:?}");
        }
    }

    fn fits_in_a_megabyte(doc: &Value) {
        let pretty = serde_json::to_vec_pretty(doc).unwrap().len();
        let compact = serde_json::to_vec(doc).unwrap().len();
        assert!(pretty <= DOC_LIMIT_BYTES, "the document is {pretty} bytes pretty-printed");
        assert!(compact <= pretty);
    }

    /// Gradescope's autograder results.json: field names, types and allowed values.
    fn check_gradescope(doc: &Value) {
        only_keys(
            doc,
            &["score", "execution_time", "output", "output_format", "test_output_format", "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"],
            "results",
        );
        let tests = doc.get("tests").map(|t| t.as_array().expect("tests is an array"));
        // A score is needed at the top or on every test.
        let score_on_every_test = tests.is_some_and(|t| t.iter().all(|t| t.get("score").is_some()));
        assert!(doc.get("score").is_some() || score_on_every_test, "no score anywhere");
        if let Some(score) = doc.get("score") {
            assert!(score.is_number(), "score is not a number: {score}");
        }
        if let Some(t) = doc.get("execution_time") {
            assert!(t.as_f64().is_some_and(|t| t >= 0.0), "execution_time: {t}");
        }
        optional_str(doc, "output", "results");
        one_of(optional_str(doc, "output_format", "results"), &OUTPUT_FORMATS, "output_format");
        one_of(optional_str(doc, "visibility", "results"), &VISIBILITIES, "visibility");
        one_of(optional_str(doc, "stdout_visibility", "results"), &VISIBILITIES, "stdout_visibility");
        if let Some(extra) = doc.get("extra_data") {
            assert!(extra.is_object(), "extra_data is not an object");
        }
        for (i, t) in tests.into_iter().flatten().enumerate() {
            let what = format!("tests[{i}]");
            only_keys(
                t,
                &["score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags", "visibility", "extra_data"],
                &what,
            );
            for key in ["score", "max_score"] {
                if let Some(v) = t.get(key) {
                    assert!(v.is_number(), "{what}.{key} is not a number: {v}");
                }
            }
            one_of(optional_str(t, "status", &what), &["passed", "failed"], &format!("{what}.status"));
            optional_str(t, "name", &what);
            optional_str(t, "number", &what);
            optional_str(t, "output", &what);
            one_of(optional_str(t, "output_format", &what), &OUTPUT_FORMATS, &format!("{what}.output_format"));
            one_of(optional_str(t, "visibility", &what), &VISIBILITIES, &format!("{what}.visibility"));
            if let Some(tags) = t.get("tags") {
                assert!(tags.as_array().is_some_and(|a| a.iter().all(Value::is_string)), "{what}.tags: {tags}");
            }
            if let Some(extra) = t.get("extra_data") {
                assert!(extra.is_object(), "{what}.extra_data is not an object");
            }
        }
        fits_in_a_megabyte(doc);
    }

    /// exercism's test-runner interface, version 3.
    fn check_exercism(doc: &Value) {
        only_keys(doc, &["version", "status", "message", "tests"], "results");
        assert_eq!(doc["version"].as_u64(), Some(3), "version");
        let status = doc["status"].as_str().expect("status is a string");
        one_of(Some(status), &["pass", "fail", "error"], "status");
        match doc.get("message") {
            None | Some(Value::Null) => assert_ne!(status, "error", "an error needs a message"),
            Some(message) => {
                assert_eq!(status, "error", "message is only for errors");
                let message = message.as_str().expect("message is a string");
                assert!(!message.is_empty());
                assert!(message.chars().count() <= EXERCISM_MESSAGE_CHARS, "message has {} characters", message.chars().count());
                assert!(message.len() <= EXERCISM_MESSAGE_CHARS, "message has {} bytes", message.len());
            }
        }
        let tests = match doc.get("tests") {
            Some(tests) => tests.as_array().expect("tests is an array").clone(),
            None => {
                assert_eq!(status, "error", "tests are required unless the status is error");
                Vec::new()
            }
        };
        let mut statuses = Vec::new();
        for (i, t) in tests.iter().enumerate() {
            let what = format!("tests[{i}]");
            only_keys(t, &["name", "status", "message", "output", "test_code", "task_id"], &what);
            assert!(t["name"].as_str().is_some_and(|n| !n.is_empty()), "{what}.name");
            let s = t["status"].as_str().unwrap_or_else(|| panic!("{what}.status is required"));
            one_of(Some(s), &["pass", "fail", "error"], &format!("{what}.status"));
            statuses.push(s.to_string());
            optional_str(t, "test_code", &what);
            if let Some(m) = t.get("message") {
                assert!(m.is_null() || m.is_string(), "{what}.message: {m}");
            }
            if let Some(output) = optional_str(t, "output", &what) {
                assert!(output.chars().count() <= EXERCISM_OUTPUT_CHARS, "{what}.output has {} characters", output.chars().count());
            }
            if let Some(id) = t.get("task_id") {
                assert!(id.as_u64().is_some(), "{what}.task_id: {id}");
            }
        }
        match status {
            "pass" => assert!(statuses.iter().all(|s| s == "pass"), "pass with {statuses:?}"),
            "fail" => assert!(statuses.iter().any(|s| s != "pass"), "fail with {statuses:?}"),
            _ => {}
        }
        fits_in_a_megabyte(doc);
    }

    fn both(verdict: &Verdict, sources: &[TestFn]) -> (Value, Value) {
        let gradescope = render(verdict, Format::Gradescope, sources);
        let exercism = render(verdict, Format::Exercism, sources);
        check_gradescope(&gradescope);
        check_exercism(&exercism);
        (gradescope, exercism)
    }

    /// Text with one- to four-byte characters and control characters (escaped in JSON).
    fn mixed_text(bytes: usize) -> String {
        let pieces = ["loss 0.25 ✓ ", "épsilon ", "🦀", "\u{1b}[31mred\u{1b}[0m ", "\"quoted\" \\ ", "line\n"];
        let mut text = String::new();
        for piece in pieces.iter().cycle() {
            if text.len() >= bytes {
                break;
            }
            text.push_str(piece);
        }
        text
    }

    // ---- tests ----

    #[test]
    fn gradescope_has_scores_statuses_and_hides_hidden_tests_until_published() {
        let doc = render(&verdict(), Format::Gradescope, &sources());
        check_gradescope(&doc);
        assert_eq!(doc["score"], 2.0);
        assert_eq!(doc["execution_time"], 1.25);
        let tests = doc["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 3);
        assert_eq!(tests[0]["status"], "passed");
        assert_eq!(tests[1]["status"], "failed");
        assert_eq!(tests[1]["max_score"], 2.0);
        assert_eq!(tests[1]["tags"], json!(["wrong_answer"]));
        assert!(tests[1]["output"].as_str().unwrap().contains("printed"));
        assert_eq!(tests[2]["visibility"], "after_published");
        assert_eq!(tests[2]["name"], "hidden test 1");
        assert_eq!(tests[2]["output"], HIDDEN_FAILED);
    }

    #[test]
    fn exercism_v3_shows_visible_test_code_but_never_hidden_code_or_messages() {
        let doc = render(&verdict(), Format::Exercism, &sources());
        check_exercism(&doc);
        assert_eq!(doc["version"], 3);
        assert_eq!(doc["status"], "fail");
        let tests = doc["tests"].as_array().unwrap();
        assert_eq!(tests[1]["test_code"], "fn seen_bad() { assert!(false) }");
        assert_eq!(tests[1]["message"], "Wrong answer in seen_bad");
        let secret = serde_json::to_string(&tests[2]).unwrap();
        assert!(!secret.contains("answer") && !secret.contains("secret") && !secret.contains("printed"), "{secret}");
        assert!(doc.get("message").is_none(), "message is only for errors");
    }

    #[test]
    fn clip_cuts_between_characters_and_keeps_its_note_inside_the_limit() {
        let text = "é✓🦀a".repeat(100);
        for chars in [0, 1, 5, 40, 41, 399, 400, 401] {
            let room = Room { chars, bytes: usize::MAX, json: usize::MAX };
            let out = clip(&text, room, " [cut]");
            assert!(out.chars().count() <= chars, "{chars}: {out}");
            if chars >= 400 {
                assert_eq!(out, text);
            } else if chars >= 6 {
                let kept = out.strip_suffix(" [cut]").expect("the note ends a cut text");
                assert!(text.starts_with(kept));
                assert_eq!(kept.chars().count(), chars - 6, "as much as fits is kept");
            }
        }
        // Limits in bytes (UTF-8 and JSON-escaped) never split a multibyte character.
        for bytes in 0..40 {
            let out = clip(&text, Room { chars: usize::MAX, bytes, json: usize::MAX }, "");
            assert!(out.len() <= bytes && text.starts_with(&out));
            let out = clip("\"\u{1}é", Room::json(bytes), "");
            assert!(serde_json::to_string(&out).unwrap().len() - 2 <= bytes);
        }
    }

    #[test]
    fn a_compile_error_with_ten_thousand_long_diagnostics_meets_both_specs() {
        let rendered = |i: usize| {
            format!("error[E0308]: mismatched types ({i})\n --> exercises/w1d1_x.rs:{i}:5\n  |\n{}\n", mixed_text(2_000))
        };
        let mut diagnostics: Vec<Diagnostic> = (0..10_000)
            .map(|i| Diagnostic {
                level: "error".into(),
                message: format!("mismatched types ({i})"),
                file: Some("exercises/w1d1_x.rs".into()),
                line: Some(i),
                column: Some(5),
                source_lines: vec!["    1.0".into()],
                rendered: rendered(i),
            })
            .collect();
        // One points into the hidden tests and quotes them.
        diagnostics[1] = Diagnostic {
            level: "error".into(),
            message: "cannot find function `helper` in module `exercise`".into(),
            file: Some("src/hidden.rs".into()),
            line: Some(7),
            column: Some(20),
            source_lines: vec!["    assert_eq!(exercise::helper(2), 42.0);".into()],
            rendered: "error[E0425]: cannot find function `helper`\n --> src/hidden.rs:7:20\n  |\n7 |     assert_eq!(exercise::helper(2), 42.0);\n".into(),
        };
        let tests = ["seen_ok", "seen_bad", "secret"]
            .iter()
            .map(|name| TestResult {
                status: Status::Error,
                kind: None,
                message: "not run: the code does not compile".into(),
                output: String::new(),
                visibility: if *name == "secret" { Visibility::Hidden } else { Visibility::Visible },
                score: 0.0,
                ..result(name, false, Visibility::Visible)
            })
            .collect();
        let verdict = Verdict {
            status: Status::Error,
            score: 0.0,
            message: "Your code does not compile (10000 errors); first at exercises/w1d1_x.rs:0: mismatched types (0)".into(),
            compile_errors: diagnostics,
            tests,
            ..verdict()
        };
        let (gradescope, exercism) = both(&verdict, &sources());

        let output = gradescope["output"].as_str().unwrap();
        assert!(output.starts_with("Your code does not compile (10000 errors)"), "the summary comes first");
        assert!(output.contains(&rendered(0).trim_end().to_string()), "whole diagnostics are shown while they fit");
        assert!(output.ends_with("more compiler errors not shown."), "{}", &output[output.len() - 200..]);
        assert!(gradescope["tests"].as_array().unwrap().iter().all(|t| t["status"] == "failed" && t["score"] == 0.0));

        assert_eq!(exercism["status"], "error");
        let message = exercism["message"].as_str().unwrap();
        assert!(message.starts_with("Your code does not compile"));
        assert!(message.ends_with("more compiler errors not shown."));
        assert!(exercism["tests"].as_array().unwrap().iter().all(|t| t["status"] == "error"));

        for doc in [&gradescope, &exercism] {
            let text = serde_json::to_string(doc).unwrap();
            assert!(!text.contains("exercise::helper(2), 42.0"), "a hidden test's source is quoted");
            assert!(!text.contains("/* answer */"));
        }
        assert!(output.contains("cannot find function `helper` in module `exercise` (in the hidden tests"));
    }

    #[test]
    fn a_flood_of_multibyte_output_is_cut_to_each_platforms_limit() {
        let flood = mixed_text(200_000);
        // Set after `from_tests`, which cuts them itself: an export must hold any verdict,
        // also one read back from an older results file.
        let mut verdict =
            Verdict::from_tests("w1d1_x", vec![result("seen_ok", true, Visibility::Visible), result("noisy", false, Visibility::Visible)], 0.5, 1.0);
        verdict.tests[1].output = flood.clone();
        verdict.tests[1].message = format!("assertion failed: {}", mixed_text(150_000));
        let (gradescope, exercism) = both(&verdict, &sources());

        let output = exercism["tests"][1]["output"].as_str().unwrap();
        assert_eq!(output.chars().count(), EXERCISM_OUTPUT_CHARS, "as much as fits is kept");
        let kept = output.strip_suffix(OUTPUT_CUT_NOTE).expect("the cut is noted");
        assert!(flood.starts_with(kept));
        let message = exercism["tests"][1]["message"].as_str().unwrap();
        assert!(message.chars().count() <= EXERCISM_MESSAGE_CHARS && message.ends_with(CUT_NOTE));

        let text = gradescope["tests"][1]["output"].as_str().unwrap();
        assert!(text.starts_with("assertion failed: loss 0.25 ✓ épsilon"));
        assert!(text.contains("\n--- output ---\nloss 0.25 ✓ "), "the output follows a shortened message");
        assert!(text.ends_with(CUT_NOTE));
        assert!(serde_json::to_string(text).unwrap().len() <= GRADESCOPE_ONE_TEST + 2);
    }

    #[test]
    fn many_flooding_tests_still_make_a_document_under_a_megabyte() {
        let tests = (0..60)
            .map(|i| {
                let mut t = result(&format!("t{i}"), false, Visibility::Visible);
                // Control characters take six bytes each once escaped in JSON.
                t.output = "\u{1}".repeat(200_000);
                t.message = "é".repeat(100_000);
                t
            })
            .collect();
        let verdict = Verdict::from_tests("w1d1_x", tests, 0.5, 1.0);
        let (gradescope, exercism) = both(&verdict, &[]);
        assert_eq!(gradescope["tests"].as_array().unwrap().len(), 60);
        assert_eq!(exercism["tests"].as_array().unwrap().len(), 60);
    }

    #[test]
    fn a_failing_hidden_test_reveals_neither_its_code_nor_its_message_nor_its_output() {
        let mut secret = result("secret", false, Visibility::Hidden);
        secret.message = "assertion `left == right` failed\n  left: 41.0\n right: 42.0 (EXPECTED_ANSWER)".into();
        secret.output = "debug: SECRET_PRINT".into();
        let mut passing_secret = result("secret_ok", true, Visibility::Hidden);
        passing_secret.message = "passed with 42.0 (EXPECTED_ANSWER)".into();
        let verdict = Verdict::from_tests("w1d1_x", vec![result("seen_ok", true, Visibility::Visible), secret, passing_secret], 0.5, 1.0);
        let mut sources = sources();
        sources[2].code = "fn secret() { assert_eq!(run(), 42.0); /* SECRET_CODE */ }".into();
        sources.push(TestFn { module: "hidden", name: "secret_ok".into(), code: "fn secret_ok() { /* SECRET_CODE */ }".into() });
        let (gradescope, exercism) = both(&verdict, &sources);
        for doc in [&gradescope, &exercism] {
            let text = serde_json::to_string(doc).unwrap();
            for leak in ["EXPECTED_ANSWER", "42.0", "SECRET_PRINT", "SECRET_CODE", "left == right", "secret"] {
                assert!(!text.contains(leak), "{leak} in {text}");
            }
        }
        assert_eq!(gradescope["tests"][1]["name"], "hidden test 1");
        assert_eq!(exercism["tests"][2]["name"], "hidden test 2");
        assert_eq!(gradescope["tests"][1]["visibility"], "after_published");
        assert_eq!(gradescope["tests"][1]["status"], "failed");
        assert!(gradescope["tests"][1].get("tags").is_none(), "not even the kind of failure");
        assert_eq!(exercism["tests"][1]["status"], "fail");
        assert_eq!(exercism["tests"][1]["test_code"], "// hidden test");
        assert!(exercism["tests"][1].get("output").is_none());
        assert!(gradescope["output"].as_str().unwrap().contains("a hidden test fails"));
    }

    #[test]
    fn formats_parse_from_their_names() {
        assert_eq!("gradescope".parse::<Format>(), Ok(Format::Gradescope));
        assert!("csv".parse::<Format>().unwrap_err().contains("native, gradescope or exercism"));
    }
}
