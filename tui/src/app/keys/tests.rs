//! The key table's own checks: every row reachable, every table in the help, every
//! key a footer names taken where it is shown.

use super::*;

#[test]
fn every_row_is_reachable_no_row_hides_another() {
    for context in Context::ALL {
        for binding in context.bindings() {
            for key in binding.keys {
                let Some(event) = key.example_event() else { continue };
                assert_eq!(
                    action(context, &event),
                    binding.action,
                    "{context:?}: {} is taken by another row",
                    key.label()
                );
            }
        }
    }
}

#[test]
fn every_table_is_in_the_help() {
    for context in Context::ALL {
        for table in context.tables() {
            assert!(
                HELP_SECTIONS.iter().any(|s| s.tables.contains(table)),
                "{context:?} has keys the help does not list: {table:?}"
            );
        }
    }
}

#[test]
fn every_key_a_footer_names_does_something_there() {
    let mut footers: Vec<(Context, &[FooterItem])> = Context::ALL.iter().map(|c| (*c, c.footer())).collect();
    for reader in [Context::Lesson, Context::Preview, Context::Solution] {
        footers.push((reader, SEARCH_RESULTS_FOOTER));
    }
    for (context, footer) in footers {
        for item in footer {
            for key in item.keys {
                let event = key.example_event().expect("footers name keys, not the mouse");
                assert!(action(context, &event).is_some(), "{context:?}'s footer names {}", key.label());
            }
        }
    }
}

#[test]
fn plain_keys_ignore_shift_and_ctrl_c_needs_ctrl() {
    let shifted = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert_eq!(action(Context::Map, &shifted), Some(Action::Help));
    let capital = KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT);
    assert_eq!(action(Context::Lesson, &capital), Some(Action::PreviousMatch));
    let plain_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
    assert_eq!(action(Context::Map, &plain_c), None);
    assert_eq!(action(Context::Search, &plain_c), Some(Action::Type));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(action(Context::Search, &ctrl_c), Some(Action::Quit), "Ctrl-C is not text");
    assert_eq!(action(Context::ConfirmReset, &ctrl_c), Some(Action::Quit), "nor a reason to cancel");
}

#[test]
fn labels_read_as_the_help_has_always_written_them() {
    assert_eq!(CTRL_C.label(), "Ctrl-C");
    assert_eq!(SPACE.label(), "space");
    assert_eq!(PAGE_DOWN.label(), "PgDn");
    assert_eq!(item(&[UP, DOWN, SPACE], "scroll").label(), "↑↓ space");
    let rows = help_rows(&[READER_KEYS]);
    assert_eq!(rows[0], ("↑ ↓  k j".to_string(), "scroll a line"));
    assert_eq!(rows[1], ("PgUp PgDn  b space".to_string(), "scroll a page"));
    assert_eq!(help_rows(&[MAP_KEYS])[3], ("Enter  →  l".to_string(), "open the lesson or exercise"));
}
