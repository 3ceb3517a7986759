//! Drawing: a pure function of [`AppState`], so screens can be tested on a `TestBackend`.
//!
//! Colours are only ever a second cue next to a symbol or word, come from the 16 ANSI
//! colours the terminal's own theme defines, and are never backgrounds, so every screen
//! reads on light and dark terminals alike (no yellow, no dark grey, no fixed shades).

use super::chart::{self, Curve};
use super::highlight;
use super::keys::{self, Action, Context, FooterItem, HELP_SECTIONS, SEARCH_RESULTS_FOOTER};
use super::map::{Counts, Item, ItemState, Row};
use super::reader::Reader;
use super::state::{AppState, Outcome, Overlay, ReaderLayout, Screen, MIN_SIZE};
use super::worker::EngineBuild;
use nma_grader::{
    Diagnostic, ExerciseKind, ExerciseState, FailureKind, GradeEvent, Status, TestResult, Verdict, Visibility,
};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;
use std::time::SystemTime;

/// Lines of a failing test's output shown under it; the rest is cut.
const OUTPUT_LINES: usize = 8;
/// Rows the training chart takes in the exercise view, at most.
const CHART_HEIGHT: u16 = 16;

pub fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        draw_too_small(frame, area);
        return;
    }
    match &state.screen {
        Screen::Map => draw_map(frame, state),
        Screen::Lesson(view) => draw_lesson(frame, state, view.index, &view.reader),
        Screen::Exercise(view) => draw_exercise(frame, state, view.index, view.scroll),
        Screen::Solution(view) => draw_solution(frame, state, view.index, &view.reader),
    }
    match &state.overlay {
        Some(Overlay::Help { scroll }) => draw_help(frame, state, *scroll),
        Some(Overlay::ConfirmReset(index)) => draw_confirm_reset(frame, state, *index),
        None => {}
    }
}

fn pass_style() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}
fn fail_style() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}
fn tried_style() -> Style {
    Style::new().fg(Color::Magenta)
}
fn quiet_style() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}
fn heading_style() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}
fn key_style() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
}
fn next_style() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

fn state_label(state: ExerciseState) -> Span<'static> {
    match state {
        ExerciseState::Passed => Span::styled("✓ done", pass_style()),
        ExerciseState::Attempted => Span::styled("● tried", tried_style()),
        ExerciseState::NotStarted => Span::raw("○ new"),
    }
}

fn kind_label(kind: ExerciseKind) -> &'static str {
    match kind {
        ExerciseKind::Unit => "unit tests",
        ExerciseKind::Property => "property tests",
        ExerciseKind::Training => "training run",
    }
}

/// `3` rather than `3.0`, `2.5` as is.
fn points(x: f64) -> String {
    format!("{x}")
}

/// The key help at the bottom: keys reversed, what they do plain, then the flash message.
/// The keys come from the key table (`keys.rs`), so a footer names only keys that work.
fn footer(items: &[FooterItem], flash: Option<&str>) -> Line<'static> {
    footer_with(items, |item| Some(item.text.to_string()), flash)
}

/// A footer whose items can be left out or reworded (`None` leaves one out).
fn footer_with(
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
fn reflow(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Rows `text` takes when word-wrapped to `width` (greedy, like the paragraph renders it).
fn wrapped_height(text: &str, width: u16) -> u16 {
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

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    cell
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

// ---- course map ----

fn counts_spans(counts: &Counts) -> Vec<Span<'static>> {
    // A bar with one cell per item (scaled down for long days): done, tried, then new.
    const BAR: usize = 12;
    let total = counts.total().max(1);
    let cells = |n: usize| (n * BAR.min(total)).div_ceil(total);
    let done = cells(counts.done);
    let tried = cells(counts.attempted).min(BAR.min(total) - done.min(BAR.min(total)));
    let new = BAR.min(total).saturating_sub(done + tried);
    vec![
        Span::styled("■".repeat(done), pass_style()),
        Span::styled("■".repeat(tried), tried_style()),
        Span::styled("□".repeat(new), quiet_style()),
        Span::raw(" ".repeat(BAR + 2 - BAR.min(total))),
        Span::raw(format!("{} done · {} tried · {} new", counts.done, counts.attempted, counts.new)),
    ]
}

fn item_mark(state: ItemState) -> Span<'static> {
    match state {
        ItemState::Done => Span::styled("✓", pass_style()),
        ItemState::Attempted => Span::styled("●", tried_style()),
        ItemState::New => Span::raw("○"),
    }
}

fn row_line(state: &AppState, row: &Row, next: Option<Item>) -> Line<'static> {
    match row {
        Row::Week { week, counts } => Line::from(vec![
            Span::styled(week.map(|w| format!("Week {w}")).unwrap_or_else(|| "Other".into()), heading_style()),
            Span::styled(format!("  {} of {} done", counts.done, counts.total()), quiet_style()),
        ]),
        Row::Day { day, counts } => {
            let mut spans = vec![Span::styled(format!("  {day:<6} "), Style::new().bold())];
            spans.extend(counts_spans(counts));
            Line::from(spans)
        }
        Row::Item { item, nested } => {
            let indent = if *nested { "      " } else { "    " };
            let mut spans = vec![Span::raw(indent), item_mark(state.item_state(*item)), Span::raw(" ")];
            match item {
                Item::Lesson(l) => {
                    let lesson = &state.course.lessons[*l];
                    spans.push(Span::styled("lesson   ", quiet_style()));
                    spans.push(Span::raw(lesson.meta.title.clone()));
                }
                Item::Exercise(e) => {
                    let exercise = &state.course.exercises[*e];
                    spans.push(Span::styled("exercise ", quiet_style()));
                    spans.push(Span::raw(exercise.meta.title.clone()));
                    spans.push(Span::styled(format!("  {}", exercise.id()), quiet_style()));
                }
            }
            if next == Some(*item) {
                spans[3].style = next_style();
                spans.push(Span::styled("  ◀ next", next_style()));
            }
            Line::from(spans)
        }
    }
}

