//! The course map: weeks, days, lessons and exercises with the learner's progress, a
//! filter, the next step marked, the selected item described below the list.

use crate::app::course_map::{self, CourseMap, Counts, Item, ItemState, Row};
use crate::app::keys::{Action, Context};
use crate::app::tutor::{Go, Reply, Tutor};
use crate::app::widgets::styles::{
    engine_count, fail_style, footer, gauge, heading_style, kind_label, next_style, pass_style, points, quiet_style,
    reflow, state_label, tried_style, wrapped_height,
};
use crate::app::worker::EngineBuild;
use crossterm::event::KeyCode;
use nma_grader::ExerciseState;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

/// Rows one PageUp/PageDown moves the selection.
const PAGE: isize = 10;

/// The map's state, kept while other screens are open: Esc comes back to it as it was.
#[derive(Debug, Clone)]
pub struct MapScreen {
    pub course_map: CourseMap,
    /// The selected item; `None` when nothing matches the filter.
    pub selected: Option<Item>,
    pub filter: String,
    /// Typing the filter (after `/`).
    pub editing: bool,
}

impl MapScreen {
    pub fn new(tutor: &Tutor) -> MapScreen {
        let course_map = CourseMap::new(&tutor.course);
        let mut map = MapScreen { course_map, selected: None, filter: String::new(), editing: false };
        map.selected = map.next_step(tutor).or_else(|| map.course_map.items().next());
        map
    }

    /// The first lesson not read or exercise not passed, in course order.
    pub fn next_step(&self, tutor: &Tutor) -> Option<Item> {
        self.course_map.items().find(|item| tutor.item_state(*item) != ItemState::Done)
    }

    /// The items that pass the filter, in order.
    pub fn visible_items(&self, tutor: &Tutor) -> Vec<Item> {
        self.course_map.items().filter(|item| course_map::item_matches(*item, &tutor.course, &self.filter)).collect()
    }

    pub fn context(&self) -> Context {
        if self.editing {
            Context::MapFilter
        } else {
            Context::Map
        }
    }

    pub fn move_selection(&mut self, delta: isize, tutor: &Tutor) {
        let items = self.visible_items(tutor);
        let Some(last) = items.len().checked_sub(1) else { return };
        let at = self.selected.and_then(|s| items.iter().position(|i| *i == s)).unwrap_or(0);
        self.selected = Some(items[at.saturating_add_signed(delta).min(last)]);
    }

    /// After the filter changes: keeps the selection if it still shows, else the first that does.
    fn keep_selection_visible(&mut self, tutor: &Tutor) {
        let items = self.visible_items(tutor);
        if !self.selected.is_some_and(|s| items.contains(&s)) {
            self.selected = items.first().copied();
        }
    }

    /// Back from a lesson or exercise: it is selected, the filter cleared if it hid it.
    pub fn select(&mut self, item: Item, tutor: &Tutor) {
        if !course_map::item_matches(item, &tutor.course, &self.filter) {
            self.filter.clear();
        }
        self.selected = Some(item);
    }

    pub fn key(&mut self, action: Action, code: KeyCode, tutor: &mut Tutor) -> Reply {
        if self.editing {
            self.filter_key(action, code, tutor);
            return Reply::default();
        }
        match action {
            Action::Up => self.move_selection(-1, tutor),
            Action::Down => self.move_selection(1, tutor),
            Action::PageUp => self.move_selection(-PAGE, tutor),
            Action::PageDown => self.move_selection(PAGE, tutor),
            Action::Top => self.move_selection(isize::MIN / 2, tutor),
            Action::Bottom => self.move_selection(isize::MAX / 2, tutor),
            Action::StartFilter => {
                self.editing = true;
                self.keep_selection_visible(tutor);
            }
            Action::ClearFilter if !self.filter.is_empty() => {
                self.filter.clear();
                self.keep_selection_visible(tutor);
            }
            Action::NextStep => match self.next_step(tutor) {
                Some(next) => {
                    self.filter.clear();
                    self.selected = Some(next);
                }
                None => tutor.flash = Some("Everything is done. Well done!".into()),
            },
            Action::Open => match self.selected {
                Some(Item::Lesson(index)) => return Reply::go(Go::Lesson(index)),
                Some(Item::Exercise(index)) => return Reply::go(Go::Exercise(index)),
                None => {}
            },
            _ => {}
        }
        Reply::default()
    }

    fn filter_key(&mut self, action: Action, code: KeyCode, tutor: &Tutor) {
        match action {
            Action::Type => {
                if let KeyCode::Char(c) = code {
                    self.filter.push(c);
                }
            }
            Action::DeleteChar => {
                self.filter.pop();
            }
            Action::KeepFilter => self.editing = false,
            Action::ClearFilter => {
                self.filter.clear();
                self.editing = false;
            }
            Action::Up => self.move_selection(-1, tutor),
            Action::Down => self.move_selection(1, tutor),
            _ => {}
        }
        self.keep_selection_visible(tutor);
    }

