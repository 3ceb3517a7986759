//! The exercise's result, as the lines its view scrolls: the verdict (compile errors as
//! rustc renders them, with the code highlighted; each test, hidden ones kept quiet), or
//! why the grader could not run, then the hints revealed so far.
//!
//! Built when what it shows changes (a verdict, a hint, a reset), not for every frame or
//! scroll key: see `ExerciseScreen::refresh`.

use crate::app::tutor::{Outcome, Tutor};
use crate::app::widgets::highlight;
use crate::app::widgets::styles::{fail_style, heading_style, pass_style, points, quiet_style, state_label};
use nma_grader::{Diagnostic, FailureKind, Status, TestResult, Verdict, Visibility};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

/// Lines of a failing test's output shown under it; the rest is cut.
const OUTPUT_LINES: usize = 8;

#[cfg(test)]
thread_local! {
    /// How many times this thread built a result (tests check it is not once per key).
    pub static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

pub fn body(tutor: &Tutor, index: usize) -> Vec<Line<'static>> {
    #[cfg(test)]
    BUILT.with(|built| built.set(built.get() + 1));
    let exercise = &tutor.course.exercises[index];
    let mut lines = Vec::new();
    match tutor.outcome(exercise.id()) {
        None => {
            lines.push(Line::from(
                "No verdict yet: save your file to grade it, or press g (e opens it in your editor).",
            ));
            if let Some(earlier) = tutor.progress.exercises.get(exercise.id()) {
                lines.push(Line::from(vec![
                    Span::raw("Earlier: "),
                    state_label(earlier.state),
                    Span::raw(format!(", best score {}/{}", points(earlier.score), points(earlier.max_score))),
                ]));
            }
        }
        Some(Outcome { result: Err(problem), .. }) => {
            lines.push(Line::styled("✗ The grader could not run (this is not your code's fault):", fail_style()));
            lines.extend(problem.lines().map(|l| Line::from(format!("  {l}"))));
        }
        Some(Outcome { result: Ok(verdict), .. }) => verdict_lines(tutor, verdict, &mut lines),
    }
    lines.push(Line::raw(""));
    hint_lines(tutor, index, &mut lines);
    lines
}

fn verdict_lines(tutor: &Tutor, verdict: &Verdict, lines: &mut Vec<Line<'static>>) {
    let (mark, style) = match verdict.status {
        Status::Pass => ("✓", pass_style()),
        Status::Fail | Status::Error => ("✗", fail_style()),
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{mark} {}", tutor.shorten_paths(&verdict.message)), style),
        Span::raw(format!("  score {}/{}", points(verdict.score), points(verdict.max_score))),
    ]));
    if verdict.passed() {
        lines.push(Line::from(
            "Well done! s shows the reference solution to compare with yours; Esc for the map when you are ready.",
        ));
    }
    if !verdict.compile_errors.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Compile errors", heading_style()));
        for (i, diagnostic) in verdict.compile_errors.iter().enumerate() {
            if i > 0 {
                lines.push(Line::raw(""));
            }
            diagnostic_lines(tutor, diagnostic, lines);
        }
    }
    if !verdict.tests.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Tests", heading_style()));
        for test in &verdict.tests {
            test_lines(tutor, test, lines);
        }
    }
}

/// A source line from rustc's rendering (`12 |     let x = …`) split into its gutter and code.
fn split_source_line(text: &str) -> Option<(&str, &str)> {
    let bar = text.find('|')?;
    let (gutter, rest) = text.split_at(bar);
    let number = gutter.trim();
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit())).then(|| (gutter, &rest[1..]))
}

/// One line of Rust, highlighted (it is shown without its neighbours, which is enough for
/// the keywords, strings and numbers of a single line).
fn rust_line(code: &str) -> Vec<Span<'static>> {
    highlight::highlight(code, "rust").into_iter().next().map(|l| l.spans).unwrap_or_default()
}

