//! An exercise's reference solution, highlighted with line numbers: opened only after a
//! pass, to compare with the learner's own.

use crate::app::keys::{Action, Context};
use crate::app::tutor::{Go, Reply, Tutor};
use crate::app::widgets::highlight;
use crate::app::widgets::reader::{Reader, ReaderLayout};
use crate::app::widgets::styles::{footer, quiet_style};
use crossterm::event::KeyCode;
use ratatui::style::Stylize;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

#[derive(Debug, Clone, PartialEq)]
pub struct SolutionScreen {
    /// Index into `course.exercises`.
    pub index: usize,
    pub reader: Reader,
}

impl SolutionScreen {
    pub fn open(index: usize, source: &str, tutor: &Tutor) -> SolutionScreen {
        let mut reader = Reader::default();
        reader.set_lines(highlight::highlight(source, "rust"), 0, tutor.reader_page());
        SolutionScreen { index, reader }
    }

    pub fn context(&self) -> Context {
        if self.reader.search.editing {
            Context::Search
        } else {
            Context::Solution
        }
    }

    pub fn key(&mut self, action: Action, code: KeyCode, tutor: &mut Tutor) -> Reply {
        let page = tutor.reader_page();
        if self.reader.search.editing {
            self.reader.search_key(action, code, page);
            return Reply::default();
        }
        match action {
            Action::ClearSearchOrBack if !self.reader.search.query.is_empty() => self.reader.clear_search(),
            Action::ClearSearchOrBack | Action::Back => return Reply::go(Go::Exercise(self.index)),
            _ => self.reader.key(action, page),
        }
        Reply::default()
    }

    pub fn draw(&self, frame: &mut Frame, tutor: &Tutor) {
        let exercise = &tutor.course.exercises[self.index];
        let layout = ReaderLayout::new(frame.area());
        let reader = &self.reader;
        let block = Block::bordered()
            .title(Line::from(format!(" Reference solution · {} ", exercise.meta.title)).bold())
            .title(Line::from(" compare it with yours; yours passed too ").right_aligned());
        let width = reader.lines.len().max(1).to_string().len();
        let gutter = |n: usize| Some(Span::styled(format!("{:>width$} │ ", n + 1), quiet_style()));
        frame.render_widget(Paragraph::new(reader.page_lines(layout.page(), gutter)).block(block), layout.body);
        let flash = tutor.flash.as_deref();
        frame.render_widget(reader.footer(footer(Context::Solution.footer(), flash), flash), layout.footer);
    }
}
