//! Lesson Markdown to terminal lines, with pulldown-cmark.
//!
//! The output is already wrapped to the width it will be shown at, so the reader can
//! scroll and search by screen line, list items keep their hanging indent, and code
//! blocks and tables are never re-wrapped by the paragraph widget.

use super::highlight;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

pub fn code_style() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn math_style() -> Style {
    Style::new().fg(Color::Magenta).add_modifier(Modifier::ITALIC)
}
fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}
fn heading_style(level: HeadingLevel) -> Style {
    match level {
        HeadingLevel::H1 => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        HeadingLevel::H2 => Style::new().add_modifier(Modifier::BOLD),
        _ => Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
    }
}

/// Renders `markdown` into lines at most `width` columns wide (code and tables may be cut).
pub fn render(markdown: &str, width: u16) -> Vec<Line<'static>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_FOOTNOTES;
    let mut renderer = Renderer::new(usize::from(width.max(20)));
    for event in Parser::new_ext(markdown, options) {
        renderer.event(event);
    }
    renderer.flush_inline();
    while renderer.out.last().is_some_and(|l| l.width() == 0) {
        renderer.out.pop();
    }
    renderer.out
}

/// A block that indents what is inside it: a block quote or a list item.
struct Container {
    /// Prefix of the first line (a list item's bullet), then `rest` on every later line.
    first: Option<Span<'static>>,
    rest: Span<'static>,
}

struct Table {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span<'static>>>>,
    header_rows: usize,
}

struct Renderer {
    width: usize,
    out: Vec<Line<'static>>,
    /// Text of the paragraph (or heading, or item) being built, not yet wrapped.
    inline: Vec<Span<'static>>,
    styles: Vec<Style>,
    containers: Vec<Container>,
    /// Per open list: the next item's number, or `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Where each open link's text starts in `inline`, and its destination.
    links: Vec<(usize, String)>,
    code: Option<(String, String)>,
    table: Option<Table>,
    /// A blank line is due before the next block.
    gap: bool,
}