fn diagnostic_lines(tutor: &Tutor, d: &Diagnostic, lines: &mut Vec<Line<'static>>) {
    let rendered = tutor.shorten_paths(d.rendered.trim_end());
    if rendered.lines().count() > 1 {
        // rustc's own rendering: file:line:col, the source lines with carets and labels,
        // and its help; learners will meet exactly this text everywhere else in Rust.
        // The source lines in it are highlighted, so the code reads as code.
        for (i, text) in rendered.lines().enumerate() {
            if i == 0 {
                lines.push(Line::styled(format!("  {text}"), fail_style()));
            } else if let Some((gutter, code)) = split_source_line(text) {
                let mut spans = vec![Span::styled(format!("  {gutter}|"), quiet_style())];
                spans.extend(rust_line(code));
                lines.push(Line::from(spans));
            } else if text.trim_start().starts_with('|') && (text.contains('^') || text.contains('-')) {
                lines.push(Line::styled(format!("  {text}"), Style::new().fg(Color::Red)));
            } else {
                lines.push(Line::raw(format!("  {text}")));
            }
        }
        return;
    }
    lines.push(Line::from(vec![
        Span::styled(format!("  {}: ", d.level), fail_style()),
        Span::styled(d.message.clone(), Style::new().bold()),
    ]));
    if let (Some(file), Some(line)) = (&d.file, d.line) {
        let column = d.column.map(|c| format!(":{c}")).unwrap_or_default();
        lines.push(Line::from(format!("   --> {}:{line}{column}", tutor.shown_diagnostic_path(file))));
        let gutter = (line + d.source_lines.len()).to_string().len();
        for (i, source) in d.source_lines.iter().enumerate() {
            let mut spans = vec![Span::styled(format!("  {:>gutter$} | ", line + i), quiet_style())];
            spans.extend(rust_line(source));
            lines.push(Line::from(spans));
            if i == 0 {
                if let Some(column) = d.column {
                    let pad = " ".repeat(column.saturating_sub(1));
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {:>gutter$} | ", ""), quiet_style()),
                        Span::styled(format!("{pad}^"), fail_style()),
                    ]));
                }
            }
        }
    }
}

fn failure_label(test: &TestResult) -> &'static str {
    match (test.status, test.kind) {
        (Status::Error, _) => "not run",
        (_, Some(FailureKind::WrongAnswer)) => "wrong answer",
        (_, Some(FailureKind::Panic)) => "panicked",
        (_, Some(FailureKind::Timeout)) => "timed out",
        (_, Some(FailureKind::Crashed)) => "crashed",
        (_, Some(FailureKind::OutOfMemory)) => "ran out of memory",
        (_, Some(FailureKind::OutputLimit)) => "printed too much",
        (_, Some(FailureKind::Diverged)) => "training diverged",
        (_, Some(FailureKind::BelowThreshold)) => "below the threshold",
        (_, None) => "failed",
    }
}

fn test_lines(tutor: &Tutor, test: &TestResult, lines: &mut Vec<Line<'static>>) {
    let hidden = test.visibility == Visibility::Hidden;
    // Hidden tests say only whether they pass: their names and messages would give them away.
    let name = if hidden { "hidden test".to_string() } else { test.name.clone() };
    match test.status {
        Status::Pass => lines.push(Line::from(vec![Span::styled("  ✓ ", pass_style()), Span::raw(name)])),
        Status::Error => lines.push(Line::from(vec![
            Span::styled(format!("  - {name}"), quiet_style()),
            Span::styled(format!("  {}", failure_label(test)), quiet_style()),
        ])),
        Status::Fail => {
            let mut row = vec![Span::styled("  ✗ ", fail_style()), Span::raw(name)];
            if !hidden {
                row.push(Span::styled(format!("  {}", failure_label(test)), fail_style()));
            }
            lines.push(Line::from(row));
            if !hidden {
                lines.extend(tutor.shorten_paths(&test.message).lines().map(|l| Line::from(format!("      {l}"))));
                let output: Vec<&str> = test.output.lines().collect();
                if !output.is_empty() {
                    lines.push(Line::styled("      it printed:", quiet_style()));
                    for l in output.iter().take(OUTPUT_LINES) {
                        lines.push(Line::styled(format!("      │ {l}"), quiet_style()));
                    }
                    if output.len() > OUTPUT_LINES {
                        lines.push(Line::styled(
                            format!("      │ … {} more lines", output.len() - OUTPUT_LINES),
                            quiet_style(),
                        ));
                    }
                }
            }
        }
    }
}

fn hint_lines(tutor: &Tutor, index: usize, lines: &mut Vec<Line<'static>>) {
    let exercise = &tutor.course.exercises[index];
    let hints = &exercise.meta.hints;
    let shown = tutor.progress.hints_shown(exercise.id()).min(hints.len());
    if hints.is_empty() {
        return;
    }
    let more = if shown < hints.len() { " · press h for one more" } else { "" };
    lines.push(Line::styled(format!("Hints: {shown} of {} shown{more}", hints.len()), heading_style()));
    for (i, hint) in hints.iter().take(shown).enumerate() {
        lines.push(Line::from(format!("  {}. {hint}", i + 1)));
    }
}
