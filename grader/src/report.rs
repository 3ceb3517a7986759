//! Result files: our native `results.json` and the formats of Gradescope and exercism.

use crate::build::TestFn;
use crate::verdict::{Status, Verdict, Visibility};
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

/// Renders a verdict in `format`. `tests` gives the test sources (exercism shows them).
pub fn render(verdict: &Verdict, format: Format, tests: &[TestFn]) -> Value {
    match format {
        Format::Native => serde_json::to_value(verdict).expect("a verdict always serialises"),
        Format::Gradescope => gradescope(verdict),
        Format::Exercism => exercism(verdict, tests),
    }
}

fn compile_errors_text(verdict: &Verdict) -> String {
    verdict.compile_errors.iter().map(|d| d.rendered.trim_end()).collect::<Vec<_>>().join("\n")
}

fn gradescope(verdict: &Verdict) -> Value {
    let mut output = verdict.message.clone();
    if !verdict.compile_errors.is_empty() {
        output.push_str("\n\n");
        output.push_str(&compile_errors_text(verdict));
    }
    let tests: Vec<Value> = verdict
        .tests
        .iter()
        .map(|t| {
            let mut text = t.message.clone();
            if !t.output.is_empty() {
                text.push_str("\n--- output ---\n");
                text.push_str(&t.output);
            }
            json!({
                "name": t.name,
                "score": t.score,
                "max_score": t.max_score,
                "status": if t.status == Status::Pass { "passed" } else { "failed" },
                "output": text,
                // Hidden tests stay hidden from students until the instructor publishes grades.
                "visibility": match t.visibility {
                    Visibility::Visible => "visible",
                    Visibility::Hidden => "after_published",
                },
            })
        })
        .collect();
    json!({
        "score": verdict.score,
        "execution_time": verdict.seconds,
        "output": output,
        "tests": tests,
    })
}

fn exercism(verdict: &Verdict, sources: &[TestFn]) -> Value {
    let status = match verdict.status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Error => "error",
    };
    let tests: Vec<Value> = verdict
        .tests
        .iter()
        .map(|t| {
            let hidden = t.visibility == Visibility::Hidden;
            let code = sources
                .iter()
                .find(|s| s.name == t.name && (s.module == "hidden") == hidden)
                .map(|s| s.code.clone())
                .unwrap_or_default();
            let mut entry = json!({
                "name": t.name,
                "status": match t.status { Status::Pass => "pass", Status::Fail => "fail", Status::Error => "error" },
                // exercism shows test code to students; hidden tests keep theirs private.
                "test_code": if hidden { "// hidden test".to_string() } else { code },
            });
            if t.status != Status::Pass {
                entry["message"] = json!(if hidden { "A hidden test fails.".to_string() } else { t.message.clone() });
            }
            if !t.output.is_empty() && !hidden {
                entry["output"] = json!(t.output);
            }
            entry
        })
        .collect();
    let mut doc = json!({ "version": 3, "status": status, "tests": tests });
    if verdict.status == Status::Error {
        doc["message"] = json!(format!("{}\n\n{}", verdict.message, compile_errors_text(verdict)));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{FailureKind, TestResult};

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

    #[test]
    fn gradescope_has_scores_statuses_and_hides_hidden_tests_until_published() {
        let doc = render(&verdict(), Format::Gradescope, &sources());
        assert_eq!(doc["score"], 2.0);
        assert_eq!(doc["execution_time"], 1.25);
        let tests = doc["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 3);
        assert_eq!(tests[0]["status"], "passed");
        assert_eq!(tests[1]["status"], "failed");
        assert_eq!(tests[1]["max_score"], 2.0);
        assert!(tests[1]["output"].as_str().unwrap().contains("printed"));
        assert_eq!(tests[2]["visibility"], "after_published");
    }

    #[test]
    fn exercism_v3_shows_visible_test_code_but_never_hidden_code_or_messages() {
        let doc = render(&verdict(), Format::Exercism, &sources());
        assert_eq!(doc["version"], 3);
        assert_eq!(doc["status"], "fail");
        let tests = doc["tests"].as_array().unwrap();
        assert_eq!(tests[1]["test_code"], "fn seen_bad() { assert!(false) }");
        assert_eq!(tests[1]["message"], "Wrong answer in seen_bad");
        let secret = serde_json::to_string(&tests[2]).unwrap();
        assert!(!secret.contains("answer") && !secret.contains("Wrong answer in secret") && !secret.contains("printed"), "{secret}");
        assert!(doc.get("message").is_none(), "message is only for errors");
    }

    #[test]
    fn formats_parse_from_their_names() {
        assert_eq!("gradescope".parse::<Format>(), Ok(Format::Gradescope));
        assert!("csv".parse::<Format>().unwrap_err().contains("native, gradescope or exercism"));
    }
}