fn draw_map(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    let rows = state.map_rows();
    let next = state.next_step();

    let mut status_lines = vec![Line::from(format!("Workspace: {}", state.shown_workspace.display()))];
    status_lines.extend(engine_status(&state.engine));
    status_lines.extend(state.notices.iter().map(|n| Line::styled(n.clone(), tried_style())));
    let status_text: Vec<String> = status_lines.iter().map(|l| l.to_string()).collect();
    let status_height = wrapped_height(&status_text.join("\n"), area.width).min(area.height / 4).max(1);

    let (detail_title, detail) = selected_detail(state);
    let detail_text: Vec<String> = detail.iter().map(|l| l.to_string()).collect();
    let detail_height = wrapped_height(&detail_text.join("\n"), area.width.saturating_sub(2)).min(6) + 2;
    let [list_area, detail_area, status_area, footer_area] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(detail_height),
        Constraint::Length(status_height),
        Constraint::Length(1),
    ])
    .areas(area);

    let exercises_done =
        state.course.exercises.iter().filter(|e| state.progress.state(e.id()) == ExerciseState::Passed).count();
    let lessons_read = state.course.lessons.iter().filter(|l| state.lessons_read.contains(&l.id)).count();
    let mut block = Block::bordered().title(Line::from(" nma-tutor · Neuromatch Academy Deep Learning ").bold()).title(
        Line::from(format!(
            " {exercises_done}/{} exercises passed · {lessons_read}/{} lessons read ",
            state.course.exercises.len(),
            state.course.lessons.len()
        ))
        .right_aligned(),
    );
    if state.filter_editing || !state.filter.is_empty() {
        let cursor = if state.filter_editing { "▏" } else { "" };
        block = block.title_bottom(Line::from(vec![
            Span::styled(" filter: ", Style::new().bold()),
            Span::raw(format!("{}{cursor} ", state.filter)),
        ]));
    }
    let selected_row = rows.iter().position(|r| matches!(r, Row::Item { item, .. } if Some(*item) == state.selected));
    let items: Vec<ListItem> = rows.iter().map(|row| ListItem::new(row_line(state, row, next))).collect();
    if items.is_empty() {
        let message = if state.filter.is_empty() {
            "This course has no lessons or exercises yet."
        } else {
            "Nothing matches the filter. Esc clears it."
        };
        frame.render_widget(Paragraph::new(message).block(block), list_area);
    } else {
        let list = List::new(items)
            .block(block)
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED))
            .highlight_symbol("▶ ");
        let mut list_state = ListState::default().with_selected(selected_row);
        frame.render_stateful_widget(list, list_area, &mut list_state);
    }

    frame.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: true }).block(Block::bordered().title(detail_title)),
        detail_area,
    );
    frame.render_widget(Paragraph::new(status_lines).wrap(Wrap { trim: false }), status_area);
    let context = if state.filter_editing { Context::MapFilter } else { Context::Map };
    frame.render_widget(footer(context.footer(), state.flash.as_deref()), footer_area);
}