impl Renderer {
    fn new(width: usize) -> Renderer {
        Renderer {
            width,
            out: Vec::new(),
            inline: Vec::new(),
            styles: vec![Style::new()],
            containers: Vec::new(),
            lists: Vec::new(),
            links: Vec::new(),
            code: None,
            table: None,
            gap: false,
        }
    }

    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, add: Style) {
        self.styles.push(self.style().patch(add));
    }

    fn text(&mut self, text: String, style: Style) {
        if let Some(table) = &mut self.table {
            if let Some(cell) = table.rows.last_mut().and_then(|row| row.last_mut()) {
                cell.push(Span::styled(text, style));
            }
            return;
        }
        self.inline.push(Span::styled(text, style));
    }

    /// The prefix for the next line: list bullets are used once, then indent.
    fn prefix(&mut self, consume_first: bool) -> Vec<Span<'static>> {
        self.containers
            .iter_mut()
            .map(|c| match (consume_first, c.first.take()) {
                (true, Some(first)) => first,
                (false, first) => {
                    c.first = first;
                    c.rest.clone()
                }
                (true, None) => c.rest.clone(),
            })
            .collect()
    }

    fn prefix_width(&self) -> usize {
        self.containers.iter().map(|c| c.rest.width()).sum()
    }

    fn emit(&mut self, content: Vec<Span<'static>>) {
        let mut spans = self.prefix(true);
        spans.extend(content);
        self.out.push(Line::from(spans));
    }

    fn start_block(&mut self) {
        self.flush_inline();
        if self.gap && !self.out.is_empty() {
            let prefix: Vec<Span<'static>> = self
                .prefix(false)
                .into_iter()
                .map(|s| Span::styled(s.content.trim_end().to_string(), s.style))
                .filter(|s| !s.content.is_empty())
                .collect();
            self.out.push(Line::from(prefix));
        }
        self.gap = false;
    }

    fn flush_inline(&mut self) {
        if self.inline.is_empty() {
            return;
        }
        let spans = std::mem::take(&mut self.inline);
        let width = self.width.saturating_sub(self.prefix_width()).max(10);
        for line in wrap(&spans, width) {
            self.emit(line);
        }
    }

    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&text);
                } else {
                    self.text(text.into_string(), self.style());
                }
            }
            Event::Code(code) => self.text(code.into_string(), self.style().patch(code_style())),
            // Lessons write formulas in Unicode between dollars: show the inside, styled.
            Event::InlineMath(math) => self.text(math.into_string(), self.style().patch(math_style())),
            Event::DisplayMath(math) => {
                self.start_block();
                for line in math.trim().lines() {
                    self.emit(vec![Span::raw("    "), Span::styled(line.trim().to_string(), math_style())]);
                }
                self.gap = true;
            }
            Event::Html(html) | Event::InlineHtml(html) => self.text(html.trim_end().to_string(), dim()),
            Event::FootnoteReference(name) => self.text(format!("[^{name}]"), dim()),
            Event::SoftBreak => self.text(" ".into(), Style::new()),
            Event::HardBreak => self.flush_inline(),
            Event::Rule => {
                self.start_block();
                let width = self.width.saturating_sub(self.prefix_width());
                self.emit(vec![Span::styled("─".repeat(width), dim())]);
                self.gap = true;
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }.into(), Style::new()),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => self.start_block(),
            Tag::Heading { level, .. } => {
                self.start_block();
                self.push_style(heading_style(level));
            }
            Tag::BlockQuote(_) => {
                self.start_block();
                self.containers.push(Container { first: None, rest: Span::styled("▌ ", dim()) });
                self.push_style(Style::new().add_modifier(Modifier::ITALIC));
            }
            Tag::CodeBlock(kind) => {
                self.start_block();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.split([',', ' ']).next().unwrap_or_default().to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((language, String::new()));
            }
            Tag::List(start) => {
                // A list nested in a tight item follows its text directly.
                if self.lists.is_empty() {
                    self.start_block();
                } else {
                    self.flush_inline();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush_inline();
                let depth = self.lists.len();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => format!("{} ", ["•", "◦", "▪"][depth.saturating_sub(1) % 3]),
                };
                let indent = " ".repeat(marker.chars().count());
                self.containers.push(Container { first: Some(Span::raw(marker)), rest: Span::raw(indent) });
            }
            Tag::Table(alignments) => {
                self.start_block();
                self.table = Some(Table { alignments, rows: Vec::new(), header_rows: 0 });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(Vec::new());
                }
            }
            Tag::Emphasis => self.push_style(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.links.push((self.inline.len(), dest_url.into_string()));
                self.push_style(Style::new().add_modifier(Modifier::UNDERLINED));
            }
            Tag::Image { dest_url, .. } => {
                self.text("[image: ".into(), dim());
                self.links.push((self.inline.len(), dest_url.into_string()));
                self.push_style(Style::new());
            }
            _ => self.push_style(Style::new()),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                self.gap = true;
            }
            TagEnd::Heading(_) => {
                self.styles.pop();
                self.flush_inline();
                self.gap = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.styles.pop();
                self.containers.pop();
                self.gap = true;
            }
            TagEnd::CodeBlock => {
                if let Some((language, code)) = self.code.take() {
                    let gutter = Span::styled("│ ", dim());
                    if !language.is_empty() {
                        self.emit(vec![Span::styled(format!("╭ {language}"), dim())]);
                    }
                    for line in highlight::highlight(&code, &language) {
                        let mut spans = vec![gutter.clone()];
                        spans.extend(line.spans);
                        self.emit(spans);
                    }
                }
                self.gap = true;
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.lists.pop();
                // Only the outermost list ends a block; nested ones continue their item.
                if self.lists.is_empty() {
                    self.gap = true;
                }
            }
            TagEnd::Item => {
                self.flush_inline();
                self.containers.pop();
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.draw_table(table);
                }
                self.gap = true;
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.header_rows = table.rows.len();
                }
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some((start, url)) = self.links.pop() {
                    let text: String =
                        self.inline[start.min(self.inline.len())..].iter().map(|s| s.content.as_ref()).collect();
                    if !url.is_empty() && text.trim() != url && !url.starts_with('#') {
                        self.text(format!(" ({url})"), dim());
                    }
                }
            }
            TagEnd::Image => {
                self.styles.pop();
                if let Some((_, url)) = self.links.pop() {
                    self.text(format!("] ({url})"), dim());
                }
            }
            TagEnd::TableRow | TagEnd::TableCell => {}
            _ => {
                self.styles.pop();
            }
        }
        if self.styles.is_empty() {
            self.styles.push(Style::new());
        }
    }

    fn draw_table(&mut self, table: Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        let cell_width = |cell: &Vec<Span>| cell.iter().map(Span::width).sum::<usize>();
        let mut widths: Vec<usize> = (0..columns)
            .map(|c| table.rows.iter().filter_map(|r| r.get(c)).map(cell_width).max().unwrap_or(0).max(1))
            .collect();
        // Narrow the widest columns until the table fits, first not below their longest
        // word, then (a very narrow terminal) down to a few columns; cells wrap inside.
        let longest_word = |c: usize| {
            table
                .rows
                .iter()
                .filter_map(|r| r.get(c))
                .flat_map(|cell| cell.iter())
                .flat_map(|s| s.content.split_whitespace())
                .map(|w| Span::raw(w).width())
                .max()
                .unwrap_or(1)
        };
        let available = self.width.saturating_sub(self.prefix_width() + 3 * columns);
        for floor in [(0..columns).map(longest_word).collect::<Vec<_>>(), vec![4; columns]] {
            while widths.iter().sum::<usize>() > available {
                let Some((c, _)) = widths.iter().enumerate().filter(|(c, w)| **w > floor[*c]).max_by_key(|(_, w)| **w)
                else {
                    break;
                };
                widths[c] -= 1;
            }
        }
        let separator = Span::styled(" │ ", dim());
        for (r, row) in table.rows.iter().enumerate() {
            let header = r < table.header_rows;
            let cells: Vec<Vec<Vec<Span<'static>>>> = widths
                .iter()
                .enumerate()
                .map(|(c, width)| {
                    let spans: Vec<Span<'static>> = row.get(c).cloned().unwrap_or_default();
                    let spans = if header {
                        spans
                            .into_iter()
                            .map(|s| Span::styled(s.content, s.style.add_modifier(Modifier::BOLD)))
                            .collect()
                    } else {
                        spans
                    };
                    wrap(&spans, *width)
                })
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            for line in 0..height {
                let mut spans = vec![Span::raw(" ")];
                for (c, width) in widths.iter().enumerate() {
                    if c > 0 {
                        spans.push(separator.clone());
                    }
                    let piece = cells[c].get(line).cloned().unwrap_or_default();
                    let pad = width.saturating_sub(piece.iter().map(Span::width).sum());
                    let (left, right) = match table.alignments.get(c) {
                        Some(Alignment::Right) => (pad, 0),
                        Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                        _ => (0, pad),
                    };
                    spans.push(Span::raw(" ".repeat(left)));
                    spans.extend(piece);
                    spans.push(Span::raw(" ".repeat(right)));
                }
                self.emit(spans);
            }
            if r + 1 == table.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
                self.emit(vec![Span::styled(rule.join("┼"), dim())]);
            }
        }
    }
}

