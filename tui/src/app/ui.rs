//! Drawing: a pure function of [`AppState`], so screens can be tested on a `TestBackend`.
//!
//! Colours are only ever a second cue next to a symbol or word, and stick to the ones
//! that read on both light and dark backgrounds (no yellow, no dark grey).

use super::state::{AppState, Outcome, Screen};
use nma_grader::{
    Diagnostic, ExerciseKind, ExerciseState, FailureKind, GradeEvent, Status, TestResult, Verdict, Visibility,
};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use std::time::SystemTime;

/// Lines of a failing test's output shown under it; the rest is cut.
const OUTPUT_LINES: usize = 8;

pub fn draw(frame: &mut Frame, state: &AppState) {
    match &state.screen {
        Screen::List => draw_list(frame, state),
        Screen::Exercise(view) => draw_exercise(frame, state, view.index, view.scroll),
    }
}

fn pass_style() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}
fn fail_style() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}
fn tried_style() -> Style {
    Style::new().fg(Color::Magenta)
}
fn quiet_style() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}
fn heading_style() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

fn state_label(state: ExerciseState) -> Span<'static> {
    match state {
        ExerciseState::Passed => Span::styled("✓ done", pass_style()),
        ExerciseState::Attempted => Span::styled("● tried", tried_style()),
        ExerciseState::NotStarted => Span::raw("○ new"),
    }
}

fn kind_label(kind: ExerciseKind) -> &'static str {
    match kind {
        ExerciseKind::Unit => "unit tests",
        ExerciseKind::Property => "property tests",
        ExerciseKind::Training => "training run",
    }
}

/// `3` rather than `3.0`, `2.5` as is.
fn points(x: f64) -> String {
    format!("{x}")
}