/// The box under the map describing the selected lesson or exercise.
fn selected_detail(state: &AppState) -> (String, Vec<Line<'static>>) {
    let (title, lines) = match state.selected {
        Some(Item::Lesson(l)) => {
            let lesson = &state.course.lessons[l];
            let read = if state.lessons_read.contains(&lesson.id) { "read" } else { "not read yet" };
            let mut line = vec![Span::raw(format!("Lesson · {read}"))];
            if !lesson.meta.exercises.is_empty() {
                line.push(Span::raw(format!(" · exercises: {}", lesson.meta.exercises.join(", "))));
            }
            (format!(" {} · {} ", lesson.meta.day, lesson.meta.title), vec![Line::from(line)])
        }
        Some(Item::Exercise(e)) => {
            let exercise = &state.course.exercises[e];
            let mut lines: Vec<Line> =
                reflow(&exercise.meta.summary).lines().map(|l| Line::raw(l.to_string())).collect();
            let mut facts = vec![
                Span::raw(format!("{} · ", kind_label(exercise.meta.kind))),
                state_label(state.progress.state(exercise.id())),
            ];
            if let Some(p) = state.progress.exercises.get(exercise.id()) {
                facts.push(Span::raw(format!(" · best score {}/{}", points(p.score), points(p.max_score))));
            }
            lines.push(Line::from(facts));
            (format!(" {} · {} ", exercise.meta.day, exercise.meta.title), lines)
        }
        None => (String::new(), Vec::new()),
    };
    (title, lines)
}

// ---- readers: lessons and the solution ----

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