/// Greedy word wrap of styled text; whitespace separates words, a word longer than the
/// line is cut into pieces.
pub fn wrap(spans: &[Span<'static>], width: usize) -> Vec<Vec<Span<'static>>> {
    // Words, each a run of styled fragments (`**bold**text` is one word of two styles).
    let mut words: Vec<Vec<(String, Style)>> = Vec::new();
    let mut current: Vec<(String, Style)> = Vec::new();
    for span in spans {
        for ch in span.content.chars() {
            if ch.is_whitespace() {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
                continue;
            }
            match current.last_mut() {
                Some((text, style)) if *style == span.style => text.push(ch),
                _ => current.push((ch.to_string(), span.style)),
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }

    let width_of = |text: &str| Span::raw(text.to_string()).width();
    let mut lines = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    for word in words {
        let word_width: usize = word.iter().map(|(t, _)| width_of(t)).sum();
        if used > 0 && used + 1 + word_width > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(Span::raw(" "));
            used += 1;
        }
        for (text, style) in word {
            for ch in text.chars() {
                let w = width_of(&ch.to_string());
                if used + w > width && used > 0 {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                match line.last_mut() {
                    Some(last) if last.style == style && last.content != " " => last.content.to_mut().push(ch),
                    _ => line.push(Span::styled(ch.to_string(), style)),
                }
                used += w;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A line's text without styles, as search sees it.
pub fn plain(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

#[cfg(test)]
mod tests;
