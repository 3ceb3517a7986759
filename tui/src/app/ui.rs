//! Drawing: a pure function of [`AppState`], so screens can be tested on a `TestBackend`.
//! Each screen draws itself (`screens/`); this picks the screen, then the overlay over it.
//! The tests here are the tutor's screenshots (`snapshots/`).

use super::state::{AppState, Screen};
use super::tutor::MIN_SIZE;
use super::widgets::styles::centered;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        draw_too_small(frame, area);
        return;
    }
    let tutor = &state.tutor;
    match &state.screen {
        Screen::Map => state.map.draw(frame, tutor),
        Screen::Lesson(screen) => screen.draw(frame, tutor),
        Screen::Exercise(screen) => screen.draw(frame, tutor),
        Screen::Solution(screen) => screen.draw(frame, tutor),
    }
    if let Some(overlay) = &state.overlay {
        overlay.draw(frame, tutor);
    }
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::styled("The terminal is too small.", Style::new().bold()),
        Line::raw(""),
        Line::raw(format!(
            "It is {}×{}: make the terminal at least {}×{}.",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        )),
        Line::raw("(q quits)"),
    ];
    let height = (text.len() as u16 + 1).min(area.height);
    frame.render_widget(Paragraph::new(text).centered().wrap(Wrap { trim: true }), centered(area, area.width, height));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::course_map::Item;
    use crate::app::keys::HELP_SECTIONS;
    use crate::app::screens::help::Overlay;
    use crate::app::fixture::{fixture_state, index_of, key, lesson_index, test_result};
    use crate::app::tutor::{Outcome, RunningGrade};
    use crate::app::widgets::chart::{self, Curve};
    use crate::app::worker::EngineBuild;
    use crossterm::event::KeyCode;
    use nma_grader::verdict::{Goal, TrainingRecord};
    use nma_grader::{Diagnostic, FailureKind, GradeEvent, Status, Verdict, Visibility};
    use ratatui::style::{Color, Modifier};
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::Terminal;
    use std::time::Duration;

    fn buffer(state: &AppState, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| draw(frame, state)).unwrap();
        terminal.backend().buffer().clone()
    }

    fn render_at(state: &AppState, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| draw(frame, state)).unwrap();
        terminal.backend().to_string()
    }

    fn render(state: &AppState) -> String {
        render_at(state, 100, 30)
    }

    fn open(state: &mut AppState, id: &str) -> usize {
        let index = state.tutor.course.exercises.iter().position(|e| e.id() == id).unwrap();
        state.open_exercise_at(index);
        index
    }

    /// A verdict from a while ago, as the exercise shows it.
    fn graded(state: &mut AppState, verdict: Verdict, seconds_ago: u64) {
        let at = state.tutor.now - Duration::from_secs(seconds_ago);
        state.tutor.outcomes.insert(verdict.exercise.clone(), Outcome { result: Ok(verdict), at });
        state.refresh_exercise();
    }

    fn pass(state: &mut AppState, id: &str) {
        let verdict = Verdict::from_tests(id, vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
        state.tutor.progress.record(&verdict);
    }

    #[test]
    fn course_map_with_mixed_progress() {
        let (_dir, mut state) = fixture_state();
        state.tutor.lessons_read.insert("w1d1/tensors".into());
        pass(&mut state, "w1d1_simple_ops");
        let mut tried = Verdict::from_tests("w1d3_cross_entropy", vec![test_result("a", Status::Fail, "")], 0.1, 0.2);
        tried.status = Status::Fail;
        state.tutor.progress.record(&tried);
        state.map.selected = Some(Item::Exercise(index_of(&state, "w1d3_cross_entropy")));
        state.tutor.notices.push(
            "Your progress file could not be read because it is not valid (EOF while parsing). It was kept as progress.json.bad-1 and progress starts afresh; your exercise files are untouched.".into(),
        );
        let screen = render(&state);
        assert!(screen.contains("◀ next"), "the next step is marked:\n{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn the_engines_first_build_shows_on_the_map_and_to_a_learner_who_saves_during_it() {
        let (_dir, mut state) = fixture_state();
        state.tutor.engine = EngineBuild::Building { built: 37, total: 52, current: "matrixmultiply".into() };
        let map = render(&state);
        assert!(map.contains("Getting the grader ready") && map.contains("37/52 built"), "{map}");
        insta::assert_snapshot!("engine_build_on_the_map", map);

        let index = open(&mut state, "w2d2_output_shape");
        // Saved while the worker builds the engine: the grade waits behind it.
        state.tutor.running = Some(RunningGrade { index, stage: None, started: state.tutor.now, losses: Vec::new() });
        let screen = render(&state);
        assert!(screen.contains("your file is queued; the engine is 37/52 built"), "{screen}");
        insta::assert_snapshot!("engine_build_on_the_exercise", screen);

        state.tutor.engine = EngineBuild::Failed("The first grade downloads the engine's crates once, and the network could not be reached.".into());
        state.screen = Screen::Map;
        let map = render(&state);
        assert!(map.contains("✗ The grader is not ready: The first grade downloads"), "{map}");
    }

    #[test]
    fn course_map_with_a_filter_being_typed() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Char('/')));
        for c in "loss".chars() {
            state.handle_key(key(KeyCode::Char(c)));
        }
        let screen = render(&state);
        assert!(!screen.contains("Output shape"), "filtered out:\n{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn lesson_reader_renders_markdown() {
        let (_dir, mut state) = fixture_state();
        state.open_lesson(lesson_index(&state, "w1d1/tensors"));
        insta::assert_snapshot!(render(&state));
    }

    #[test]
    fn lesson_reader_with_search_matches_highlighted() {
        let (_dir, mut state) = fixture_state();
        state.open_lesson(lesson_index(&state, "w1d3/losses"));
        state.handle_key(key(KeyCode::Char('/')));
        for c in "the loss".chars() {
            state.handle_key(key(KeyCode::Char(c)));
        }
        state.handle_key(key(KeyCode::Enter));
        state.handle_key(key(KeyCode::Char('n')));
        let screen = render(&state);
        assert!(screen.contains("“the loss” 2 of 30"), "{screen}");
        insta::assert_snapshot!(screen);

        // The snapshot is text only: check the marking on the cells themselves.
        let buffer = buffer(&state, 100, 30);
        let Screen::Lesson(view) = &state.screen else { panic!("reading") };
        let current = view.reader.search.matches[1];
        let row = 1 + (current.line - view.reader.scroll) as u16;
        let column = 2 + current.start as u16;
        let cell = &buffer[(column, row)];
        assert_eq!(cell.symbol(), "t");
        assert!(cell.modifier.contains(Modifier::REVERSED | Modifier::UNDERLINED), "current match: {cell:?}");
        let other = view.reader.search.matches[2];
        let cell = &buffer[(2 + other.start as u16, 1 + (other.line - view.reader.scroll) as u16)];
        assert!(cell.modifier.contains(Modifier::REVERSED), "other match: {cell:?}");
        assert!(!cell.modifier.contains(Modifier::UNDERLINED), "only the current match is underlined");
    }

    #[test]
    fn lesson_code_is_highlighted_in_palette_colours() {
        let (_dir, mut state) = fixture_state();
        state.open_lesson(lesson_index(&state, "w1d1/tensors"));
        let buffer = buffer(&state, 100, 30);
        let coloured: Vec<Color> =
            buffer.content().iter().filter_map(|c| (c.fg != Color::Reset).then_some(c.fg)).collect();
        assert!(coloured.contains(&Color::Magenta), "keywords");
        assert!(buffer.content().iter().all(|c| c.bg == Color::Reset), "no background is ever set");
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
        let verdict = failing_verdict(&state.tutor.workspace.exercise_file("w2d2_output_shape"));
        state.tutor.progress.record(&verdict);
        state.tutor.progress.reveal_hint("w2d2_output_shape", 3);
        graded(&mut state, verdict, 12);
        let screen = render(&state);
        assert!(!screen.contains("SECRET"), "hidden test details leak:\n{screen}");
        assert!(!screen.contains("secret_"), "hidden test names leak:\n{screen}");
        assert!(
            !screen.contains(&state.tutor.workspace.root.display().to_string()),
            "machine paths are shortened:\n{screen}"
        );
        assert!(!screen.contains("solution"), "no solution offered before a pass:\n{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn exercise_view_with_a_compile_error() {
        let (_dir, mut state) = fixture_state();
        let index = open(&mut state, "w2d2_output_shape");
        let file = state.tutor.workspace.exercise_file("w2d2_output_shape").display().to_string();
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
                column: Some(13),
                source_lines: vec!["    let p = unsafe { *ptr };".into()],
                rendered: String::new(),
            }],
            build_seconds: 0.8,
            build_memory_mb: None,
            seconds: 0.8,
            device: None,
        };
        graded(&mut state, verdict, 0);
        // A save arrived while this grade ran: the status line says another is queued.
        state.tutor.running =
            Some(RunningGrade { index, stage: Some(GradeEvent::Building), started: state.tutor.now, losses: vec![] });
        state.tutor.queued = Some(index);
        let screen = render(&state);
        insta::assert_snapshot!(screen);

        // The offending source lines are highlighted as Rust.
        let buffer = buffer(&state, 100, 30);
        let row = (0..30)
            .find(|y| (0..100).map(|x| buffer[(x, *y)].symbol()).collect::<String>().contains("let p = unsafe"))
            .unwrap();
        let line: Vec<_> = (0..100).map(|x| &buffer[(x, row)]).collect();
        let keyword = line.iter().position(|c| c.symbol() == "l").unwrap();
        assert_eq!(line[keyword].fg, Color::Magenta, "`let` is a keyword");
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
        state.tutor.progress.record(&verdict);
        graded(&mut state, verdict, 75);
        let screen = render(&state);
        assert!(screen.contains("s solution"), "the solution is offered after a pass:\n{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn exercise_view_fits_the_smallest_terminal() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        let verdict = failing_verdict(&state.tutor.workspace.exercise_file("w2d2_output_shape"));
        graded(&mut state, verdict, 12);
        state.resize(80, 24);
        let screen = render_at(&state, 80, 24);
        assert!(screen.contains("g grade now"), "grading stays one key away:\n{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn the_solution_view_shows_numbered_highlighted_source() {
        let (_dir, mut state) = fixture_state();
        let index = open(&mut state, "w2d2_output_shape");
        pass(&mut state, "w2d2_output_shape");
        state.show_solution(index, Ok("pub fn answer() -> u32 {\n    42 // the reference\n}\n".into()));
        insta::assert_snapshot!(render(&state));
    }

    fn curve_points(steps: usize, from: f64, to: f64) -> Vec<(usize, Option<f64>)> {
        // Exponential decay from `from` to `to`: a typical loss curve.
        (0..=steps).map(|s| (s, Some(from * (to / from).powf(s as f64 / steps as f64)))).collect()
    }

    fn training_record(metric: &str, goal: nma_grader::verdict::Goal, value: Option<f64>, threshold: f64) -> TrainingRecord {
        TrainingRecord {
            metric: metric.into(),
            value,
            threshold,
            goal,
            final_loss: Some(0.02),
            steps: 200,
            seconds: 1.25,
            losses: curve_points(200, 2.3, 0.02),
            diverged_at: None,
        }
    }

    fn training_verdict(record: TrainingRecord, status: Status, kind: Option<FailureKind>) -> Verdict {
        let mut test = test_result("loss_falls_below_the_threshold", status, "");
        test.kind = kind;
        test.training = Some(record);
        Verdict::from_tests("w1d5_train_mlp", vec![test], 0.3, 1.6)
    }

    #[test]
    fn training_chart_while_it_trains() {
        let (_dir, mut state) = fixture_state();
        let index = open(&mut state, "w1d5_train_mlp");
        state.tutor.running = Some(RunningGrade {
            index,
            stage: Some(GradeEvent::Running { done: 0, of: 1 }),
            started: state.tutor.now,
            losses: vec![("loss_falls_below_the_threshold".into(), curve_points(200, 2.3, 0.4)[..120].to_vec())],
        });
        let screen = render(&state);
        assert!(screen.contains("(live)") && screen.contains("training… step 119"), "{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn training_chart_after_a_pass_on_a_log_scale_with_the_threshold() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w1d5_train_mlp");
        let verdict = training_verdict(training_record("final loss", Goal::AtMost, Some(0.02), 0.05), Status::Pass, None);
        state.tutor.progress.record(&verdict);
        graded(&mut state, verdict, 3);
        let screen = render(&state);
        assert!(screen.contains("loss (log scale)"), "2.3 to 0.02 spans two decades:\n{screen}");
        assert!(screen.contains("threshold 0.05"), "{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn training_chart_of_a_diverged_run() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w1d5_train_mlp");
        let mut record = training_record("accuracy", Goal::AtLeast, None, 0.9);
        let mut losses = curve_points(60, 2.3, 1.5);
        losses.extend((61..=80).map(|s| (s, Some(1.5 * 1.3f64.powi(s as i32 - 60)))));
        losses.push((81, None));
        record.losses = losses;
        record.diverged_at = Some(81);
        record.final_loss = None;
        record.steps = 81;
        let verdict = training_verdict(record, Status::Fail, Some(FailureKind::Diverged));
        state.tutor.progress.record(&verdict);
        graded(&mut state, verdict, 3);
        let screen = render(&state);
        assert!(screen.contains("diverged at step 81"), "{screen}");
        assert!(screen.contains("accuracy none") && screen.contains("needs ≥ 0.9"), "{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn training_caption_names_the_metric_and_what_it_needs() {
        let record = training_record("accuracy", Goal::AtLeast, Some(0.874), 0.9);
        let curve = Curve { name: "t".into(), points: &record.losses, record: Some(&record), live: false };
        assert_eq!(
            chart::caption(&curve).to_string(),
            "accuracy 0.874 / needs ≥ 0.9 ✗ · final loss 0.02 after 200 steps in 1.2 s"
        );
    }

    #[test]
    fn help_lists_the_keys_of_every_screen() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Char('?')));
        // Tall enough for all of it: the snapshot is the whole help, to read.
        let screen = render_at(&state, 100, 100);
        for section in HELP_SECTIONS {
            assert!(screen.contains(section.title), "{} is missing:\n{screen}", section.title);
        }
        assert!(screen.contains(" any other key closes "), "{screen}");
        insta::assert_snapshot!(screen);
        let short = render_at(&state, 100, 30);
        assert!(short.contains(" ↑↓ scroll · any other key closes "), "{short}");
    }

    #[test]
    fn footers_and_prompts_name_their_keys_from_the_table() {
        let (_dir, mut state) = fixture_state();
        assert!(render(&state).contains(" ↑↓ move  Enter open  / filter  n next step  ? help  q quit"));
        state.handle_key(key(KeyCode::Char('/')));
        assert!(render(&state).contains(" type filter  Enter keep  Esc clear  ↑↓ move"));

        state.open_lesson(lesson_index(&state, "w1d1/autograd"));
        let no_exercises = render(&state);
        assert!(no_exercises.contains(" ↑↓ space scroll  / search  Esc map  ? help  q quit"), "{no_exercises}");
        state.handle_key(key(KeyCode::Char('/')));
        assert!(render(&state).contains(" search: ▏   Enter find · Esc cancel"));

        let index = open(&mut state, "w1d1_simple_ops");
        assert!(render(&state).contains(" g grade now  e edit  h hint  R reset  Tab lesson  Esc map  ? help"));
        pass(&mut state, "w1d1_simple_ops");
        assert!(render(&state).contains(" h hint  s solution  R reset"), "s shows once passed");
        state.overlay = Some(Overlay::ConfirmReset(index));
        assert!(render(&state).contains(" y  reset     any other key  keep my file"));
    }

    #[test]
    fn reset_asks_before_it_replaces_the_file() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w1d1_simple_ops");
        state.handle_key(key(KeyCode::Char('R')));
        insta::assert_snapshot!(render(&state));
    }

    #[test]
    fn too_small_a_terminal_says_how_big_it_must_be() {
        let (_dir, state) = fixture_state();
        let screen = render_at(&state, 79, 24);
        assert!(screen.contains("at least 80×24"), "{screen}");
        insta::assert_snapshot!(screen);
        assert!(render_at(&state, 120, 23).contains("at least 80×24"));
        assert!(!render_at(&state, 80, 24).contains("at least 80×24"));
    }

    #[test]
    fn every_screen_draws_at_the_smallest_size_and_larger() {
        let (_dir, mut state) = fixture_state();
        let mut screens = Vec::new();
        screens.push(state.clone());
        state.open_lesson(0);
        screens.push(state.clone());
        open(&mut state, "w2d2_output_shape");
        screens.push(state.clone());
        for mut s in screens {
            for (w, h) in [(80, 24), (81, 25), (200, 60)] {
                s.resize(w, h);
                let screen = render_at(&s, w, h);
                assert!(!screen.contains("too small"), "{w}×{h}:\n{screen}");
            }
        }
    }

}