/// The page of `reader` that is on screen, with search matches marked, each line
/// after `gutter(line number)`.
fn reader_lines(reader: &Reader, page: usize, gutter: impl Fn(usize) -> Option<Span<'static>>) -> Vec<Line<'static>> {
    let current = reader.search.current.and_then(|i| reader.search.matches.get(i)).copied();
    reader
        .lines
        .iter()
        .enumerate()
        .skip(reader.scroll)
        .take(page)
        .map(|(n, line)| {
            let ranges: Vec<(usize, usize, bool)> = reader
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

/// The reader's footer: the search being typed, the search's position, or `keys`.
fn reader_footer(state: &AppState, reader: &Reader, keys: Line<'static>) -> Line<'static> {
    let search = &reader.search;
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
        let mut line = footer(SEARCH_RESULTS_FOOTER, state.flash.as_deref());
        line.spans.insert(0, position);
        return line;
    }
    keys
}

/// `text` cut to `room` characters, ending in "…" when cut.
fn shorten(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(room.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn percent_through(reader: &Reader, page: usize) -> String {
    if reader.lines.len() <= page {
        return "all".into();
    }
    let seen = (reader.scroll + page).min(reader.lines.len());
    format!("{}%", seen * 100 / reader.lines.len().max(1))
}

fn draw_lesson(frame: &mut Frame, state: &AppState, index: usize, reader: &Reader) {
    let area = frame.area();
    let Some(lesson) = state.course.lessons.get(index) else { return };
    let layout = ReaderLayout::new(area);
    let (body_area, footer_area, page) = (layout.body, layout.footer, layout.page());
    let day_lessons: Vec<_> = state.course.lessons.iter().filter(|l| l.meta.day == lesson.meta.day).collect();
    let position = day_lessons.iter().position(|l| l.id == lesson.id).map(|p| p + 1).unwrap_or(1);
    let where_in_course = format!(
        " {} · lesson {position} of {} · {} ",
        lesson.meta.day,
        day_lessons.len(),
        percent_through(reader, page)
    );
    // Long titles give way (with "…") to where the reader is, which changes as they scroll.
    let room = usize::from(area.width).saturating_sub(where_in_course.chars().count() + 14);
    let mut title = vec![Span::styled(format!(" {} ", shorten(&lesson.meta.title, room)), Style::new().bold())];
    if state.preview {
        title.insert(0, Span::styled(" preview ", key_style()));
    }
    let block = Block::bordered().title(Line::from(title)).title(Line::from(where_in_course).right_aligned());
    frame.render_widget(block, body_area);
    frame.render_widget(Paragraph::new(reader_lines(reader, page, |_| None)), layout.text);

    let footer_line = if let Some(problem) = &state.lesson_problem {
        Line::from(vec![
            Span::styled(" ✗ the last save could not be shown: ", fail_style()),
            Span::raw(problem.lines().next().unwrap_or_default().to_string()),
        ])
    } else if state.preview {
        reader_footer(state, reader, footer(Context::Preview.footer(), state.flash.as_deref()))
    } else {
        let exercises = lesson.meta.exercises.len();
        let keys = footer_with(
            Context::Lesson.footer(),
            |item| match item.action(Context::Lesson) {
                Some(Action::LessonExercise) if exercises == 0 => None,
                Some(Action::LessonExercise) if exercises > 1 => Some(format!("exercises ({exercises})")),
                _ => Some(item.text.to_string()),
            },
            state.flash.as_deref(),
        );
        reader_footer(state, reader, keys)
    };
    frame.render_widget(footer_line, footer_area);
}

fn draw_solution(frame: &mut Frame, state: &AppState, index: usize, reader: &Reader) {
    let area = frame.area();
    let exercise = &state.course.exercises[index];
    let layout = ReaderLayout::new(area);
    let (body_area, footer_area, page) = (layout.body, layout.footer, layout.page());
    let block = Block::bordered()
        .title(Line::from(format!(" Reference solution · {} ", exercise.meta.title)).bold())
        .title(Line::from(" compare it with yours; yours passed too ").right_aligned());
    let width = reader.lines.len().max(1).to_string().len();
    let gutter = |n: usize| Some(Span::styled(format!("{:>width$} │ ", n + 1), quiet_style()));
    frame.render_widget(Paragraph::new(reader_lines(reader, page, gutter)).block(block), body_area);
    frame.render_widget(
        reader_footer(state, reader, footer(Context::Solution.footer(), state.flash.as_deref())),
        footer_area,
    );
}

// ---- exercise view ----

/// The loss curve to draw for an exercise: the live one while its grade trains, else
/// the first training test of its last verdict.
fn training_curve<'a>(state: &'a AppState, index: usize) -> Option<Curve<'a>> {
    if let Some(running) = state.running.as_ref().filter(|r| r.index == index) {
        // The test that reported last is the one training now.
        if let Some((name, points)) = running.losses.last() {
            return Some(Curve { name: name.clone(), points, record: None, live: true });
        }
    }
    let id = state.course.exercises[index].id();
    let Some(Outcome { result: Ok(verdict), .. }) = state.outcome(id) else { return None };
    verdict.tests.iter().find_map(|test| {
        let record = test.training.as_ref()?;
        let name = if test.visibility == Visibility::Hidden { "hidden test".to_string() } else { test.name.clone() };
        Some(Curve { name, points: &record.losses, record: Some(record), live: false })
    })
}

fn draw_exercise(frame: &mut Frame, state: &AppState, index: usize, scroll: u16) {
    let exercise = &state.course.exercises[index];
    let meta = &exercise.meta;
    let area = frame.area();
    let inner_width = area.width.saturating_sub(2);
    let file = state.shown_file(exercise.id()).display().to_string();
    let file_line = format!("Your file: {file}");

    let summary = reflow(&meta.summary);
    let mut header = vec![Line::from(vec![
        Span::raw(format!("{} · {} · ", exercise.id(), kind_label(meta.kind))),
        state_label(state.progress.state(exercise.id())),
    ])];
    header.extend(summary.lines().map(|l| Line::from(l.to_string())));
    header.push(Line::from(vec![
        Span::styled("Your file: ", Style::new().bold()),
        Span::styled(file, Style::new().bold().underlined()),
    ]));
    header.push(watch_status(state, index));
    let header_height = 2 + 2 + wrapped_height(&summary, inner_width) + wrapped_height(&file_line, inner_width);
    let [header_area, body_area, footer_area] = Layout::vertical([
        Constraint::Length(header_height.min(area.height / 3)),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);

    frame.render_widget(
        Paragraph::new(header).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(Line::from(format!(" {} · {} ", meta.day, meta.title)).bold())
                .title(Line::from(" Esc: course map ").right_aligned()),
        ),
        header_area,
    );

    let curve = training_curve(state, index);
    let result_area = match &curve {
        Some(curve) if body_area.height >= 14 => {
            let chart_height = (body_area.height / 2).clamp(10, CHART_HEIGHT);
            let [chart_area, rest] =
                Layout::vertical([Constraint::Length(chart_height), Constraint::Fill(1)]).areas(body_area);
            chart::draw(frame, chart_area, curve);
            rest
        }
        _ => body_area,
    };

    let body = exercise_body(state, index);
    let total = body.len();
    let title = if scroll > 0 || total > usize::from(result_area.height.saturating_sub(2)) {
        format!(" Result · line {} of {total} (↑↓ to scroll) ", usize::from(scroll) + 1)
    } else {
        " Result ".to_string()
    };
    frame.render_widget(
        Paragraph::new(Text::from(body))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::bordered().title(title)),
        result_area,
    );

    let passed = state.progress.state(exercise.id()) == ExerciseState::Passed;
    let keys = footer_with(
        Context::Exercise.footer(),
        |item| match item.action(Context::Exercise) {
            // Before a pass `s` only says the solution is locked.
            Some(Action::Solution) if !passed => None,
            _ => Some(item.text.to_string()),
        },
        state.flash.as_deref(),
    );
    frame.render_widget(keys, footer_area);
}

/// "12 s ago", measured on the state's clock.
fn ago(now: SystemTime, then: SystemTime) -> String {
    let secs = now.duration_since(then).map(|d| d.as_secs()).unwrap_or(0);
    match secs {
        0..=4 => "just now".into(),
        5..=59 => format!("{secs} s ago"),
        60..=3599 => format!("{} min ago", secs / 60),
        _ => format!("{} h ago", secs / 3600),
    }
}

/// The engine's first build, in words: "your file is queued; the engine is 37/52 built".
pub fn engine_progress(built: usize, total: usize, current: &str) -> String {
    format!("your file is queued; the engine is {} (now {current}), first grade only", engine_count(built, total))
}

fn engine_count(built: usize, total: usize) -> String {
    if total > 0 {
        format!("{}/{total} built", built.min(total))
    } else {
        format!("{built} crates built")
    }
}

fn queued_behind_engine(engine: &EngineBuild) -> Option<String> {
    match engine {
        EngineBuild::Building { built, total, current } => Some(engine_progress(*built, *total, current)),
        _ => None,
    }
}

/// A text gauge: `█` for the part done, `░` for the rest.
fn gauge(done: usize, total: usize, width: usize) -> String {
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(0);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// The map's line about the engine's build, while it matters.
fn engine_status(engine: &EngineBuild) -> Option<Line<'static>> {
    match engine {
        EngineBuild::Building { built, total, current } => Some(Line::styled(
            format!(
                "Getting the grader ready (first time only): {} {} (now {current})",
                gauge(*built, *total, 20),
                engine_count(*built, *total)
            ),
            tried_style(),
        )),
        EngineBuild::Failed(why) => Some(Line::styled(format!("✗ The grader is not ready: {why}"), fail_style())),
        EngineBuild::Unknown | EngineBuild::Ready => None,
    }
}

fn watch_status(state: &AppState, index: usize) -> Line<'static> {
    let mut spans = Vec::new();
    match &state.running {
        Some(running) if running.index == index => {
            let elapsed = state.now.duration_since(running.started).map(|d| d.as_secs()).unwrap_or(0);
            let what = match running.stage {
                // The grader counts tests as they finish (they run in parallel).
                Some(GradeEvent::Running { done, of }) => format!("testing… {done} of {of} done"),
                Some(GradeEvent::Engine { built, total, ref current }) => engine_progress(built, total, current),
                // Queued behind the engine's build, which the worker does first.
                None if queued_behind_engine(&state.engine).is_some() => queued_behind_engine(&state.engine).unwrap_or_default(),
                Some(GradeEvent::Building) | None if elapsed >= 5 => {
                    format!("building… {elapsed} s (the first build compiles the engine: a minute or two)")
                }
                Some(GradeEvent::Building) | None => "building…".to_string(),
                // Training points do not replace the stage (see AppState::grade_progress).
                Some(GradeEvent::Training { .. }) => "training…".to_string(),
            };
            spans.push(Span::styled(format!("◌ {what}"), tried_style().bold()));
        }
        Some(running) => {
            let other = state.course.exercises.get(running.index).map(|e| e.id()).unwrap_or("another exercise");
            spans.push(Span::styled(format!("◌ waiting: grading {other} first"), tried_style()));
        }
        None => match &state.watch_problem {
            Some(problem) => spans
                .push(Span::styled(format!("✗ not watching your file ({problem}); press g to grade"), fail_style())),
            None => spans.push(Span::styled("● watching for saves", pass_style())),
        },
    }
    if state.queued == Some(index) {
        spans.push(Span::raw(" · one more grade queued"));
    }
    let id = state.course.exercises[index].id();
    if let Some(outcome) = state.outcome(id) {
        let took = match &outcome.result {
            Ok(v) => format!(" in {:.1} s", v.seconds),
            Err(_) => String::new(),
        };
        spans.push(Span::raw(format!(" · graded {}{took}", ago(state.now, outcome.at))));
    }
    Line::from(spans)
}

/// How many lines the exercise view's scrollable body has (before wrapping).
pub fn exercise_body_line_count(state: &AppState) -> usize {
    match &state.screen {
        Screen::Exercise(view) => exercise_body(state, view.index).len(),
        _ => 0,
    }
}

fn exercise_body(state: &AppState, index: usize) -> Vec<Line<'static>> {
    let exercise = &state.course.exercises[index];
    let mut lines = Vec::new();
    match state.outcome(exercise.id()) {
        None => {
            lines.push(Line::from(
                "No verdict yet: save your file to grade it, or press g (e opens it in your editor).",
            ));
            if let Some(earlier) = state.progress.exercises.get(exercise.id()) {
                lines.push(Line::from(vec![
                    Span::raw("Earlier: "),
                    state_label(earlier.state),
                    Span::raw(format!(", best score {}/{}", points(earlier.score), points(earlier.max_score))),
                ]));
            }
        }
        Some(Outcome { result: Err(problem), .. }) => {
            lines.push(Line::styled("✗ The grader could not run (this is not your code's fault):", fail_style()));
            lines.extend(problem.lines().map(|l| Line::from(format!("  {l}"))));
        }
        Some(Outcome { result: Ok(verdict), .. }) => verdict_lines(state, verdict, &mut lines),
    }
    lines.push(Line::raw(""));
    hint_lines(state, index, &mut lines);
    lines
}

fn verdict_lines(state: &AppState, verdict: &Verdict, lines: &mut Vec<Line<'static>>) {
    let (mark, style) = match verdict.status {
        Status::Pass => ("✓", pass_style()),
        Status::Fail | Status::Error => ("✗", fail_style()),
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{mark} {}", state.shorten_paths(&verdict.message)), style),
        Span::raw(format!("  score {}/{}", points(verdict.score), points(verdict.max_score))),
    ]));
    if verdict.passed() {
        lines.push(Line::from(
            "Well done! s shows the reference solution to compare with yours; Esc for the map when you are ready.",
        ));
    }
    if !verdict.compile_errors.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Compile errors", heading_style()));
        for (i, diagnostic) in verdict.compile_errors.iter().enumerate() {
            if i > 0 {
                lines.push(Line::raw(""));
            }
            diagnostic_lines(state, diagnostic, lines);
        }
    }
    if !verdict.tests.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Tests", heading_style()));
        for test in &verdict.tests {
            test_lines(state, test, lines);
        }
    }
}

