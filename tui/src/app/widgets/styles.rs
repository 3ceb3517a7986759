//! Styles, the footer of keys, and small text helpers every screen uses.
//!
//! Colours are only ever a second cue next to a symbol or word, come from the 16 ANSI
//! colours the terminal's own theme defines, and are never backgrounds, so every screen
//! reads on light and dark terminals alike (no yellow, no dark grey, no fixed shades).

use crate::app::keys::FooterItem;
use nma_grader::{ExerciseKind, ExerciseState};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub fn pass_style() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}
pub fn fail_style() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}
pub fn tried_style() -> Style {
    Style::new().fg(Color::Magenta)
}
pub fn quiet_style() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}
pub fn heading_style() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}
pub fn key_style() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
}
pub fn next_style() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn state_label(state: ExerciseState) -> Span<'static> {
    match state {
        ExerciseState::Passed => Span::styled("✓ done", pass_style()),
        ExerciseState::Attempted => Span::styled("● tried", tried_style()),
        ExerciseState::NotStarted => Span::raw("○ new"),
    }
}

pub fn kind_label(kind: ExerciseKind) -> &'static str {
    match kind {
        ExerciseKind::Unit => "unit tests",
        ExerciseKind::Property => "property tests",
        ExerciseKind::Training => "training run",
    }
}

/// `3` rather than `3.0`, `2.5` as is.
pub fn points(x: f64) -> String {
    format!("{x}")
}

/// The key help at the bottom: keys reversed, what they do plain, then the flash message.
/// The keys come from the key table (`keys.rs`), so a footer names only keys that work.
pub fn footer(items: &[FooterItem], flash: Option<&str>) -> Line<'static> {
    footer_with(items, |item| Some(item.text.to_string()), flash)
}

/// A footer whose items can be left out or reworded (`None` leaves one out).
pub fn footer_with(
    items: &[FooterItem],
    text: impl Fn(&FooterItem) -> Option<String>,
    flash: Option<&str>,
) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for item in items {
        let Some(what) = text(item) else { continue };
        spans.push(Span::styled(item.label(), key_style()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    if let Some(flash) = flash {
        spans.push(Span::styled(flash.to_string(), tried_style().bold()));
    }
    Line::from(spans)
}

/// Joins the hard-wrapped lines of each paragraph (as written in `exercise.toml`) so
/// the text re-wraps to the terminal's width; blank lines still separate paragraphs.
pub fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rows `text` takes when word-wrapped to `width` (greedy, like the paragraph renders it).
pub fn wrapped_height(text: &str, width: u16) -> u16 {
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

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    cell
}

/// `text` cut to `room` characters, ending in "…" when cut.
pub fn shorten(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(room.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The engine's first build, in words: "your file is queued; the engine is 37/52 built".
pub fn engine_progress(built: usize, total: usize, current: &str) -> String {
    format!("your file is queued; the engine is {} (now {current}), first grade only", engine_count(built, total))
}

pub fn engine_count(built: usize, total: usize) -> String {
    if total > 0 {
        format!("{}/{total} built", built.min(total))
    } else {
        format!("{built} crates built")
    }
}

/// A text gauge: `█` for the part done, `░` for the rest.
pub fn gauge(done: usize, total: usize, width: usize) -> String {
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(0);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_height_counts_word_wrapped_rows() {
        assert_eq!(wrapped_height("", 10), 1);
        assert_eq!(wrapped_height("hello world", 11), 1);
        assert_eq!(wrapped_height("hello world", 10), 2);
        assert_eq!(wrapped_height("a\nb", 10), 2);
        assert_eq!(wrapped_height("abcdefghijkl", 5), 3);
    }
}
