//! A scrollable, searchable view of rendered text: the lesson reader, and (with
//! highlighted Rust instead of Markdown) the reference solution. The model (scroll,
//! search), where it is drawn ([`ReaderLayout`], which the keys page by too), and the
//! drawing of its page and footer.
//!
//! Lines are rendered for one width and kept; a new width renders again, and the
//! search matches are found again in the new lines.

use super::markdown;
use super::styles::{fail_style, footer, quiet_style};
use crate::app::keys::{Action, Context, SEARCH_RESULTS_FOOTER};
use crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

/// One search hit: line, and the char range within the line's plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Search {
    pub query: String,
    /// Typing the query (after `/`, before Enter or Esc).
    pub editing: bool,
    pub matches: Vec<Match>,
    /// Index into `matches` of the one the view is on.
    pub current: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reader {
    /// Width the lines were rendered for.
    pub width: u16,
    pub lines: Vec<Line<'static>>,
    pub scroll: usize,
    pub search: Search,
}

impl Reader {
    /// Replaces the text, keeping the scroll position where it still exists.
    pub fn set_lines(&mut self, lines: Vec<Line<'static>>, width: u16, page: usize) {
        self.lines = lines;
        self.width = width;
        self.find_matches();
        self.clamp(page);
    }

    /// The furthest scroll that still fills a page of `page` lines.
    pub fn max_scroll(&self, page: usize) -> usize {
        self.lines.len().saturating_sub(page.max(1))
    }

    pub fn clamp(&mut self, page: usize) {
        self.scroll = self.scroll.min(self.max_scroll(page));
    }

    pub fn scroll_by(&mut self, delta: isize, page: usize) {
        self.scroll = self.scroll.saturating_add_signed(delta);
        self.clamp(page);
    }

    /// Whether the last line is on screen.
    pub fn at_end(&self, page: usize) -> bool {
        self.scroll + page.max(1) >= self.lines.len()
    }

    fn find_matches(&mut self) {
        self.search.matches.clear();
        self.search.current = None;
        if self.search.query.is_empty() {
            return;
        }
        let needle: Vec<char> = self.search.query.to_lowercase().chars().collect();
        for (index, line) in self.lines.iter().enumerate() {
            // Lower-casing char by char keeps offsets aligned with the displayed text.
            let hay: Vec<char> = markdown::plain(line).chars().map(|c| c.to_lowercase().next().unwrap_or(c)).collect();
            let mut at = 0;
            while at + needle.len() <= hay.len() {
                if hay[at..at + needle.len()] == needle[..] {
                    self.search.matches.push(Match { line: index, start: at, end: at + needle.len() });
                    at += needle.len();
                } else {
                    at += 1;
                }
            }
        }
    }

    /// Runs the typed query: finds every match and shows the first one from the top of the view.
    pub fn run_search(&mut self, page: usize) {
        self.search.editing = false;
        self.find_matches();
        let first = self.search.matches.iter().position(|m| m.line >= self.scroll);
        self.search.current = first.or((!self.search.matches.is_empty()).then_some(0));
        self.show_current(page);
    }

    /// `n` (forward) and `N` (backward), wrapping around the ends.
    pub fn next_match(&mut self, forward: bool, page: usize) {
        let count = self.search.matches.len();
        if count == 0 {
            return;
        }
        self.search.current = Some(match (self.search.current, forward) {
            (None, _) => 0,
            (Some(i), true) => (i + 1) % count,
            (Some(i), false) => (i + count - 1) % count,
        });
        self.show_current(page);
    }

    /// Scrolls so that the current match is on screen, a few lines below the top.
    fn show_current(&mut self, page: usize) {
        let Some(m) = self.search.current.and_then(|i| self.search.matches.get(i)) else { return };
        if m.line < self.scroll || m.line >= self.scroll + page {
            self.scroll = m.line.saturating_sub(page / 3);
            self.clamp(page);
        }
    }

    pub fn clear_search(&mut self) {
        self.search = Search::default();
    }
}

/// Where a reader draws: a bordered body over a one-line footer, its text inside the
/// border with a margin each side. The keys scroll by the page the screen draws, because
/// both take it from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderLayout {
    pub body: Rect,
    pub footer: Rect,
    /// The text inside the border and the margins.
    pub text: Rect,
}

impl ReaderLayout {
    pub fn new(area: Rect) -> ReaderLayout {
        let [body, footer] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
        let inner = Block::bordered().inner(body);
        let text = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
        ReaderLayout { body, footer, text }
    }

    /// For a terminal of this size.
    pub fn of_size((width, height): (u16, u16)) -> ReaderLayout {
        ReaderLayout::new(Rect::new(0, 0, width, height))
    }

    /// Lines of text on screen at once.
    pub fn page(&self) -> usize {
        usize::from(self.text.height).max(1)
    }
}