/// A source line from rustc's rendering (`12 |     let x = …`) split into its gutter and code.
fn split_source_line(text: &str) -> Option<(&str, &str)> {
    let bar = text.find('|')?;
    let (gutter, rest) = text.split_at(bar);
    let number = gutter.trim();
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit())).then(|| (gutter, &rest[1..]))
}

/// One line of Rust, highlighted (it is shown without its neighbours, which is enough for
/// the keywords, strings and numbers of a single line).
fn rust_line(code: &str) -> Vec<Span<'static>> {
    highlight::highlight(code, "rust").into_iter().next().map(|l| l.spans).unwrap_or_default()
}

fn diagnostic_lines(state: &AppState, d: &Diagnostic, lines: &mut Vec<Line<'static>>) {
    let rendered = state.shorten_paths(d.rendered.trim_end());
    if rendered.lines().count() > 1 {
        // rustc's own rendering: file:line:col, the source lines with carets and labels,
        // and its help; learners will meet exactly this text everywhere else in Rust.
        // The source lines in it are highlighted, so the code reads as code.
        for (i, text) in rendered.lines().enumerate() {
            if i == 0 {
                lines.push(Line::styled(format!("  {text}"), fail_style()));
            } else if let Some((gutter, code)) = split_source_line(text) {
                let mut spans = vec![Span::styled(format!("  {gutter}|"), quiet_style())];
                spans.extend(rust_line(code));
                lines.push(Line::from(spans));
            } else if text.trim_start().starts_with('|') && (text.contains('^') || text.contains('-')) {
                lines.push(Line::styled(format!("  {text}"), Style::new().fg(Color::Red)));
            } else {
                lines.push(Line::raw(format!("  {text}")));
            }
        }
        return;
    }
    lines.push(Line::from(vec![
        Span::styled(format!("  {}: ", d.level), fail_style()),
        Span::styled(d.message.clone(), Style::new().bold()),
    ]));
    if let (Some(file), Some(line)) = (&d.file, d.line) {
        let column = d.column.map(|c| format!(":{c}")).unwrap_or_default();
        lines.push(Line::from(format!("   --> {}:{line}{column}", state.shown_diagnostic_path(file))));
        let gutter = (line + d.source_lines.len()).to_string().len();
        for (i, source) in d.source_lines.iter().enumerate() {
            let mut spans = vec![Span::styled(format!("  {:>gutter$} | ", line + i), quiet_style())];
            spans.extend(rust_line(source));
            lines.push(Line::from(spans));
            if i == 0 {
                if let Some(column) = d.column {
                    let pad = " ".repeat(column.saturating_sub(1));
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {:>gutter$} | ", ""), quiet_style()),
                        Span::styled(format!("{pad}^"), fail_style()),
                    ]));
                }
            }
        }
    }
}

