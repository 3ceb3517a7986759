//! The exercise view: what to do, the learner's file and whether saves are watched, the
//! grade running or the latest verdict (with the training curve for training
//! exercises), hints, and the keys to grade, edit, reset and see the solution.

use super::verdict;
use crate::app::course_map::Item;
use crate::app::effects::Effect;
use crate::app::keys::{Action, Context};
use crate::app::tutor::{Go, Outcome, Reply, Tutor};
use crate::app::widgets::chart::{self, Curve};
use crate::app::widgets::styles::{
    engine_progress, fail_style, footer_with, kind_label, pass_style, reflow, state_label, tried_style,
    wrapped_height,
};
use crate::app::worker::EngineBuild;
use nma_grader::{ExerciseState, GradeEvent, Visibility};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;
use std::time::SystemTime;

/// Lines one PageUp/PageDown moves the result.
const PAGE: u16 = 10;
/// Rows the training chart takes, at most.
const CHART_HEIGHT: u16 = 16;

/// The open exercise, how far its result is scrolled, and the result's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseScreen {
    /// Index into `course.exercises`.
    pub index: usize,
    pub scroll: u16,
    /// The result as drawn (`verdict::body`), kept until what it shows changes.
    body: Vec<Line<'static>>,
}

impl ExerciseScreen {
    pub fn open(index: usize, tutor: &Tutor) -> ExerciseScreen {
        ExerciseScreen { index, scroll: 0, body: verdict::body(tutor, index) }
    }

    /// What the result shows changed (a verdict, a hint, a reset, progress merged from disk).
    pub fn refresh(&mut self, tutor: &Tutor) {
        self.body = verdict::body(tutor, self.index);
        self.clamp();
    }

    /// Lines of the result (before wrapping).
    pub fn line_count(&self) -> usize {
        self.body.len()
    }

    /// Keeps the result from scrolling past its last line.
    fn clamp(&mut self) {
        self.scroll = self.scroll.min(self.line_count().saturating_sub(1) as u16);
    }

    pub fn scroll_by(&mut self, delta: i16) {
        self.scroll = self.scroll.saturating_add_signed(delta);
        self.clamp();
    }

    pub fn key(&mut self, action: Action, tutor: &mut Tutor) -> Reply {
        let index = self.index;
        match action {
            Action::Back => return Reply::go(Go::Map(Item::Exercise(index))),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(PAGE),
            Action::PageDown => self.scroll = self.scroll.saturating_add(PAGE),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = u16::MAX,
            Action::Hint => {
                let effects = reveal_hint(index, tutor);
                self.refresh(tutor);
                return Reply::effects(effects);
            }
            Action::Grade => {
                tutor.flash = Some("Grading…".into());
                return Reply::effects(tutor.request_grade(index));
            }
            Action::Edit => return Reply::effects(vec![Effect::OpenEditor(index)]),
            Action::Solution => return Reply::effects(ask_for_solution(index, tutor)),
            Action::Reset => return Reply::go(Go::ConfirmReset(index)),
            Action::ExerciseLesson => return exercise_lesson(index, tutor),
            _ => {}
        }
        self.clamp();
        Reply::default()
    }

    pub fn draw(&self, frame: &mut Frame, tutor: &Tutor) {
        let index = self.index;
        let exercise = &tutor.course.exercises[index];
        let meta = &exercise.meta;
        let area = frame.area();
        let inner_width = area.width.saturating_sub(2);
        let file = tutor.shown_file(exercise.id()).display().to_string();
        let file_line = format!("Your file: {file}");

        let summary = reflow(&meta.summary);
        let mut header = vec![Line::from(vec![
            Span::raw(format!("{} · {} · ", exercise.id(), kind_label(meta.kind))),
            state_label(tutor.progress.state(exercise.id())),
        ])];
        header.extend(summary.lines().map(|l| Line::from(l.to_string())));
        header.push(Line::from(vec![
            Span::styled("Your file: ", Style::new().bold()),
            Span::styled(file, Style::new().bold().underlined()),
        ]));
        header.push(watch_status(tutor, index));
        let header_height = 2 + 2 + wrapped_height(&summary, inner_width) + wrapped_height(&file_line, inner_width);
        let [header_area, body_area, footer_area] = Layout::vertical([
            Constraint::Length(header_height.min(area.height / 3)),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);

        frame.render_widget(
            Paragraph::new(header).wrap(Wrap { trim: false }).block(
                Block::bordered()
                    .title(Line::from(format!(" {} · {} ", meta.day, meta.title)).bold())
                    .title(Line::from(" Esc: course map ").right_aligned()),
            ),
            header_area,
        );

        let curve = training_curve(tutor, index);
        let result_area = match &curve {
            Some(curve) if body_area.height >= 14 => {
                let chart_height = (body_area.height / 2).clamp(10, CHART_HEIGHT);
                let [chart_area, rest] =
                    Layout::vertical([Constraint::Length(chart_height), Constraint::Fill(1)]).areas(body_area);
                chart::draw(frame, chart_area, curve);
                rest
            }
            _ => body_area,
        };

        let total = self.line_count();
        let title = if self.scroll > 0 || total > usize::from(result_area.height.saturating_sub(2)) {
            format!(" Result · line {} of {total} (↑↓ to scroll) ", usize::from(self.scroll) + 1)
        } else {
            " Result ".to_string()
        };
        frame.render_widget(
            Paragraph::new(Text::from(self.body.clone()))
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0))
                .block(Block::bordered().title(title)),
            result_area,
        );