/// The key help at the bottom: keys bold, what they do plain.
fn key_help(keys: &[(&'static str, &'static str)]) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in keys {
        spans.push(Span::styled(*key, Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans)
}

/// Joins the hard-wrapped lines of each paragraph (as written in `exercise.toml`) so
/// the text re-wraps to the terminal's width; blank lines still separate paragraphs.
fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rows `text` takes when word-wrapped to `width` (greedy, like the paragraph renders it).
fn wrapped_height(text: &str, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let mut rows = 0usize;
    for line in text.split('\n') {
        let mut used = 0usize;
        rows += 1;
        for word in line.split(' ') {
            let len = word.chars().count();
            if used == 0 {
                used = len;
            } else if used + 1 + len <= width {
                used += 1 + len;
            } else {
                rows += 1;
                used = len;
            }
            while used > width {
                rows += 1;
                used -= width;
            }
        }
    }
    rows.min(usize::from(u16::MAX)) as u16
}

fn draw_list(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    let selected = state.course.exercises.get(state.selected);
    let summary = selected.map(|e| reflow(&e.meta.summary)).unwrap_or_default();
    let mut status_lines = vec![format!("Workspace: {}", state.shown_workspace.display())];
    status_lines.extend(state.notices.iter().cloned());
    let status_text = status_lines.join("\n");
    let inner_width = area.width.saturating_sub(2);
    let summary_height = wrapped_height(&summary, inner_width).min(4) + 2;
    let status_height = wrapped_height(&status_text, area.width).min(area.height / 3).max(1);
    // The table takes only the rows it needs, so the summary sits right under it.
    let table_height = u16::try_from(state.course.exercises.len() + 3).unwrap_or(u16::MAX);
    let [table_area, summary_area, _, status_area, footer_area] = Layout::vertical([
        Constraint::Max(table_height),
        Constraint::Length(summary_height),
        Constraint::Fill(1),
        Constraint::Length(status_height),
        Constraint::Length(1),
    ])
    .areas(area);

    let done = state.course.exercises.iter().filter(|e| state.progress.state(e.id()) == ExerciseState::Passed).count();
    let rows = state.course.exercises.iter().map(|e| {
        Row::new(vec![
            Cell::from(e.meta.day.clone()),
            Cell::from(state_label(state.progress.state(e.id()))),
            Cell::from(e.id().to_string()),
            Cell::from(e.meta.title.clone()),
        ])
    });
    let id_width = state.course.exercises.iter().map(|e| e.id().len()).max().unwrap_or(8).max(8) as u16;
    let table = Table::new(
        rows,
        [Constraint::Length(5), Constraint::Length(7), Constraint::Length(id_width), Constraint::Fill(1)],
    )
    .header(Row::new(vec!["Day", "State", "Exercise", "Title"]).style(Style::new().add_modifier(Modifier::BOLD)))
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .highlight_symbol("▶ ")
    .block(
        Block::bordered()
            .title(Line::from(" nma-tutor · Neuromatch Academy Deep Learning, in Rust ").bold())
            .title(Line::from(format!(" {done} of {} done ", state.course.exercises.len())).right_aligned()),
    );
    let mut table_state = TableState::default().with_selected(Some(state.selected));
    frame.render_stateful_widget(table, table_area, &mut table_state);

    let title = selected.map(|e| format!(" {} ", e.meta.title)).unwrap_or_default();
    frame.render_widget(
        Paragraph::new(summary).wrap(Wrap { trim: true }).block(Block::bordered().title(title)),
        summary_area,
    );
    let mut status = vec![Line::from(status_lines[0].clone())];
    status.extend(state.notices.iter().map(|n| Line::styled(n.clone(), tried_style())));
    frame.render_widget(Paragraph::new(status).wrap(Wrap { trim: false }), status_area);
    frame.render_widget(key_help(&[("↑↓ jk", "move"), ("Enter", "open"), ("q", "quit")]), footer_area);
}

fn draw_exercise(frame: &mut Frame, state: &AppState, index: usize, scroll: u16) {
    let exercise = &state.course.exercises[index];
    let meta = &exercise.meta;
    let area = frame.area();
    let inner_width = area.width.saturating_sub(2);
    let file = state.shown_file(exercise.id()).display().to_string();
    let file_line = format!("Your file: {file}");

    let summary = reflow(&meta.summary);
    let mut header = vec![Line::from(vec![
        Span::raw(format!("{} · {} · ", exercise.id(), kind_label(meta.kind))),
        state_label(state.progress.state(exercise.id())),
    ])];
    header.extend(summary.lines().map(|l| Line::from(l.to_string())));
    header.push(Line::from(vec![
        Span::styled("Your file: ", Style::new().bold()),
        Span::styled(file, Style::new().bold().underlined()),
    ]));
    header.push(watch_status(state, index));
    let header_height = 2 + 2 + wrapped_height(&summary, inner_width) + wrapped_height(&file_line, inner_width);
    let [header_area, body_area, footer_area] = Layout::vertical([
        Constraint::Length(header_height.min(area.height / 2)),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);

    frame.render_widget(
        Paragraph::new(header).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(Line::from(format!(" {} · {} ", meta.day, meta.title)).bold())
                .title(Line::from(" Esc: all exercises ").right_aligned()),
        ),
        header_area,
    );

    let body = exercise_body(state, index);
    let total = body.len();
    let title = if scroll > 0 || total > usize::from(body_area.height.saturating_sub(2)) {
        format!(" Result · line {} of {total} (↑↓ to scroll) ", usize::from(scroll) + 1)
    } else {
        " Result ".to_string()
    };
    frame.render_widget(
        Paragraph::new(Text::from(body))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::bordered().title(title)),
        body_area,
    );

    let mut footer = key_help(&[("g", "grade now"), ("h", "hint"), ("↑↓", "scroll"), ("Esc", "back"), ("q", "quit")]);
    if let Some(flash) = &state.flash {
        footer.spans.push(Span::styled(flash.clone(), tried_style()));
    }
    frame.render_widget(footer, footer_area);
}

/// "12 s ago", measured on the state's clock.
fn ago(now: SystemTime, then: SystemTime) -> String {
    let secs = now.duration_since(then).map(|d| d.as_secs()).unwrap_or(0);
    match secs {
        0..=4 => "just now".into(),
        5..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        _ => format!("{} h ago", secs / 3600),
    }
}