fn failure_label(test: &TestResult) -> &'static str {
    match (test.status, test.kind) {
        (Status::Error, _) => "not run",
        (_, Some(FailureKind::WrongAnswer)) => "wrong answer",
        (_, Some(FailureKind::Panic)) => "panicked",
        (_, Some(FailureKind::Timeout)) => "timed out",
        (_, Some(FailureKind::Crashed)) => "crashed",
        (_, Some(FailureKind::OutOfMemory)) => "ran out of memory",
        (_, Some(FailureKind::OutputLimit)) => "printed too much",
        (_, Some(FailureKind::Diverged)) => "training diverged",
        (_, Some(FailureKind::BelowThreshold)) => "below the threshold",
        (_, None) => "failed",
    }
}

fn test_lines(state: &AppState, test: &TestResult, lines: &mut Vec<Line<'static>>) {
    let hidden = test.visibility == Visibility::Hidden;
    // Hidden tests say only whether they pass: their names and messages would give them away.
    let name = if hidden { "hidden test".to_string() } else { test.name.clone() };
    match test.status {
        Status::Pass => lines.push(Line::from(vec![Span::styled("  ✓ ", pass_style()), Span::raw(name)])),
        Status::Error => lines.push(Line::from(vec![
            Span::styled(format!("  - {name}"), quiet_style()),
            Span::styled(format!("  {}", failure_label(test)), quiet_style()),
        ])),
        Status::Fail => {
            let mut row = vec![Span::styled("  ✗ ", fail_style()), Span::raw(name)];
            if !hidden {
                row.push(Span::styled(format!("  {}", failure_label(test)), fail_style()));
            }
            lines.push(Line::from(row));
            if !hidden {
                lines.extend(state.shorten_paths(&test.message).lines().map(|l| Line::from(format!("      {l}"))));
                let output: Vec<&str> = test.output.lines().collect();
                if !output.is_empty() {
                    lines.push(Line::styled("      it printed:", quiet_style()));
                    for l in output.iter().take(OUTPUT_LINES) {
                        lines.push(Line::styled(format!("      │ {l}"), quiet_style()));
                    }
                    if output.len() > OUTPUT_LINES {
                        lines.push(Line::styled(
                            format!("      │ … {} more lines", output.len() - OUTPUT_LINES),
                            quiet_style(),
                        ));
                    }
                }
            }
        }
    }
}