        let passed = tutor.progress.state(exercise.id()) == ExerciseState::Passed;
        let keys = footer_with(
            Context::Exercise.footer(),
            |item| match item.action(Context::Exercise) {
                // Before a pass `s` only says the solution is locked.
                Some(Action::Solution) if !passed => None,
                _ => Some(item.text.to_string()),
            },
            tutor.flash.as_deref(),
        );
        frame.render_widget(keys, footer_area);
    }
}

fn reveal_hint(index: usize, tutor: &mut Tutor) -> Vec<Effect> {
    let exercise = &tutor.course.exercises[index];
    let available = exercise.meta.hints.len();
    let before = tutor.progress.hints_shown(exercise.id());
    if before >= available {
        tutor.flash =
            Some(if available == 0 { "This exercise has no hints.".into() } else { "All hints are shown.".into() });
        return Vec::new();
    }
    tutor.flash = None;
    let id = exercise.id().to_string();
    tutor.progress.reveal_hint(&id, available);
    vec![Effect::SaveProgress(tutor.progress.clone())]
}

/// The reference solution opens only after a pass: before, it would spoil the exercise.
fn ask_for_solution(index: usize, tutor: &mut Tutor) -> Vec<Effect> {
    if tutor.progress.state(tutor.course.exercises[index].id()) == ExerciseState::Passed {
        vec![Effect::LoadSolution(index)]
    } else {
        tutor.flash = Some("The reference solution opens once your code passes.".into());
        Vec::new()
    }
}

/// Tab: the lesson the exercise belongs to.
fn exercise_lesson(index: usize, tutor: &mut Tutor) -> Reply {
    let exercise = &tutor.course.exercises[index];
    let found = tutor
        .course
        .lessons
        .iter()
        .position(|l| l.id == exercise.meta.lesson || l.meta.exercises.iter().any(|e| e == exercise.id()));
    match found {
        Some(lesson) => Reply::go(Go::Lesson(lesson)),
        None => {
            tutor.flash = Some("This exercise's lesson is not written yet.".into());
            Reply::default()
        }
    }
}

/// The loss curve to draw: the live one while the exercise's grade trains, else the
/// first training test of its last verdict.
fn training_curve(tutor: &Tutor, index: usize) -> Option<Curve<'_>> {
    if let Some(running) = tutor.running.as_ref().filter(|r| r.index == index) {
        // The test that reported last is the one training now.
        if let Some((name, points)) = running.losses.last() {
            return Some(Curve { name: name.clone(), points, record: None, live: true });
        }
    }
    let id = tutor.course.exercises[index].id();
    let Some(Outcome { result: Ok(verdict), .. }) = tutor.outcome(id) else { return None };
    verdict.tests.iter().find_map(|test| {
        let record = test.training.as_ref()?;
        let name = if test.visibility == Visibility::Hidden { "hidden test".to_string() } else { test.name.clone() };
        Some(Curve { name, points: &record.losses, record: Some(record), live: false })
    })
}

/// "12 s ago", measured on the tutor's clock.
pub fn ago(now: SystemTime, then: SystemTime) -> String {
    let secs = now.duration_since(then).map(|d| d.as_secs()).unwrap_or(0);
    match secs {
        0..=4 => "just now".into(),
        5..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        _ => format!("{} h ago", secs / 3600),
    }
}

fn queued_behind_engine(engine: &EngineBuild) -> Option<String> {
    match engine {
        EngineBuild::Building { built, total, current } => Some(engine_progress(*built, *total, current)),
        _ => None,
    }
}