fn watch_status(state: &AppState, index: usize) -> Line<'static> {
    let mut spans = Vec::new();
    match &state.running {
        Some(running) if running.index == index => {
            let elapsed = state.now.duration_since(running.started).map(|d| d.as_secs()).unwrap_or(0);
            let what = match running.stage {
                // The grader counts tests as they finish (they run in parallel).
                Some(GradeEvent::Running { done, of }) => format!("testing… {done} of {of} done"),
                Some(GradeEvent::Building) | None if elapsed >= 5 => {
                    format!("building… {elapsed} s (the first build compiles the engine: a minute or two)")
                }
                Some(GradeEvent::Building) | None => "building…".to_string(),
                // Training points do not replace the stage (see AppState::grade_progress).
                Some(GradeEvent::Training { .. }) => "training…".to_string(),
            };
            spans.push(Span::styled(format!("◌ {what}"), tried_style().bold()));
        }
        Some(running) => {
            let other = state.course.exercises.get(running.index).map(|e| e.id()).unwrap_or("another exercise");
            spans.push(Span::styled(format!("◌ waiting: grading {other} first"), tried_style()));
        }
        None => match &state.watch_problem {
            Some(problem) => spans
                .push(Span::styled(format!("✗ not watching your file ({problem}); press g to grade"), fail_style())),
            None => spans.push(Span::styled("● watching for saves", pass_style())),
        },
    }
    if state.queued == Some(index) {
        spans.push(Span::raw(" · one more grade queued"));
    }
    let id = state.course.exercises[index].id();
    if let Some(outcome) = state.outcome(id) {
        let took = match &outcome.result {
            Ok(v) => format!(" in {:.1} s", v.seconds),
            Err(_) => String::new(),
        };
        spans.push(Span::raw(format!(" · graded {}{took}", ago(state.now, outcome.at))));
    }
    Line::from(spans)
}

/// How many lines the exercise view's scrollable body has (before wrapping).
pub fn exercise_body_line_count(state: &AppState) -> usize {
    match &state.screen {
        Screen::Exercise(view) => exercise_body(state, view.index).len(),
        Screen::List => 0,
    }
}

fn exercise_body(state: &AppState, index: usize) -> Vec<Line<'static>> {
    let exercise = &state.course.exercises[index];
    let mut lines = Vec::new();
    match state.outcome(exercise.id()) {
        None => {
            lines.push(Line::from("No verdict yet: save your file to grade it, or press g."));
            if let Some(earlier) = state.progress.exercises.get(exercise.id()) {
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
        Some(Outcome { result: Ok(verdict), .. }) => verdict_lines(state, verdict, &mut lines),
    }
    lines.push(Line::raw(""));
    hint_lines(state, index, &mut lines);
    lines
}

fn verdict_lines(state: &AppState, verdict: &Verdict, lines: &mut Vec<Line<'static>>) {
    let (mark, style) = match verdict.status {
        Status::Pass => ("✓", pass_style()),
        Status::Fail | Status::Error => ("✗", fail_style()),
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{mark} {}", state.shorten_paths(&verdict.message)), style),
        Span::raw(format!("  score {}/{}", points(verdict.score), points(verdict.max_score))),
    ]));
    if verdict.passed() {
        lines.push(Line::from("Well done! Press Esc for the list when you are ready for the next exercise."));
    }
    if !verdict.compile_errors.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Compile errors", heading_style()));
        for (i, diagnostic) in verdict.compile_errors.iter().enumerate() {
            if i > 0 {
                lines.push(Line::raw(""));
            }
            diagnostic_lines(state, diagnostic, lines);
        }
    }
    if !verdict.tests.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Tests", heading_style()));
        for test in &verdict.tests {
            test_lines(state, test, lines);
        }
    }
}

fn diagnostic_lines(state: &AppState, d: &Diagnostic, lines: &mut Vec<Line<'static>>) {
    let rendered = state.shorten_paths(d.rendered.trim_end());
    if rendered.lines().count() > 1 {
        // rustc's own rendering: file:line:col, the source lines with carets and labels,
        // and its help; learners will meet exactly this text everywhere else in Rust.
        for (i, text) in rendered.lines().enumerate() {
            let style = if i == 0 {
                fail_style()
            } else if text.trim_start().starts_with('|') && text.contains('^') {
                Style::new().fg(Color::Red)
            } else {
                Style::new()
            };
            lines.push(Line::styled(format!("  {text}"), style));
        }
        return;
    }
    lines.push(Line::from(vec![
        Span::styled(format!("  {}: ", d.level), fail_style()),
        Span::styled(d.message.clone(), Style::new().bold()),
    ]));
    if let (Some(file), Some(line)) = (&d.file, d.line) {
        let column = d.column.map(|c| format!(":{c}")).unwrap_or_default();
        lines.push(Line::from(format!("   --> {}:{line}{column}", state.shown_diagnostic_path(file))));
        let gutter = (line + d.source_lines.len()).to_string().len();
        for (i, source) in d.source_lines.iter().enumerate() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:>gutter$} | ", line + i), quiet_style()),
                Span::raw(source.clone()),
            ]));
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

