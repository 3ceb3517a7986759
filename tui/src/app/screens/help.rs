//! The overlays drawn over a screen, which take every key until they close: the help
//! (`?`, every key of every screen, from the key table) and "Reset? (y/any)".

use crate::app::keys::{self, Action, Context, HELP_SECTIONS};
use crate::app::tutor::Tutor;
use crate::app::widgets::styles::{centered, heading_style, key_style};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Lines one PageUp/PageDown scrolls the help.
const PAGE: u16 = 10;

/// Something drawn over the screen that takes the keys until it closes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// "Reset this exercise to its starter?", for the exercise at this index.
    ConfirmReset(usize),
}

/// What a key in an overlay did.
#[derive(Debug, PartialEq)]
pub enum Closed {
    /// Still open (the help scrolled).
    No,
    Yes,
    /// Closed with a yes: reset the exercise at this index.
    Confirmed(usize),
}

impl Overlay {
    pub fn context(&self, tutor: &Tutor) -> Context {
        match self {
            Overlay::Help { .. } if tutor.preview => Context::PreviewHelp,
            Overlay::Help { .. } => Context::Help,
            Overlay::ConfirmReset(_) => Context::ConfirmReset,
        }
    }

    pub fn key(&mut self, action: Action, tutor: &mut Tutor) -> Closed {
        match self {
            Overlay::Help { scroll } => {
                match action {
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::Down => *scroll = scroll.saturating_add(1),
                    Action::PageUp => *scroll = scroll.saturating_sub(PAGE),
                    Action::PageDown => *scroll = scroll.saturating_add(PAGE),
                    _ => return Closed::Yes,
                }
                Closed::No
            }
            Overlay::ConfirmReset(index) if action == Action::ConfirmReset => Closed::Confirmed(*index),
            Overlay::ConfirmReset(_) => {
                tutor.flash = Some("Reset cancelled: your file is unchanged.".into());
                Closed::Yes
            }
        }
    }

    pub fn draw(&self, frame: &mut Frame, tutor: &Tutor) {
        match self {
            Overlay::Help { scroll } => draw_help(frame, self.context(tutor), *scroll),
            Overlay::ConfirmReset(index) => draw_confirm_reset(frame, tutor, *index),
        }
    }
}

/// The help's sections, each with its (keys, what they do) rows, from the key table.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    HELP_SECTIONS.iter().map(|section| (section.title, keys::help_rows(section.tables))).collect()
}

fn draw_help(frame: &mut Frame, context: Context, scroll: u16) {
    let area = frame.area();
    let sections = help_sections();
    let key_width =
        sections.iter().flat_map(|(_, rows)| rows.iter().map(|(k, _)| k.chars().count())).max().unwrap_or(8);
    let mut lines = Vec::new();
    for (title, rows) in &sections {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(title.to_string(), heading_style()));
        for (key, what) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<key_width$}  "), Style::new().bold()),
                Span::raw(what.to_string()),
            ]));
        }
    }
    let popup = centered(area, (key_width as u16 + 70).min(area.width), (lines.len() as u16 + 2).min(area.height));
    let visible = usize::from(popup.height.saturating_sub(2));
    let scroll = usize::from(scroll).min(lines.len().saturating_sub(visible));
    let scrolls = lines.len() > visible;
    let hints: Vec<String> = context
        .footer()
        .iter()
        .filter(|item| scrolls || !matches!(item.action(context), Some(Action::Up | Action::Down)))
        .map(|item| format!("{} {}", item.label(), item.text))
        .collect();
    let title_right = format!(" {} ", hints.join(" · "));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(Block::bordered().title(Line::from(" Keys ").bold()).title(Line::from(title_right).right_aligned())),
        popup,
    );
}

fn draw_confirm_reset(frame: &mut Frame, tutor: &Tutor, index: usize) {
    let exercise = &tutor.course.exercises[index];
    let lines = vec![
        Line::from(vec![
            Span::raw("Put the starter of "),
            Span::styled(exercise.id().to_string(), Style::new().bold()),
            Span::raw(" back?"),
        ]),
        Line::raw("Your current file is kept beside it as a .bak file."),
        Line::raw(""),
        Line::from(
            Context::ConfirmReset
                .footer()
                .iter()
                .flat_map(|item| {
                    [Span::styled(format!(" {} ", item.label()), key_style()), Span::raw(format!(" {}    ", item.text))]
                })
                .collect::<Vec<_>>(),
        ),
    ];
    let popup = centered(frame.area(), 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(Line::from(" Reset? ").bold())),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixture::fixture_state;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    #[test]
    fn the_help_shows_every_key_of_every_screen_with_what_it_does() {
        let (_dir, state) = fixture_state();
        let mut terminal = Terminal::new(TestBackend::new(160, 120)).unwrap();
        terminal.draw(|frame| Overlay::Help { scroll: 0 }.draw(frame, &state.tutor)).unwrap();
        let screen = terminal.backend().to_string();
        for context in Context::ALL {
            for binding in context.bindings() {
                for k in binding.keys {
                    let label = format!(" {} ", k.label());
                    // The key sits in the column before what it does, on one line.
                    let listed = screen
                        .lines()
                        .any(|line| line.find(binding.help).is_some_and(|at| line[..at].contains(&label)));
                    assert!(listed, "{context:?}: {label} for {:?} is not in the help:\n{screen}", binding.help);
                }
            }
        }
    }
}