/// The line under the file: the grade running (or waiting), else whether saves are watched.
fn watch_status(tutor: &Tutor, index: usize) -> Line<'static> {
    let mut spans = Vec::new();
    match &tutor.running {
        Some(running) if running.index == index => {
            let elapsed = tutor.now.duration_since(running.started).map(|d| d.as_secs()).unwrap_or(0);
            let what = match running.stage {
                // The grader counts tests as they finish (they run in parallel).
                Some(GradeEvent::Running { done, of }) => format!("testing… {done} of {of} done"),
                Some(GradeEvent::Engine { built, total, ref current }) => engine_progress(built, total, current),
                // Queued behind the engine's build, which the worker does first.
                None if queued_behind_engine(&tutor.engine).is_some() => {
                    queued_behind_engine(&tutor.engine).unwrap_or_default()
                }
                Some(GradeEvent::Building) | None if elapsed >= 5 => {
                    format!("building… {elapsed} s (the first build compiles the engine: a minute or two)")
                }
                Some(GradeEvent::Building) | None => "building…".to_string(),
                // Training points do not replace the stage (see Tutor::grade_progress).
                Some(GradeEvent::Training { .. }) => "training…".to_string(),
            };
            spans.push(Span::styled(format!("◌ {what}"), tried_style().bold()));
        }
        Some(running) => {
            let other = tutor.course.exercises.get(running.index).map(|e| e.id()).unwrap_or("another exercise");
            spans.push(Span::styled(format!("◌ waiting: grading {other} first"), tried_style()));
        }
        None => match &tutor.watch_problem {
            Some(problem) => spans
                .push(Span::styled(format!("✗ not watching your file ({problem}); press g to grade"), fail_style())),
            None => spans.push(Span::styled("● watching for saves", pass_style())),
        },
    }
    if tutor.queued == Some(index) {
        spans.push(Span::raw(" · one more grade queued"));
    }
    let id = tutor.course.exercises[index].id();
    if let Some(outcome) = tutor.outcome(id) {
        let took = match &outcome.result {
            Ok(v) => format!(" in {:.1} s", v.seconds),
            Err(_) => String::new(),
        };
        spans.push(Span::raw(format!(" · graded {}{took}", ago(tutor.now, outcome.at))));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixture::{fixture_state, index_of, key, test_result};
    use crate::app::tutor::RunningGrade;
    use crossterm::event::KeyCode;
    use nma_grader::{Status, Verdict};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    use std::time::Duration;

    #[test]
    fn scrolling_the_result_does_not_build_it_again() {
        let (_dir, mut state) = fixture_state();
        let index = index_of(&state, "w2d2_output_shape");
        state.open_exercise_at(index);
        let tests = (0..40).map(|i| test_result(&format!("t{i}"), Status::Fail, "wrong")).collect();
        let verdict = Verdict::from_tests("w2d2_output_shape", tests, 0.1, 0.2);
        state.grade_finished("w2d2_output_shape", Ok(verdict));
        let built = verdict::BUILT.with(|b| b.get());
        for code in [KeyCode::Down, KeyCode::PageDown, KeyCode::End, KeyCode::Up, KeyCode::Home] {
            state.handle_key(key(code));
        }
        assert_eq!(verdict::BUILT.with(|b| b.get()), built, "scroll keys reuse the result's lines");
        state.handle_key(key(KeyCode::End));
        let crate::app::state::Screen::Exercise(screen) = &state.screen else { panic!("the exercise is open") };
        assert_eq!(usize::from(screen.scroll), screen.line_count() - 1, "End stops at the last line");
        state.handle_key(key(KeyCode::Char('h')));
        assert_eq!(verdict::BUILT.with(|b| b.get()), built + 1, "a hint changes it");
    }

    #[test]
    fn the_view_when_the_grader_fails_and_while_running() {
        let (_dir, mut state) = fixture_state();
        let index = index_of(&state, "w1d1_simple_ops");
        let tutor = &mut state.tutor;
        let problem = "cannot start `cargo`: is the Rust toolchain installed and on PATH?";
        tutor.outcomes.insert("w1d1_simple_ops".into(), Outcome { result: Err(problem.into()), at: tutor.now });
        let stage = Some(GradeEvent::Running { done: 2, of: 5 });
        tutor.running = Some(RunningGrade { index, stage, started: tutor.now, losses: vec![] });
        // The screen alone, drawn on a test backend.
        let screen = ExerciseScreen::open(index, tutor);
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal.draw(|frame| screen.draw(frame, tutor)).unwrap();
        let text = terminal.backend().to_string();
        assert!(text.contains("testing… 2 of 5 done"), "{text}");
        assert!(text.contains("The grader could not run"), "{text}");
        assert!(text.contains("cannot start `cargo`"), "{text}");
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
