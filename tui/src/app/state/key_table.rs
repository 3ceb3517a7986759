//! The key table against the keys' behaviour: on every screen, every key the table (and
//! so the help) lists does something, keys it does not list do nothing, and the wheel
//! works where the help says it does.

use super::*;
use crate::app::fixture::{fixture_state, index_of, key, lesson_index, open, test_result, type_text};
use crate::app::keys::{Key, WHEEL};
use crossterm::event::{KeyCode, KeyModifiers};
use nma_grader::Status;

/// A state in `context` where every key of that context has something to do: the
/// map's selection mid-list under a filter, a long lesson part-way down with a search
/// that found matches, an exercise with a long result scrolled a little, the help
/// scrolled a little.
fn state_in(context: Context) -> (tempfile::TempDir, AppState) {
    let (dir, mut state) = fixture_state();
    let search_in_reader = |state: &mut AppState, text: &str| {
        state.handle_key(key(KeyCode::Char('/')));
        type_text(state, text);
        state.handle_key(key(KeyCode::Enter));
        state.handle_key(key(KeyCode::PageDown));
    };
    match context {
        Context::Map | Context::MapFilter => {
            state.map.filter = "w1".into();
            state.map.selected = Some(state.visible_items()[2]);
            state.map.editing = context == Context::MapFilter;
        }
        Context::Lesson | Context::Search => {
            state.open_lesson(lesson_index(&state, "w1d3/losses"));
            search_in_reader(&mut state, "paragraph 2");
            if context == Context::Search {
                state.handle_key(key(KeyCode::Char('/')));
                type_text(&mut state, "para");
            }
        }
        Context::Preview | Context::PreviewHelp => {
            state.start_preview(lesson_index(&state, "w1d3/losses"));
            search_in_reader(&mut state, "paragraph 2");
            if context == Context::PreviewHelp {
                state.overlay = Some(Overlay::Help { scroll: 5 });
            }
        }
        Context::Exercise | Context::ConfirmReset => {
            open(&mut state, "w2d2_output_shape");
            let tests = (0..20).map(|i| test_result(&format!("t{i}"), Status::Fail, "wrong")).collect();
            let verdict = Verdict::from_tests("w2d2_output_shape", tests, 0.1, 0.2);
            state.grade_finished("w2d2_output_shape", Ok(verdict));
            state.handle_key(key(KeyCode::Down));
            if context == Context::ConfirmReset {
                state.handle_key(key(KeyCode::Char('R')));
            }
        }
        Context::Solution => {
            open(&mut state, "w2d2_output_shape");
            let source: String = (1..=60).map(|i| format!("let line_{i} = {i};\n")).collect();
            state.show_solution(index_of(&state, "w2d2_output_shape"), Ok(source));
            search_in_reader(&mut state, "line_1");
        }
        Context::Help => state.overlay = Some(Overlay::Help { scroll: 5 }),
    }
    assert_eq!(state.key_context(), context, "the fixture is in the context it is for");
    (dir, state)
}

/// The state as a whole, to see whether a key changed anything.
fn snapshot(state: &AppState) -> String {
    format!("{state:?}")
}

#[test]
fn every_key_in_the_table_does_something_where_it_is_listed() {
    for context in Context::ALL {
        let (_dir, fixture) = state_in(context);
        for binding in context.bindings() {
            for k in binding.keys {
                // Mouse rows: see `the_mouse_wheel_works_where_the_help_says_it_does`.
                let Some(event) = k.example_event() else { continue };
                let mut state = fixture.clone();
                let effects = state.handle_key(event);
                assert!(
                    !effects.is_empty() || snapshot(&state) != snapshot(&fixture),
                    "{context:?}: {} ({}) does nothing",
                    k.label(),
                    binding.help
                );
            }
        }
    }
}

#[test]
fn keys_not_in_the_table_do_nothing() {
    let unlisted = [
        KeyCode::F(5),
        KeyCode::Insert,
        KeyCode::Delete,
        KeyCode::Char('z'),
        KeyCode::Char('Q'),
        KeyCode::Char('c'),
    ];
    for context in Context::ALL {
        let (_dir, fixture) = state_in(context);
        // An overlay takes any key (it closes); a text field takes every character.
        let catch_all = context.bindings().any(|b| b.keys.contains(&Key::Any));
        let text = context.bindings().any(|b| b.keys.contains(&Key::Text));
        for code in unlisted {
            if catch_all || (text && matches!(code, KeyCode::Char(_))) {
                continue;
            }
            let event = key(code);
            assert_eq!(keys::action(context, &event), None, "{context:?}: {code:?}");
            let mut state = fixture.clone();
            assert_eq!(state.handle_key(event), vec![], "{context:?}: {code:?}");
            assert_eq!(snapshot(&state), snapshot(&fixture), "{context:?}: {code:?} changed the state");
        }
    }
}

#[test]
fn the_mouse_wheel_works_where_the_help_says_it_does() {
    for context in Context::ALL {
        let (_dir, fixture) = state_in(context);
        let listed = context.bindings().any(|b| b.keys.contains(&WHEEL));
        let mut state = fixture.clone();
        let wheel =
            MouseEvent { kind: MouseEventKind::ScrollDown, column: 0, row: 0, modifiers: KeyModifiers::NONE };
        state.handle_mouse(wheel);
        assert_eq!(snapshot(&state) != snapshot(&fixture), listed, "{context:?}: the wheel");
    }
}
