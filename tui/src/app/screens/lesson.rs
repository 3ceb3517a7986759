//! The lesson reader: a lesson rendered from Markdown to the terminal's width, scrolled
//! and searched; also the author's live preview of one lesson.

use crate::app::course_map::Item;
use crate::app::effects::Effect;
use crate::app::keys::{Action, Context};
use crate::app::tutor::{Go, Reply, Tutor};
use crate::app::widgets::markdown;
use crate::app::widgets::reader::{Reader, ReaderLayout};
use crate::app::widgets::styles::{fail_style, footer, footer_with, key_style, shorten};
use crossterm::event::KeyCode;
use nma_grader::ExerciseState;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// The lesson being read: index into `course.lessons`.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonScreen {
    pub index: usize,
    pub reader: Reader,
}

impl LessonScreen {
    /// The lesson at `index`, scrolled to `scroll` (where it was left).
    pub fn open(index: usize, scroll: usize, tutor: &Tutor) -> LessonScreen {
        let mut screen = LessonScreen { index, reader: Reader { scroll, ..Reader::default() } };
        screen.render(tutor);
        screen
    }

    /// (Re)renders the lesson for the terminal's width, keeping the scroll position.
    pub fn render(&mut self, tutor: &Tutor) {
        let (width, page) = (tutor.reader_width(), tutor.reader_page());
        if let Some(lesson) = tutor.course.lessons.get(self.index) {
            self.reader.set_lines(markdown::render(&lesson.body, width), width, page);
        }
    }

    pub fn context(&self, tutor: &Tutor) -> Context {
        match () {
            _ if self.reader.search.editing => Context::Search,
            _ if tutor.preview => Context::Preview,
            _ => Context::Lesson,
        }
    }

    pub fn key(&mut self, action: Action, code: KeyCode, tutor: &mut Tutor) -> Reply {
        let page = tutor.reader_page();
        if self.reader.search.editing {
            self.reader.search_key(action, code, page);
            return Reply::default();
        }
        let searched = !self.reader.search.query.is_empty();
        match action {
            Action::ClearSearchOrBack | Action::ClearSearchOrQuit if searched => self.reader.clear_search(),
            Action::ClearSearchOrQuit => return Reply::go(Go::Quit),
            Action::ClearSearchOrBack | Action::Back => return Reply::go(Go::Map(Item::Lesson(self.index))),
            Action::NoExercisesInPreview => {
                tutor.flash = Some("Exercises open in the tutor, not in the preview.".into())
            }
            Action::LessonExercise => return self.first_exercise(tutor),
            _ => self.reader.key(action, page),
        }
        Reply::default()
    }

    /// `x`: the lesson's first exercise not yet passed (else its first).
    fn first_exercise(&self, tutor: &mut Tutor) -> Reply {
        let Some(lesson) = tutor.course.lessons.get(self.index) else { return Reply::default() };
        let exercises = &tutor.course.exercises;
        let indices: Vec<usize> =
            lesson.meta.exercises.iter().filter_map(|id| exercises.iter().position(|e| e.id() == id)).collect();
        let pick = indices
            .iter()
            .find(|i| tutor.progress.state(exercises[**i].id()) != ExerciseState::Passed)
            .or(indices.first());
        match pick {
            Some(index) => Reply::go(Go::Exercise(*index)),
            None => {
                tutor.flash = Some("This lesson has no exercises.".into());
                Reply::default()
            }
        }
    }

    /// After the reader moved: the lesson counts as read once its last line has been on screen.
    pub fn mark_read(&self, tutor: &mut Tutor) -> Vec<Effect> {
        if tutor.preview {
            return Vec::new();
        }
        let Some(lesson) = tutor.course.lessons.get(self.index) else { return Vec::new() };
        if self.reader.at_end(tutor.reader_page()) && tutor.lessons_read.insert(lesson.id.clone()) {
            return vec![Effect::SaveLessonsRead(tutor.lessons_read.clone())];
        }
        Vec::new()
    }

    pub fn draw(&self, frame: &mut Frame, tutor: &Tutor) {
        let area = frame.area();
        let Some(lesson) = tutor.course.lessons.get(self.index) else { return };
        let layout = ReaderLayout::new(area);
        let page = layout.page();
        let reader = &self.reader;
        let day_lessons: Vec<_> = tutor.course.lessons.iter().filter(|l| l.meta.day == lesson.meta.day).collect();
        let position = day_lessons.iter().position(|l| l.id == lesson.id).map(|p| p + 1).unwrap_or(1);
        let where_in_course = format!(
            " {} · lesson {position} of {} · {} ",
            lesson.meta.day,
            day_lessons.len(),
            reader.percent_through(page)
        );
        // Long titles give way (with "…") to where the reader is, which changes as they scroll.
        let room = usize::from(area.width).saturating_sub(where_in_course.chars().count() + 14);
        let mut title = vec![Span::styled(format!(" {} ", shorten(&lesson.meta.title, room)), Style::new().bold())];
        if tutor.preview {
            title.insert(0, Span::styled(" preview ", key_style()));
        }
        let block = Block::bordered().title(Line::from(title)).title(Line::from(where_in_course).right_aligned());
        frame.render_widget(block, layout.body);
        frame.render_widget(Paragraph::new(reader.page_lines(page, |_| None)), layout.text);

        let flash = tutor.flash.as_deref();
        let footer_line = if let Some(problem) = &tutor.lesson_problem {
            Line::from(vec![
                Span::styled(" ✗ the last save could not be shown: ", fail_style()),
                Span::raw(problem.lines().next().unwrap_or_default().to_string()),
            ])
        } else if tutor.preview {
            reader.footer(footer(Context::Preview.footer(), flash), flash)
        } else {
            let exercises = lesson.meta.exercises.len();
            let keys = footer_with(
                Context::Lesson.footer(),
                |item| match item.action(Context::Lesson) {
                    Some(Action::LessonExercise) if exercises == 0 => None,
                    Some(Action::LessonExercise) if exercises > 1 => Some(format!("exercises ({exercises})")),
                    _ => Some(item.text.to_string()),
                },
                flash,
            );
            reader.footer(keys, flash)
        };
        frame.render_widget(footer_line, layout.footer);
    }
}