fn hint_lines(state: &AppState, index: usize, lines: &mut Vec<Line<'static>>) {
    let exercise = &state.course.exercises[index];
    let hints = &exercise.meta.hints;
    let shown = state.progress.hints_shown(exercise.id()).min(hints.len());
    if hints.is_empty() {
        return;
    }
    let more = if shown < hints.len() { " · press h for one more" } else { "" };
    lines.push(Line::styled(format!("Hints: {shown} of {} shown{more}", hints.len()), heading_style()));
    for (i, hint) in hints.iter().take(shown).enumerate() {
        lines.push(Line::from(format!("  {}. {hint}", i + 1)));
    }
}

// ---- overlays ----

/// The help's sections, each with its (keys, what they do) rows, from the key table.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    HELP_SECTIONS.iter().map(|section| (section.title, keys::help_rows(section.tables))).collect()
}

fn draw_help(frame: &mut Frame, state: &AppState, scroll: u16) {
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
    let context = if state.preview { Context::PreviewHelp } else { Context::Help };
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

fn draw_confirm_reset(frame: &mut Frame, state: &AppState, index: usize) {
    let exercise = &state.course.exercises[index];
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
    use crate::app::map::Item;
    use crate::app::state::tests::{fixture_state, index_of, key, lesson_index, test_result};
    use crate::app::state::{ExerciseView, RunningGrade};
    use crossterm::event::KeyCode;
    use nma_grader::verdict::TrainingRecord;
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
        let index = state.course.exercises.iter().position(|e| e.id() == id).unwrap();
        state.screen = Screen::Exercise(ExerciseView { index, scroll: 0 });
        index
    }

    fn graded(state: &mut AppState, verdict: Verdict, seconds_ago: u64) {
        let at = state.now - Duration::from_secs(seconds_ago);
        state.outcomes.insert(verdict.exercise.clone(), Outcome { result: Ok(verdict), at });
    }

    fn pass(state: &mut AppState, id: &str) {
        let verdict = Verdict::from_tests(id, vec![test_result("a", Status::Pass, "")], 0.1, 0.2);
        state.progress.record(&verdict);
    }

    #[test]
    fn course_map_with_mixed_progress() {
        let (_dir, mut state) = fixture_state();
        state.lessons_read.insert("w1d1/tensors".into());
        pass(&mut state, "w1d1_simple_ops");
        let mut tried = Verdict::from_tests("w1d3_cross_entropy", vec![test_result("a", Status::Fail, "")], 0.1, 0.2);
        tried.status = Status::Fail;
        state.progress.record(&tried);
        state.selected = Some(Item::Exercise(index_of(&state, "w1d3_cross_entropy")));
        state.notices.push(
            "Your progress file could not be read because it is not valid (EOF while parsing). It was kept as progress.json.bad-1 and progress starts afresh; your exercise files are untouched.".into(),
        );
        let screen = render(&state);
        assert!(screen.contains("◀ next"), "the next step is marked:\n{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn the_engines_first_build_shows_on_the_map_and_to_a_learner_who_saves_during_it() {
        let (_dir, mut state) = fixture_state();
        state.engine = EngineBuild::Building { built: 37, total: 52, current: "matrixmultiply".into() };
        let map = render(&state);
        assert!(map.contains("Getting the grader ready") && map.contains("37/52 built"), "{map}");
        insta::assert_snapshot!("engine_build_on_the_map", map);

        let index = open(&mut state, "w2d2_output_shape");
        // Saved while the worker builds the engine: the grade waits behind it.
        state.running = Some(RunningGrade { index, stage: None, started: state.now, losses: Vec::new() });
        let screen = render(&state);
        assert!(screen.contains("your file is queued; the engine is 37/52 built"), "{screen}");
        insta::assert_snapshot!("engine_build_on_the_exercise", screen);

        state.engine = EngineBuild::Failed("The first grade downloads the engine's crates once, and the network could not be reached.".into());
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
        let verdict = failing_verdict(&state.workspace.exercise_file("w2d2_output_shape"));
        state.progress.record(&verdict);
        state.progress.reveal_hint("w2d2_output_shape", 3);
        graded(&mut state, verdict, 12);
        let screen = render(&state);
        assert!(!screen.contains("SECRET"), "hidden test details leak:\n{screen}");
        assert!(!screen.contains("secret_"), "hidden test names leak:\n{screen}");
        assert!(
            !screen.contains(&state.workspace.root.display().to_string()),
            "machine paths are shortened:\n{screen}"
        );
        assert!(!screen.contains("solution"), "no solution offered before a pass:\n{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn exercise_view_with_a_compile_error() {
        let (_dir, mut state) = fixture_state();
        let index = open(&mut state, "w2d2_output_shape");
        let file = state.workspace.exercise_file("w2d2_output_shape").display().to_string();
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
        state.running =
            Some(RunningGrade { index, stage: Some(GradeEvent::Building), started: state.now, losses: vec![] });
        state.queued = Some(index);
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
        state.progress.record(&verdict);
        graded(&mut state, verdict, 75);
        let screen = render(&state);
        assert!(screen.contains("s solution"), "the solution is offered after a pass:\n{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn exercise_view_fits_the_smallest_terminal() {
        let (_dir, mut state) = fixture_state();
        open(&mut state, "w2d2_output_shape");
        let verdict = failing_verdict(&state.workspace.exercise_file("w2d2_output_shape"));
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
        state.running = Some(RunningGrade {
            index,
            stage: Some(GradeEvent::Running { done: 0, of: 1 }),
            started: state.now,
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
        let verdict = training_verdict(training_record("final loss", nma_grader::verdict::Goal::AtMost, Some(0.02), 0.05), Status::Pass, None);
        state.progress.record(&verdict);
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
        let mut record = training_record("accuracy", nma_grader::verdict::Goal::AtLeast, None, 0.9);
        let mut losses = curve_points(60, 2.3, 1.5);
        losses.extend((61..=80).map(|s| (s, Some(1.5 * 1.3f64.powi(s as i32 - 60)))));
        losses.push((81, None));
        record.losses = losses;
        record.diverged_at = Some(81);
        record.final_loss = None;
        record.steps = 81;
        let verdict = training_verdict(record, Status::Fail, Some(FailureKind::Diverged));
        state.progress.record(&verdict);
        graded(&mut state, verdict, 3);
        let screen = render(&state);
        assert!(screen.contains("diverged at step 81"), "{screen}");
        assert!(screen.contains("accuracy none") && screen.contains("needs ≥ 0.9"), "{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn training_caption_names_the_metric_and_what_it_needs() {
        let record = training_record("accuracy", nma_grader::verdict::Goal::AtLeast, Some(0.874), 0.9);
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
    fn the_help_shows_every_key_of_every_screen_with_what_it_does() {
        let (_dir, mut state) = fixture_state();
        state.handle_key(key(KeyCode::Char('?')));
        let screen = render_at(&state, 160, 120);
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

    #[test]
    fn exercise_view_when_the_grader_fails_and_while_running() {
        let (_dir, mut state) = fixture_state();
        let index = open(&mut state, "w1d1_simple_ops");
        state.outcomes.insert(
            "w1d1_simple_ops".into(),
            Outcome {
                result: Err("cannot start `cargo`: is the Rust toolchain installed and on PATH?".into()),
                at: state.now,
            },
        );
        state.running = Some(RunningGrade {
            index,
            stage: Some(GradeEvent::Running { done: 2, of: 5 }),
            started: state.now,
            losses: vec![],
        });
        let screen = render(&state);
        assert!(screen.contains("testing… 2 of 5 done"), "{screen}");
        assert!(screen.contains("The grader could not run"), "{screen}");
        assert!(screen.contains("cannot start `cargo`"), "{screen}");
    }

    #[test]
    fn wrapped_height_counts_word_wrapped_rows() {
        assert_eq!(wrapped_height("", 10), 1);
        assert_eq!(wrapped_height("hello world", 11), 1);
        assert_eq!(wrapped_height("hello world", 10), 2);
        assert_eq!(wrapped_height("a\nb", 10), 2);
        assert_eq!(wrapped_height("abcdefghijkl", 5), 3);
    }

    #[test]
    fn relative_times_read_naturally() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(ago(t, t), "just now");
        assert_eq!(ago(t + Duration::from_secs(12), t), "12 s ago");
        assert_eq!(ago(t + Duration::from_secs(150), t), "2 min ago");
        assert_eq!(ago(t, t + Duration::from_secs(3)), "just now", "a clock going back is not an error");
    }
}