fn test_lines(state: &AppState, test: &TestResult, lines: &mut Vec<Line<'static>>) {
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
                lines.extend(state.shorten_paths(&test.message).lines().map(|l| Line::from(format!("      {l}"))));
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

fn hint_lines(state: &AppState, index: usize, lines: &mut Vec<Line<'static>>) {
    let exercise = &state.course.exercises[index];
    let hints = &exercise.meta.hints;
    let shown = state.progress.hints_shown(exercise.id()).min(hints.len());
    if hints.is_empty() {
        return;
    }
    let more = if shown < hints.len() { " · press h for one more" } else { "" };
    lines.push(Line::styled(format!("Hints: {shown} of {} shown{more}", hints.len()), heading_style()));
    for (i, hint) in hints.iter().take(shown).enumerate() {
        lines.push(Line::from(format!("  {}. {hint}", i + 1)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::tests::{fixture_state, test_result};
    use crate::app::state::ExerciseView;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use std::time::Duration;

    fn render(state: &AppState) -> String {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal.draw(|frame| draw(frame, state)).unwrap();
        terminal.backend().to_string()
    }

    fn open(state: &mut AppState, id: &str) -> usize {
        let index = state.course.exercises.iter().position(|e| e.id() == id).unwrap();
        state.screen = Screen::Exercise(ExerciseView { index, scroll: 0 });
        index
    }

    fn graded(state: &mut AppState, verdict: Verdict, seconds_ago: u64) {
        let at = state.now - Duration::from_secs(seconds_ago);
        state.outcomes.insert(verdict.exercise.clone(), Outcome { result: Ok(verdict), at });
    }

    #[test]
    fn exercise_list_with_mixed_states() {
        let (_dir, mut state) = fixture_state();
        let mut pass = Verdict::from_tests("w1d1_simple_ops", vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
        state.progress.record(&pass);
        pass.exercise = "w1d3_cross_entropy".into();
        pass.status = Status::Fail;
        state.progress.record(&pass);
        state.selected = 1;
        state.notices.push("Copied 3 starter files into your workspace.".into());
        insta::assert_snapshot!(render(&state));
    }

    fn failing_verdict(file: &std::path::Path) -> Verdict {
        let mut wrong = test_result(
            "stride_two_halves_the_size",
            Status::Fail,
            "assertion `left == right` failed: output_shape([8, 8], [3, 3], 2, 1)\n  left: [8, 8]\n right: [4, 4]",
        );
        wrong.kind = Some(FailureKind::WrongAnswer);
        wrong.output = "debug: n = 8".into();
        let mut panicked = test_result(
            "kernel_larger_than_input",
            Status::Fail,
            &format!("panicked at {}:4:5: attempt to subtract with overflow", file.display()),
        );
        panicked.kind = Some(FailureKind::Panic);
        let mut hidden = test_result("secret_asymmetric_case", Status::Fail, "SECRET MESSAGE");
        hidden.kind = Some(FailureKind::WrongAnswer);
        hidden.output = "SECRET OUTPUT".into();
        hidden.visibility = Visibility::Hidden;
        let mut hidden_pass = test_result("secret_square_case", Status::Pass, "");
        hidden_pass.visibility = Visibility::Hidden;
        let tests = vec![test_result("no_padding_stride_one", Status::Pass, ""), wrong, panicked, hidden, hidden_pass];
        Verdict::from_tests("w2d2_output_shape", tests, 0.3, 0.42)
    }

    #[test]
    fn exercise_view_with_a_failing_verdict() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        let verdict = failing_verdict(&state.workspace.exercise_file("w2d2_output_shape"));
        state.progress.record(&verdict);
        state.progress.reveal_hint("w2d2_output_shape", 3);
        graded(&mut state, verdict, 12);
        let screen = render(&state);
        assert!(!screen.contains("SECRET"), "hidden test details leak:\n{screen}");
        assert!(!screen.contains("secret_"), "hidden test names leak:\n{screen}");
        assert!(
            !screen.contains(&state.workspace.root.display().to_string()),
            "machine paths are shortened:\n{screen}"
        );
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn exercise_view_with_a_compile_error() {
        let (_dir, mut state) = fixture_state();
        let index = open(&mut state, "w2d2_output_shape");
        let file = state.workspace.exercise_file("w2d2_output_shape").display().to_string();
        let mut tests = vec![test_result("no_padding_stride_one", Status::Error, "not run: the code does not compile")];
        tests[0].score = 0.0;
        let verdict = Verdict {
            exercise: "w2d2_output_shape".into(),
            status: Status::Error,
            score: 0.0,
            max_score: 1.0,
            message: format!("Your code does not compile (2 errors); first at {file}:3: mismatched types"),
            tests,
            compile_errors: vec![Diagnostic {
                level: "error".into(),
                message: "mismatched types".into(),
                file: Some(file.clone()),
                line: Some(3),
                column: Some(5),
                source_lines: vec!["    input[0] + padding".into()],
                rendered: format!(
                    "error[E0308]: mismatched types\n --> {file}:3:5\n  |\n3 |     input[0] + padding\n  |     ^^^^^^^^^^^^^^^^^^ expected `[usize; 2]`, found `usize`\n  |\n  = note: expected array `[usize; 2]`\n             found type `usize`\n"
                ),
            },
            Diagnostic {
                level: "error".into(),
                message: "`unsafe` is not allowed in exercises".into(),
                file: Some(file.clone()),
                line: Some(7),
                column: Some(9),
                source_lines: vec!["    let p = unsafe { *ptr };".into()],
                rendered: String::new(),
            }],
            build_seconds: 0.8,
            seconds: 0.8,
        };
        graded(&mut state, verdict, 0);
        // A save arrived while this grade ran: the status line says another is queued.
        state.running =
            Some(crate::app::state::RunningGrade { index, stage: Some(GradeEvent::Building), started: state.now });
        state.queued = Some(index);
        insta::assert_snapshot!(render(&state));
    }

    #[test]
    fn exercise_view_after_a_pass() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        let tests = vec![
            test_result("no_padding_stride_one", Status::Pass, ""),
            test_result("stride_two_halves_the_size", Status::Pass, ""),
        ];
        let verdict = Verdict::from_tests("w2d2_output_shape", tests, 0.2, 0.35);
        state.progress.record(&verdict);
        graded(&mut state, verdict, 75);
        insta::assert_snapshot!(render(&state));
    }

    #[test]
    fn exercise_view_when_the_grader_fails_and_while_running() {
        let (_dir, mut state) = fixture_state();
        let index = open(&mut state, "w1d1_simple_ops");
        state.outcomes.insert(
            "w1d1_simple_ops".into(),
            Outcome {
                result: Err("cannot start `cargo`: is the Rust toolchain installed and on PATH?".into()),
                at: state.now,
            },
        );
        state.running = Some(crate::app::state::RunningGrade {
            index,
            stage: Some(GradeEvent::Running { done: 2, of: 5 }),
            started: state.now,
        });
        let screen = render(&state);
        assert!(screen.contains("testing… 2 of 5 done"), "{screen}");
        assert!(screen.contains("The grader could not run"), "{screen}");
        assert!(screen.contains("cannot start `cargo`"), "{screen}");
    }

    #[test]
    fn wrapped_height_counts_word_wrapped_rows() {
        assert_eq!(wrapped_height("", 10), 1);
        assert_eq!(wrapped_height("hello world", 11), 1);
        assert_eq!(wrapped_height("hello world", 10), 2);
        assert_eq!(wrapped_height("a\nb", 10), 2);
        assert_eq!(wrapped_height("abcdefghijkl", 5), 3);
    }

    #[test]
    fn relative_times_read_naturally() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(ago(t, t), "just now");
        assert_eq!(ago(t + Duration::from_secs(12), t), "12 s ago");
        assert_eq!(ago(t + Duration::from_secs(150), t), "2 min ago");
        assert_eq!(ago(t, t + Duration::from_secs(3)), "just now", "a clock going back is not an error");
    }
}
