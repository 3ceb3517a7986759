//! The state's tests: keys, saves, grades and the preview, on the fixture course.

use super::*;
use crate::app::fixture::{fixture_state, index_of, key, lesson_index, open, test_result, type_text};
use crate::app::tutor::{Outcome, LIVE_POINTS};
use crate::app::widgets::reader::ReaderLayout;
use crossterm::event::KeyCode;
use crossterm::event::KeyModifiers;
use nma_grader::{Exercise, ExerciseState, Status};



fn pass(state: &mut AppState, id: &str) {
    let verdict = Verdict::from_tests(id, vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
    state.tutor.progress.record(&verdict);
}

#[test]
fn the_map_orders_lessons_then_their_exercises_by_day() {
    let (_dir, state) = fixture_state();
    let names: Vec<String> = state
        .map
        .course_map
        .items()
        .map(|item| match item {
            Item::Lesson(l) => state.tutor.course.lessons[l].id.clone(),
            Item::Exercise(e) => state.tutor.course.exercises[e].id().to_string(),
        })
        .collect();
    assert_eq!(
        names,
        vec![
            "w1d1/tensors",
            "w1d1_simple_ops",
            "w1d1/autograd",
            "w1d3/losses",
            "w1d3_cross_entropy",
            "w1d5/training",
            "w1d5_train_mlp",
            "w2d2_output_shape"
        ]
    );
}

#[test]
fn the_next_step_is_the_first_item_not_done_and_starts_selected() {
    let (_dir, mut state) = fixture_state();
    assert_eq!(state.next_step(), Some(Item::Lesson(lesson_index(&state, "w1d1/tensors"))));
    assert_eq!(state.map.selected, state.next_step());
    state.tutor.lessons_read.insert("w1d1/tensors".into());
    assert_eq!(state.next_step(), Some(Item::Exercise(index_of(&state, "w1d1_simple_ops"))));
    pass(&mut state, "w1d1_simple_ops");
    assert_eq!(state.next_step(), Some(Item::Lesson(lesson_index(&state, "w1d1/autograd"))));
    state.map.selected = Some(Item::Exercise(index_of(&state, "w2d2_output_shape")));
    state.handle_key(key(KeyCode::Char('n')));
    assert_eq!(state.map.selected, state.next_step(), "n jumps to the next step");
}

#[test]
fn map_navigation_stays_within_the_course() {
    let (_dir, mut state) = fixture_state();
    let items = state.visible_items();
    state.handle_key(key(KeyCode::Up));
    assert_eq!(state.map.selected, Some(items[0]));
    state.handle_key(key(KeyCode::Char('j')));
    state.handle_key(key(KeyCode::Down));
    assert_eq!(state.map.selected, Some(items[2]));
    state.handle_key(key(KeyCode::End));
    assert_eq!(state.map.selected, items.last().copied());
    state.handle_key(key(KeyCode::Down));
    assert_eq!(state.map.selected, items.last().copied(), "the last row stays selected");
    state.handle_key(key(KeyCode::Home));
    assert_eq!(state.map.selected, Some(items[0]));
}

#[test]
fn the_filter_narrows_the_map_as_you_type_and_esc_clears_it() {
    let (_dir, mut state) = fixture_state();
    state.handle_key(key(KeyCode::Char('/')));
    assert!(state.typing());
    type_text(&mut state, "LOSS");
    let visible = state.visible_items();
    assert_eq!(
        visible,
        vec![
            Item::Lesson(lesson_index(&state, "w1d3/losses")),
            Item::Exercise(index_of(&state, "w1d3_cross_entropy")),
            Item::Exercise(index_of(&state, "w1d5_train_mlp")),
        ],
        "titles, ids and summaries match, ignoring case"
    );
    assert_eq!(state.map.selected, Some(visible[0]), "the selection moves to a match");
    assert!(!state.quit, "q while typing is a letter, not quit");
    state.handle_key(key(KeyCode::Enter));
    assert!(!state.typing());
    assert_eq!(state.map.filter, "LOSS", "Enter keeps the filter");
    state.handle_key(key(KeyCode::Down));
    assert_eq!(state.map.selected, Some(visible[1]));
    state.handle_key(key(KeyCode::Esc));
    assert_eq!(state.map.filter, "");
    assert_eq!(state.map.selected, Some(visible[1]), "clearing keeps the selection");
    assert_eq!(state.visible_items().len(), 8);
}

#[test]
fn enter_opens_lessons_and_exercises_and_esc_goes_back_to_them() {
    let (_dir, mut state) = fixture_state();
    state.handle_key(key(KeyCode::Enter));
    assert!(matches!(state.screen, Screen::Lesson(LessonScreen { index: 0, .. })));
    state.handle_key(key(KeyCode::Esc));
    assert_eq!(state.screen, Screen::Map);
    state.handle_key(key(KeyCode::Down));
    state.handle_key(key(KeyCode::Enter));
    assert_eq!(state.open_exercise().map(Exercise::id), Some("w1d1_simple_ops"));
    state.handle_key(key(KeyCode::Esc));
    assert_eq!(state.screen, Screen::Map);
    assert_eq!(state.map.selected, Some(Item::Exercise(index_of(&state, "w1d1_simple_ops"))));
    assert!(!state.quit);
}

#[test]
fn x_goes_from_a_lesson_to_its_exercise_and_tab_back_to_the_same_place() {
    let (_dir, mut state) = fixture_state();
    state.open_lesson(lesson_index(&state, "w1d3/losses"));
    state.handle_key(key(KeyCode::PageDown));
    let Screen::Lesson(view) = &state.screen else { panic!("reading") };
    let scroll = view.reader.scroll;
    assert!(scroll > 0);
    state.handle_key(key(KeyCode::Char('x')));
    assert_eq!(state.open_exercise().map(Exercise::id), Some("w1d3_cross_entropy"));
    state.handle_key(key(KeyCode::Tab));
    let Screen::Lesson(view) = &state.screen else { panic!("back in the lesson") };
    assert_eq!(view.reader.scroll, scroll, "the lesson reopens where it was left");

    state.open_lesson(lesson_index(&state, "w1d1/autograd"));
    state.handle_key(key(KeyCode::Char('x')));
    assert_eq!(state.tutor.flash.as_deref(), Some("This lesson has no exercises."));
}

#[test]
fn a_lesson_counts_as_read_once_its_end_is_on_screen() {
    let (_dir, mut state) = fixture_state();
    state.open_lesson(lesson_index(&state, "w1d3/losses"));
    assert!(state.tutor.lessons_read.is_empty(), "a long lesson is not read on opening");
    assert_eq!(state.handle_key(key(KeyCode::End)), vec![Effect::SaveLessonsRead(state.tutor.lessons_read.clone())]);
    assert!(state.tutor.lessons_read.contains("w1d3/losses"));
    assert_eq!(state.handle_key(key(KeyCode::Up)), vec![], "recorded once");
}

#[test]
fn lesson_search_highlights_and_n_and_shift_n_move_between_matches() {
    let (_dir, mut state) = fixture_state();
    state.open_lesson(lesson_index(&state, "w1d3/losses"));
    state.handle_key(key(KeyCode::Char('/')));
    type_text(&mut state, "paragraph 2");
    assert!(state.typing(), "n, N and q are text while typing");
    state.handle_key(key(KeyCode::Enter));
    let reader = |state: &AppState| match &state.screen {
        Screen::Lesson(view) => view.reader.clone(),
        _ => panic!("reading"),
    };
    // "Paragraph 2:" and "Paragraph 20" … "Paragraph 29".
    assert_eq!(reader(&state).search.matches.len(), 11);
    assert_eq!(reader(&state).search.current, Some(0));
    state.handle_key(key(KeyCode::Char('n')));
    assert_eq!(reader(&state).search.current, Some(1));
    let on_screen = reader(&state).search.matches[1].line;
    let r = reader(&state);
    assert!(r.scroll <= on_screen && on_screen < r.scroll + state.tutor.reader_page(), "the match is shown");
    state.handle_key(key(KeyCode::Char('N')));
    state.handle_key(key(KeyCode::Char('N')));
    assert_eq!(reader(&state).search.current, Some(10), "N wraps around to the last match");
    state.handle_key(key(KeyCode::Esc));
    assert!(reader(&state).search.matches.is_empty(), "Esc clears the search");
    assert!(matches!(state.screen, Screen::Lesson(_)), "and stays in the lesson");
}

#[test]
fn the_solution_is_locked_until_the_exercise_passes() {
    let (_dir, mut state) = fixture_state();
    open(&mut state, "w2d2_output_shape");
    let index = index_of(&state, "w2d2_output_shape");
    assert_eq!(state.handle_key(key(KeyCode::Char('s'))), vec![]);
    assert_eq!(state.tutor.flash.as_deref(), Some("The reference solution opens once your code passes."));
    let failed = Verdict::from_tests("w2d2_output_shape", vec![test_result("a", Status::Fail, "")], 0.1, 0.2);
    state.grade_finished("w2d2_output_shape", Ok(failed));
    assert_eq!(state.handle_key(key(KeyCode::Char('s'))), vec![], "still locked after a failure");

    pass(&mut state, "w2d2_output_shape");
    assert_eq!(state.handle_key(key(KeyCode::Char('s'))), vec![Effect::LoadSolution(index)]);
    state.show_solution(index, Ok("fn solved() {}\n".into()));
    assert!(matches!(state.screen, Screen::Solution(SolutionScreen { index: i, .. }) if i == index));
    state.handle_key(key(KeyCode::Esc));
    assert_eq!(state.open_exercise().map(Exercise::id), Some("w2d2_output_shape"));
}

#[test]
fn reset_asks_first_and_only_y_confirms() {
    let (_dir, mut state) = fixture_state();
    open(&mut state, "w1d1_simple_ops");
    let index = index_of(&state, "w1d1_simple_ops");
    assert_eq!(state.handle_key(key(KeyCode::Char('R'))), vec![]);
    assert_eq!(state.overlay, Some(Overlay::ConfirmReset(index)));
    assert_eq!(state.handle_key(key(KeyCode::Char('q'))), vec![], "any other key cancels");
    assert!(!state.quit && state.overlay.is_none());
    assert_eq!(state.tutor.flash.as_deref(), Some("Reset cancelled: your file is unchanged."));

    state.handle_key(key(KeyCode::Char('R')));
    assert_eq!(state.handle_key(key(KeyCode::Char('y'))), vec![Effect::Reset(index)]);
    pass(&mut state, "w1d1_simple_ops");
    let verdict = Verdict::from_tests("w1d1_simple_ops", vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
    state.tutor.outcomes.insert("w1d1_simple_ops".into(), Outcome { result: Ok(verdict), at: state.tutor.now });
    state.reset_done(index, Ok(Some(PathBuf::from("/ws/exercises/w1d1_simple_ops.rs.bak-17"))));
    assert!(state.tutor.outcome("w1d1_simple_ops").is_none(), "the old verdict is gone with the old file");
    assert_eq!(state.tutor.progress.state("w1d1_simple_ops"), ExerciseState::Passed, "progress is kept");
    assert!(state.tutor.flash.as_deref().unwrap().contains("w1d1_simple_ops.rs.bak-17"));
}

#[test]
fn e_asks_for_the_editor_and_help_opens_from_any_screen() {
    let (_dir, mut state) = fixture_state();
    state.handle_key(key(KeyCode::Char('?')));
    assert_eq!(state.overlay, Some(Overlay::Help { scroll: 0 }));
    state.handle_key(key(KeyCode::Esc));
    assert_eq!(state.overlay, None);
    open(&mut state, "w1d1_simple_ops");
    assert_eq!(
        state.handle_key(key(KeyCode::Char('e'))),
        vec![Effect::OpenEditor(index_of(&state, "w1d1_simple_ops"))]
    );
    state.handle_key(key(KeyCode::Char('?')));
    assert!(state.overlay.is_some());
}

#[test]
fn q_and_ctrl_c_quit_from_any_screen() {
    let (_dir, mut state) = fixture_state();
    state.handle_key(key(KeyCode::Char('q')));
    assert!(state.quit);

    let (_dir, mut state) = fixture_state();
    open(&mut state, "w2d2_output_shape");
    state.handle_key(key(KeyCode::Char('q')));
    assert!(state.quit);

    let (_dir, mut state) = fixture_state();
    state.open_lesson(0);
    state.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(state.quit);
}

#[test]
fn h_reveals_one_hint_at_a_time_and_asks_to_save() {
    let (_dir, mut state) = fixture_state();
    open(&mut state, "w2d2_output_shape");
    for shown in 1..=3 {
        assert!(matches!(state.handle_key(key(KeyCode::Char('h')))[..], [Effect::SaveProgress(_)]));
        assert_eq!(state.tutor.progress.hints_shown("w2d2_output_shape"), shown);
    }
    assert_eq!(state.handle_key(key(KeyCode::Char('h'))), vec![], "nothing more to reveal or save");
    assert_eq!(state.tutor.progress.hints_shown("w2d2_output_shape"), 3);
    assert_eq!(state.tutor.flash.as_deref(), Some("All hints are shown."));
}

#[test]
fn saves_of_the_open_file_grade_and_others_are_ignored() {
    let (_dir, mut state) = fixture_state();
    assert_eq!(state.file_saved(OsStr::new("w2d2_output_shape.rs")), vec![], "nothing open");
    open(&mut state, "w2d2_output_shape");
    let index = index_of(&state, "w2d2_output_shape");
    assert_eq!(state.file_saved(OsStr::new("w1d1_simple_ops.rs")), vec![]);
    assert_eq!(state.file_saved(OsStr::new("w2d2_output_shape.rs")), vec![Effect::StartGrade(index)]);
}

#[test]
fn saves_during_a_grade_coalesce_into_exactly_one_more() {
    let (_dir, mut state) = fixture_state();
    open(&mut state, "w2d2_output_shape");
    let index = index_of(&state, "w2d2_output_shape");
    let file = OsStr::new("w2d2_output_shape.rs");
    assert_eq!(state.file_saved(file), vec![Effect::StartGrade(index)]);
    state.grade_progress(GradeEvent::Running { done: 1, of: 2 });
    assert_eq!(state.file_saved(file), vec![]);
    assert_eq!(state.handle_key(key(KeyCode::Char('g'))), vec![]);
    assert_eq!(state.file_saved(file), vec![]);

    let verdict = Verdict::from_tests("w2d2_output_shape", vec![test_result("a", Status::Fail, "no")], 0.1, 0.2);
    let effects = state.grade_finished("w2d2_output_shape", Ok(verdict.clone()));
    assert!(matches!(effects[..], [Effect::SaveProgress(_), Effect::StartGrade(i)] if i == index), "one more grade");
    assert_eq!(state.tutor.running.as_ref().map(|r| r.index), Some(index));
    let effects = state.grade_finished("w2d2_output_shape", Ok(verdict));
    assert!(matches!(effects[..], [Effect::SaveProgress(_)]), "and no more");
    assert!(state.tutor.running.is_none());
}

#[test]
fn live_loss_points_are_kept_per_test_and_do_not_replace_the_stage() {
    let (_dir, mut state) = fixture_state();
    open(&mut state, "w1d5_train_mlp");
    state.handle_key(key(KeyCode::Char('g')));
    state.grade_progress(GradeEvent::Running { done: 0, of: 1 });
    for step in 0..3000 {
        state.grade_progress(GradeEvent::Training { test: "trains".into(), step, loss: Some(1.0) });
    }
    let running = state.tutor.running.as_ref().unwrap();
    assert_eq!(running.stage, Some(GradeEvent::Running { done: 0, of: 1 }));
    let points = &running.losses[0].1;
    assert!(points.len() <= LIVE_POINTS, "{}", points.len());
    assert_eq!(points.first().map(|p| p.0), Some(0));
    assert!(points.last().unwrap().0 > 2900, "the curve still reaches the latest step");
}

#[test]
fn verdicts_are_recorded_and_grader_errors_are_kept_for_display() {
    let (_dir, mut state) = fixture_state();
    open(&mut state, "w1d1_simple_ops");
    state.handle_key(key(KeyCode::Char('g')));
    let pass = Verdict::from_tests("w1d1_simple_ops", vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
    state.grade_finished("w1d1_simple_ops", Ok(pass));
    assert_eq!(state.tutor.progress.state("w1d1_simple_ops"), ExerciseState::Passed);
    assert!(state.open_exercise().is_some(), "passing does not leave the exercise");

    state.handle_key(key(KeyCode::Char('g')));
    let effects = state.grade_finished("w1d1_simple_ops", Err("cargo is missing".into()));
    assert!(effects.is_empty(), "an error is not progress");
    assert_eq!(state.tutor.outcome("w1d1_simple_ops").unwrap().result, Err("cargo is missing".to_string()));
    assert_eq!(state.tutor.progress.state("w1d1_simple_ops"), ExerciseState::Passed);
}

#[test]
fn the_view_scrolls_but_not_past_its_end() {
    let (_dir, mut state) = fixture_state();
    open(&mut state, "w2d2_output_shape");
    state.handle_key(key(KeyCode::PageDown));
    state.handle_key(key(KeyCode::PageDown));
    let Screen::Exercise(view) = &state.screen else { panic!("view is open") };
    let limit = view.line_count() as u16;
    assert!(view.scroll < limit, "{} < {limit}", view.scroll);
    state.handle_key(key(KeyCode::Home));
    let Screen::Exercise(view) = &state.screen else { panic!("view is open") };
    assert_eq!(view.scroll, 0);
}

#[test]
fn the_preview_keeps_its_place_on_reload_and_esc_quits() {
    let (dir, mut state) = fixture_state();
    let index = lesson_index(&state, "w1d3/losses");
    state.start_preview(index);
    state.handle_key(key(KeyCode::PageDown));
    let scroll = |state: &AppState| match &state.screen {
        Screen::Lesson(view) => view.reader.scroll,
        _ => panic!("previewing"),
    };
    let before = scroll(&state);
    assert!(before > 0);
    assert!(state.tutor.lessons_read.is_empty(), "an author's preview is not reading");

    let path = dir.path().join("lessons/w1d3/losses.md");
    let edited = std::fs::read_to_string(&path).unwrap().replace("# Losses", "# Losses, edited");
    std::fs::write(&path, edited).unwrap();
    state.lesson_reloaded(Lesson::load(&path, "w1d3/losses").map_err(|e| format!("{e:#}")));
    assert_eq!(scroll(&state), before, "the scroll position survives a reload");
    assert!(state.tutor.course.lessons[index].body.contains("edited"));
    state.lesson_reloaded(Err("front matter is broken".into()));
    assert_eq!(state.tutor.lesson_problem.as_deref(), Some("front matter is broken"));
    assert!(state.tutor.course.lessons[index].body.contains("edited"), "the last good text stays");

    state.handle_key(key(KeyCode::Char('x')));
    assert!(matches!(state.screen, Screen::Lesson(_)), "no exercises in the preview");
    state.handle_key(key(KeyCode::Esc));
    assert!(state.quit);
}

#[test]
fn mouse_wheel_scrolls_the_reader() {
    let (_dir, mut state) = fixture_state();
    state.open_lesson(lesson_index(&state, "w1d3/losses"));
    let wheel = |kind| MouseEvent { kind, column: 0, row: 0, modifiers: KeyModifiers::NONE };
    state.handle_mouse(wheel(MouseEventKind::ScrollDown));
    state.handle_mouse(wheel(MouseEventKind::ScrollDown));
    let Screen::Lesson(view) = &state.screen else { panic!("reading") };
    assert_eq!(view.reader.scroll, 6);
    state.handle_mouse(wheel(MouseEventKind::ScrollUp));
    let Screen::Lesson(view) = &state.screen else { panic!("reading") };
    assert_eq!(view.reader.scroll, 3);
}

#[test]
fn a_save_of_the_previewed_lesson_reloads_it_and_other_saves_do_nothing() {
    let (_dir, mut state) = fixture_state();
    let index = lesson_index(&state, "w1d3/losses");
    state.start_preview(index);
    let path = state.tutor.course.lessons[index].path.clone();
    assert_eq!(
        state.file_saved(OsStr::new("losses.md")),
        vec![Effect::ReloadLesson { path, id: "w1d3/losses".into() }]
    );
    assert_eq!(state.file_saved(OsStr::new("tensors.md")), vec![]);
    assert_eq!(state.file_saved(OsStr::new("w1d3_cross_entropy.rs")), vec![], "no grading in the preview");
}

#[test]
fn mouse_motion_and_a_wheel_that_moves_nothing_ask_for_no_frame() {
    let (_dir, mut state) = fixture_state();
    state.open_lesson(lesson_index(&state, "w1d3/losses"));
    let mouse = |kind| MouseEvent { kind, column: 3, row: 4, modifiers: KeyModifiers::NONE };
    assert_eq!(state.handle_mouse(mouse(MouseEventKind::Moved)), None, "motion");
    assert_eq!(state.handle_mouse(mouse(MouseEventKind::ScrollUp)), None, "already at the top");
    assert_eq!(state.handle_mouse(mouse(MouseEventKind::ScrollDown)), Some(vec![]), "it scrolled");
    state.handle_key(key(KeyCode::End));
    assert_eq!(state.handle_mouse(mouse(MouseEventKind::ScrollDown)), None, "already at the end");
}

#[test]
fn the_keys_page_by_the_page_the_reader_draws() {
    for (width, height) in [(80, 24), (100, 30), (133, 41)] {
        let (_dir, mut state) = fixture_state();
        state.resize(width, height);
        state.open_lesson(lesson_index(&state, "w1d3/losses"));
        // What the screen draws its text into, measured on the frame.
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
        terminal.draw(|frame| crate::app::ui::draw(frame, &state)).unwrap();
        let drawn = ReaderLayout::new(terminal.get_frame().area());
        assert_eq!(state.tutor.reader_page(), drawn.page(), "{width}×{height}");
        assert_eq!(state.tutor.reader_width(), drawn.text.width, "{width}×{height}");
        // And the last page shows the last line.
        state.handle_key(key(KeyCode::End));
        terminal.draw(|frame| crate::app::ui::draw(frame, &state)).unwrap();
        let screen = terminal.backend().to_string();
        assert!(screen.contains("The end.") && screen.contains("100%"), "{width}×{height}:\n{screen}");
    }
}