/// `line` with the search matches on it shown reversed (the current one also underlined).
fn highlight_matches(line: &Line<'static>, ranges: &[(usize, usize, bool)]) -> Line<'static> {
    if ranges.is_empty() {
        return line.clone();
    }
    let mut spans = Vec::new();
    let mut at = 0usize;
    for span in &line.spans {
        let mut piece = String::new();
        let mut piece_style = None;
        for ch in span.content.chars() {
            let hit = ranges.iter().find(|(s, e, _)| (*s..*e).contains(&at));
            let style = match hit {
                Some((_, _, true)) => {
                    span.style.add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
                }
                Some(_) => span.style.add_modifier(Modifier::REVERSED),
                None => span.style,
            };
            if piece_style.is_some_and(|s| s != style) {
                spans.push(Span::styled(std::mem::take(&mut piece), piece_style.unwrap_or_default()));
            }
            piece_style = Some(style);
            piece.push(ch);
            at += 1;
        }
        if !piece.is_empty() {
            spans.push(Span::styled(piece, piece_style.unwrap_or_default()));
        }
    }
    Line::from(spans)
}

impl Reader {
    /// The page that is on screen, with search matches marked, each line after
    /// `gutter(line number)`.
    pub fn page_lines(&self, page: usize, gutter: impl Fn(usize) -> Option<Span<'static>>) -> Vec<Line<'static>> {
        let current = self.search.current.and_then(|i| self.search.matches.get(i)).copied();
        self.lines
            .iter()
            .enumerate()
            .skip(self.scroll)
            .take(page)
            .map(|(n, line)| {
                let ranges: Vec<(usize, usize, bool)> = self
                    .search
                    .matches
                    .iter()
                    .filter(|m| m.line == n)
                    .map(|m| (m.start, m.end, Some(*m) == current))
                    .collect();
                let mut shown = highlight_matches(line, &ranges);
                if let Some(g) = gutter(n) {
                    shown.spans.insert(0, g);
                }
                shown
            })
            .collect()
    }

    /// Scrolling and search: the keys every reader takes.
    pub fn key(&mut self, action: Action, page: usize) {
        let page_step = page.saturating_sub(2).max(1) as isize;
        match action {
            Action::Up => self.scroll_by(-1, page),
            Action::Down => self.scroll_by(1, page),
            Action::PageUp => self.scroll_by(-page_step, page),
            Action::PageDown => self.scroll_by(page_step, page),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = self.max_scroll(page),
            Action::StartSearch => {
                self.search.query.clear();
                self.search.editing = true;
            }
            Action::NextMatch => self.next_match(true, page),
            Action::PreviousMatch => self.next_match(false, page),
            _ => {}
        }
    }

    /// The keys while a search is typed (after `/`).
    pub fn search_key(&mut self, action: Action, code: KeyCode, page: usize) {
        match action {
            Action::Type => {
                if let KeyCode::Char(c) = code {
                    self.search.query.push(c);
                }
            }
            Action::DeleteChar => {
                self.search.query.pop();
            }
            Action::Find => self.run_search(page),
            Action::CancelSearch => self.clear_search(),
            _ => {}
        }
    }

    /// "37%" of the text seen so far, or "all" when it fits.
    pub fn percent_through(&self, page: usize) -> String {
        if self.lines.len() <= page {
            return "all".into();
        }
        let seen = (self.scroll + page).min(self.lines.len());
        format!("{}%", seen * 100 / self.lines.len().max(1))
    }

    /// The footer: the search being typed, the search's position, or `keys`.
    pub fn footer(&self, keys: Line<'static>, flash: Option<&str>) -> Line<'static> {
        let search = &self.search;
        if search.editing {
            let hints: Vec<String> =
                Context::Search.footer().iter().map(|item| format!("{} {}", item.label(), item.text)).collect();
            return Line::from(vec![
                Span::styled(" search: ", Style::new().bold()),
                Span::raw(format!("{}▏", search.query)),
                Span::styled(format!("   {}", hints.join(" · ")), quiet_style()),
            ]);
        }
        if !search.query.is_empty() {
            let position = match (search.current, search.matches.len()) {
                (_, 0) => Span::styled(format!(" “{}” not found ", search.query), fail_style()),
                (Some(i), n) => Span::styled(format!(" “{}” {} of {n} ", search.query, i + 1), Style::new().bold()),
                (None, n) => Span::styled(format!(" “{}” {n} matches ", search.query), Style::new().bold()),
            };
            let mut line = footer(SEARCH_RESULTS_FOOTER, flash);
            line.spans.insert(0, position);
            return line;
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(lines: &[&str]) -> Reader {
        let mut reader = Reader::default();
        reader.set_lines(lines.iter().map(|l| Line::raw(l.to_string())).collect(), 80, 3);
        reader
    }

    #[test]
    fn search_finds_every_match_case_insensitively_and_n_wraps() {
        let mut r = reader(&["Loss and loss", "nothing", "", "", "", "", "the LOSS again"]);
        r.search.query = "loss".into();
        r.run_search(3);
        assert_eq!(r.search.matches.len(), 3);
        assert_eq!(r.search.matches[1], Match { line: 0, start: 9, end: 13 });
        assert_eq!(r.search.current, Some(0));
        r.next_match(true, 3);
        r.next_match(true, 3);
        assert_eq!(r.search.current, Some(2));
        assert_eq!(r.scroll, 4, "the match is brought into view (clamped to the last page)");
        r.next_match(true, 3);
        assert_eq!(r.search.current, Some(0), "n wraps to the first");
        assert_eq!(r.scroll, 0);
        r.next_match(false, 3);
        assert_eq!(r.search.current, Some(2), "N wraps to the last");
    }

    #[test]
    fn scrolling_stops_at_both_ends() {
        let mut r = reader(&["1", "2", "3", "4", "5"]);
        r.scroll_by(-3, 2);
        assert_eq!(r.scroll, 0);
        r.scroll_by(100, 2);
        assert_eq!(r.scroll, 3);
        assert!(r.at_end(2));
    }
}
