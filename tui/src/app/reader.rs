//! A scrollable, searchable view of rendered text: the lesson reader, and (with
//! highlighted Rust instead of Markdown) the reference solution.
//!
//! Lines are rendered for one width and kept; a new width renders again, and the
//! search matches are found again in the new lines.

use super::markdown;
use ratatui::text::Line;

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
