//! Syntax highlighting of code (lesson code blocks, compile errors, the reference
//! solution) with syntect, in the terminal's own 16 colours.
//!
//! syntect's themes are RGB and made for one background; a terminal tutor must read on
//! light and dark terminals alike, so the theme here names ANSI palette entries instead
//! (syntect's convention, also bat's: alpha 0 means "palette index in `r`", alpha 1
//! means "the terminal's default colour") and the terminal's palette picks the shades.
//!
//! Loading the syntax definitions takes tens of milliseconds, so it happens once, on
//! first use or in the background after the first frame ([`warm_up`]), never before it.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use std::str::FromStr;
use std::sync::OnceLock;
use syntect::easy::HighlightLines;
use syntect::highlighting::{
    Color as SyntectColor, FontStyle, ScopeSelectors, StyleModifier, Theme, ThemeItem, ThemeSettings,
};
use syntect::parsing::{SyntaxReference, SyntaxSet};

struct Highlighter {
    syntaxes: SyntaxSet,
    theme: Theme,
}

static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();

fn highlighter() -> &'static Highlighter {
    HIGHLIGHTER.get_or_init(|| Highlighter { syntaxes: SyntaxSet::load_defaults_newlines(), theme: ansi_theme() })
}

/// Loads the syntax definitions on a background thread, so the first lesson opens at once.
pub fn warm_up() {
    let _ = std::thread::Builder::new().name("nma-highlight".into()).spawn(|| {
        highlighter();
    });
}

/// An ANSI palette index as syntect stores it (see the module comment).
const fn ansi(index: u8) -> SyntectColor {
    SyntectColor { r: index, g: 0, b: 0, a: 0 }
}
const DEFAULT_COLOUR: SyntectColor = SyntectColor { r: 0, g: 0, b: 0, a: 1 };

fn ansi_theme() -> Theme {
    const RED: u8 = 1;
    const GREEN: u8 = 2;
    const BLUE: u8 = 4;
    const MAGENTA: u8 = 5;
    const CYAN: u8 = 6;
    let rules: [(&str, Option<u8>, FontStyle); 10] = [
        ("comment, punctuation.definition.comment", None, FontStyle::ITALIC),
        ("string, constant.character", Some(GREEN), FontStyle::empty()),
        ("constant.numeric, constant.language", Some(CYAN), FontStyle::empty()),
        ("keyword, storage", Some(MAGENTA), FontStyle::empty()),
        // More specific than `keyword`, so `=` and `+` stay plain.
        ("keyword.operator", None, FontStyle::empty()),
        ("entity.name.function, support.function, variable.function", Some(BLUE), FontStyle::empty()),
        ("entity.name.type, support.type, storage.type.numeric", Some(CYAN), FontStyle::BOLD),
        ("entity.name.tag, meta.attribute, support.macro, entity.name.macro", Some(RED), FontStyle::empty()),
        ("variable.parameter", None, FontStyle::ITALIC),
        ("invalid", Some(RED), FontStyle::UNDERLINE),
    ];
    let scopes = rules
        .into_iter()
        .filter_map(|(selector, colour, font_style)| {
            Some(ThemeItem {
                scope: ScopeSelectors::from_str(selector).ok()?,
                style: StyleModifier { foreground: colour.map(ansi), background: None, font_style: Some(font_style) },
            })
        })
        .collect();
    Theme {
        name: Some("terminal palette".into()),
        author: None,
        settings: ThemeSettings { foreground: Some(DEFAULT_COLOUR), ..ThemeSettings::default() },
        scopes,
    }
}

fn to_ratatui(style: syntect::highlighting::Style) -> Style {
    let mut out = Style::new();
    let fg = style.foreground;
    if fg.a == 0 {
        out = out.fg(match fg.r {
            1 => Color::Red,
            2 => Color::Green,
            3 => Color::Yellow,
            4 => Color::Blue,
            5 => Color::Magenta,
            6 => Color::Cyan,
            n => Color::Indexed(n),
        });
    }
    if style.font_style.contains(FontStyle::BOLD) {
        out = out.add_modifier(Modifier::BOLD);
    }
    if style.font_style.contains(FontStyle::ITALIC) {
        out = out.add_modifier(Modifier::ITALIC);
    }
    if style.font_style.contains(FontStyle::UNDERLINE) {
        out = out.add_modifier(Modifier::UNDERLINED);
    }
    out
}

/// The syntax for a code block's language tag (`rust`, `rs`, `sh`, `console`, …).
fn syntax_for<'a>(syntaxes: &'a SyntaxSet, language: &str) -> Option<&'a SyntaxReference> {
    let token = match language.trim().to_ascii_lowercase().as_str() {
        "" | "text" | "plain" | "txt" => return None,
        "shell" | "console" | "zsh" | "sh" | "shell-session" => "bash".to_string(),
        "py" | "python3" => "python".to_string(),
        other => other.to_string(),
    };
    syntaxes.find_syntax_by_token(&token)
}

/// One styled line per line of `code`; unknown languages come back unstyled.
pub fn highlight(code: &str, language: &str) -> Vec<Line<'static>> {
    let plain = || code.lines().map(|l| Line::raw(l.to_string())).collect();
    let h = highlighter();
    let Some(syntax) = syntax_for(&h.syntaxes, language) else { return plain() };
    let mut lines = HighlightLines::new(syntax, &h.theme);
    let mut out = Vec::new();
    for line in syntect::util::LinesWithEndings::from(code) {
        match lines.highlight_line(line, &h.syntaxes) {
            Ok(pieces) => {
                // Neighbours of one style become one span: fewer spans, same look.
                let mut spans: Vec<Span<'static>> = Vec::new();
                for (style, text) in pieces {
                    let (style, text) = (to_ratatui(style), text.trim_end_matches(['\n', '\r']));
                    match spans.last_mut() {
                        Some(last) if last.style == style => last.content.to_mut().push_str(text),
                        _ if text.is_empty() => {}
                        _ => spans.push(Span::styled(text.to_string(), style)),
                    }
                }
                out.push(Line::from(spans));
            }
            Err(_) => return plain(),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(lines: &[Line]) -> Vec<(String, Style)> {
        lines.iter().flat_map(|l| l.spans.iter().map(|s| (s.content.to_string(), s.style))).collect()
    }

    #[test]
    fn rust_keywords_strings_and_comments_get_palette_styles() {
        let lines = highlight("fn main() {\n    let s = \"hi\"; // greet\n}\n", "rust");
        assert_eq!(lines.len(), 3);
        let spans = styles(&lines);
        let style_of = |text: &str| spans.iter().find(|(t, _)| t.contains(text)).map(|(_, s)| *s).unwrap();
        assert_eq!(style_of("fn").fg, Some(Color::Magenta));
        assert_eq!(style_of("\"hi").fg, Some(Color::Green));
        assert!(style_of("greet").add_modifier.contains(Modifier::ITALIC));
        assert!(spans.iter().all(|(_, s)| s.bg.is_none()), "never a background colour");
    }

    #[test]
    fn shell_is_highlighted_and_unknown_languages_stay_plain() {
        let shell = styles(&highlight("echo \"hello\"  # say it\n", "sh"));
        assert!(shell.iter().any(|(_, s)| s.fg == Some(Color::Green)), "{shell:?}");
        let plain = highlight("x = 1\ny = 2", "no-such-language");
        assert_eq!(plain, vec![Line::raw("x = 1"), Line::raw("y = 2")]);
    }
}