    pub fn draw(&self, frame: &mut Frame, tutor: &Tutor) {
        let area = frame.area();
        let rows = self.course_map.rows(
            |item| course_map::item_matches(item, &tutor.course, &self.filter),
            |item| tutor.item_state(item),
        );
        let next = self.next_step(tutor);

        let mut status_lines = vec![Line::from(format!("Workspace: {}", tutor.shown_workspace.display()))];
        status_lines.extend(engine_status(&tutor.engine));
        status_lines.extend(tutor.notices.iter().map(|n| Line::styled(n.clone(), tried_style())));
        let status_text: Vec<String> = status_lines.iter().map(|l| l.to_string()).collect();
        let status_height = wrapped_height(&status_text.join("\n"), area.width).min(area.height / 4).max(1);

        let (detail_title, detail) = self.selected_detail(tutor);
        let detail_text: Vec<String> = detail.iter().map(|l| l.to_string()).collect();
        let detail_height = wrapped_height(&detail_text.join("\n"), area.width.saturating_sub(2)).min(6) + 2;
        let [list_area, detail_area, status_area, footer_area] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(detail_height),
            Constraint::Length(status_height),
            Constraint::Length(1),
        ])
        .areas(area);

        let course = &tutor.course;
        let exercises_done =
            course.exercises.iter().filter(|e| tutor.progress.state(e.id()) == ExerciseState::Passed).count();
        let lessons_read = course.lessons.iter().filter(|l| tutor.lessons_read.contains(&l.id)).count();
        let mut block =
            Block::bordered().title(Line::from(" nma-tutor · Neuromatch Academy Deep Learning ").bold()).title(
                Line::from(format!(
                    " {exercises_done}/{} exercises passed · {lessons_read}/{} lessons read ",
                    course.exercises.len(),
                    course.lessons.len()
                ))
                .right_aligned(),
            );
        if self.editing || !self.filter.is_empty() {
            let cursor = if self.editing { "▏" } else { "" };
            block = block.title_bottom(Line::from(vec![
                Span::styled(" filter: ", Style::new().bold()),
                Span::raw(format!("{}{cursor} ", self.filter)),
            ]));
        }
        let selected_row =
            rows.iter().position(|r| matches!(r, Row::Item { item, .. } if Some(*item) == self.selected));
        let items: Vec<ListItem> = rows.iter().map(|row| ListItem::new(row_line(tutor, row, next))).collect();
        if items.is_empty() {
            let message = if self.filter.is_empty() {
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
        frame.render_widget(footer(self.context().footer(), tutor.flash.as_deref()), footer_area);
    }

    /// The box under the map describing the selected lesson or exercise.
    fn selected_detail(&self, tutor: &Tutor) -> (String, Vec<Line<'static>>) {
        match self.selected {
            Some(Item::Lesson(l)) => {
                let lesson = &tutor.course.lessons[l];
                let read = if tutor.lessons_read.contains(&lesson.id) { "read" } else { "not read yet" };
                let mut line = vec![Span::raw(format!("Lesson · {read}"))];
                if !lesson.meta.exercises.is_empty() {
                    line.push(Span::raw(format!(" · exercises: {}", lesson.meta.exercises.join(", "))));
                }
                (format!(" {} · {} ", lesson.meta.day, lesson.meta.title), vec![Line::from(line)])
            }
            Some(Item::Exercise(e)) => {
                let exercise = &tutor.course.exercises[e];
                let mut lines: Vec<Line> =
                    reflow(&exercise.meta.summary).lines().map(|l| Line::raw(l.to_string())).collect();
                let mut facts = vec![
                    Span::raw(format!("{} · ", kind_label(exercise.meta.kind))),
                    state_label(tutor.progress.state(exercise.id())),
                ];
                if let Some(p) = tutor.progress.exercises.get(exercise.id()) {
                    facts.push(Span::raw(format!(" · best score {}/{}", points(p.score), points(p.max_score))));
                }
                lines.push(Line::from(facts));
                (format!(" {} · {} ", exercise.meta.day, exercise.meta.title), lines)
            }
            None => (String::new(), Vec::new()),
        }
    }
}

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

fn row_line(tutor: &Tutor, row: &Row, next: Option<Item>) -> Line<'static> {
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
            let mut spans = vec![Span::raw(indent), item_mark(tutor.item_state(*item)), Span::raw(" ")];
            match item {
                Item::Lesson(l) => {
                    let lesson = &tutor.course.lessons[*l];
                    spans.push(Span::styled("lesson   ", quiet_style()));
                    spans.push(Span::raw(lesson.meta.title.clone()));
                }
                Item::Exercise(e) => {
                    let exercise = &tutor.course.exercises[*e];
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
