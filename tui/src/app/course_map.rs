//! The course map: weeks → days → lessons and their exercises, in course order.
//!
//! Days sort as the grader sorts them (`day_order`). Lessons come in `(day, order)`
//! order, each followed by the exercises its front matter lists; exercises no lesson
//! lists close their day. The order is built once; the rows, with their counts and the
//! filter applied, are made again for each frame: they are a few dozen.

use nma_grader::course::day_order;
use nma_grader::{Course, ExerciseState, Progress};
use std::collections::{BTreeMap, BTreeSet};

/// Something the learner can open from the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    /// Index into `course.lessons`.
    Lesson(usize),
    /// Index into `course.exercises`.
    Exercise(usize),
}

/// Where the learner stands with one item (lessons are either read or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    Done,
    Attempted,
    New,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub done: usize,
    pub attempted: usize,
    pub new: usize,
}

impl Counts {
    fn add(&mut self, state: ItemState) {
        match state {
            ItemState::Done => self.done += 1,
            ItemState::Attempted => self.attempted += 1,
            ItemState::New => self.new += 1,
        }
    }
    pub fn total(&self) -> usize {
        self.done + self.attempted + self.new
    }
}

/// One row of the map as drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// `None` for days that do not name a week (`W<n>D<m>`).
    Week {
        week: Option<u32>,
        counts: Counts,
    },
    Day {
        day: String,
        counts: Counts,
    },
    /// `nested`: an exercise listed under its lesson.
    Item {
        item: Item,
        nested: bool,
    },
}

/// One item of a day, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub item: Item,
    /// An exercise listed by the lesson before it, drawn indented under it.
    pub nested: bool,
}

/// One day of the course and its items in order.
#[derive(Debug, Clone)]
pub struct Day {
    /// `None` for days that do not name a week (`W<n>D<m>`).
    pub week: Option<u32>,
    /// `W1D3`.
    pub name: String,
    pub entries: Vec<Entry>,
}

/// Everything that orders the course once: days in order, each with its items.
#[derive(Debug, Clone)]
pub struct CourseMap {
    pub days: Vec<Day>,
}

fn week_of(day: &str) -> Option<u32> {
    let (week, _) = day_order(day);
    (week != u32::MAX).then_some(week)
}

impl CourseMap {
    pub fn new(course: &Course) -> CourseMap {
        let mut by_day: BTreeMap<((u32, u32), String), Vec<Entry>> = BTreeMap::new();
        let mut placed = BTreeSet::new();
        for (l, lesson) in course.lessons.iter().enumerate() {
            let day = lesson.meta.day.to_ascii_uppercase();
            let items = by_day.entry((day_order(&day), day)).or_default();
            items.push(Entry { item: Item::Lesson(l), nested: false });
            for id in &lesson.meta.exercises {
                if let Some(e) = course.exercises.iter().position(|e| e.id() == id) {
                    if placed.insert(e) {
                        items.push(Entry { item: Item::Exercise(e), nested: true });
                    }
                }
            }
        }
        for (e, exercise) in course.exercises.iter().enumerate() {
            if !placed.contains(&e) {
                let day = exercise.meta.day.to_ascii_uppercase();
                by_day.entry((day_order(&day), day)).or_default().push(Entry { item: Item::Exercise(e), nested: false });
            }
        }
        let days = by_day.into_iter().map(|((_, name), entries)| Day { week: week_of(&name), name, entries });
        CourseMap { days: days.collect() }
    }

    /// Every item in course order.
    pub fn items(&self) -> impl Iterator<Item = Item> + '_ {
        self.days.iter().flat_map(|day| day.entries.iter().map(|entry| entry.item))
    }

    /// The rows to draw: headers stay for any day with a matching item.
    pub fn rows(&self, matches: impl Fn(Item) -> bool, state: impl Fn(Item) -> ItemState) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut week_row: Option<usize> = None;
        let mut current_week = None;
        for day in &self.days {
            let shown: Vec<&Entry> = day.entries.iter().filter(|entry| matches(entry.item)).collect();
            if shown.is_empty() {
                continue;
            }
            if week_row.is_none() || current_week != Some(day.week) {
                current_week = Some(day.week);
                week_row = Some(rows.len());
                rows.push(Row::Week { week: day.week, counts: Counts::default() });
            }
            let mut counts = Counts::default();
            for entry in &day.entries {
                counts.add(state(entry.item));
            }
            if let Some(Row::Week { counts: week_counts, .. }) = week_row.and_then(|i| rows.get_mut(i)) {
                week_counts.done += counts.done;
                week_counts.attempted += counts.attempted;
                week_counts.new += counts.new;
            }
            rows.push(Row::Day { day: day.name.clone(), counts });
            rows.extend(shown.into_iter().map(|entry| Row::Item { item: entry.item, nested: entry.nested }));
        }
        rows
    }
}

/// An item's state: an exercise's from progress; a lesson is done once read.
pub fn item_state(item: Item, course: &Course, progress: &Progress, lessons_read: &BTreeSet<String>) -> ItemState {
    match item {
        Item::Lesson(l) => {
            if course.lessons.get(l).is_some_and(|lesson| lessons_read.contains(&lesson.id)) {
                ItemState::Done
            } else {
                ItemState::New
            }
        }
        Item::Exercise(e) => match course.exercises.get(e).map(|ex| progress.state(ex.id())) {
            Some(ExerciseState::Passed) => ItemState::Done,
            Some(ExerciseState::Attempted) => ItemState::Attempted,
            _ => ItemState::New,
        },
    }
}

/// Case-insensitive match of the filter against an item's title, id and day.
pub fn item_matches(item: Item, course: &Course, filter: &str) -> bool {
    if filter.is_empty() {
        return true;
    }
    let needle = filter.to_lowercase();
    let haystack = match item {
        Item::Lesson(l) => course.lessons.get(l).map(|x| format!("{} {} {}", x.meta.title, x.id, x.meta.day)),
        Item::Exercise(e) => {
            course.exercises.get(e).map(|x| format!("{} {} {} {}", x.meta.title, x.id(), x.meta.day, x.meta.summary))
        }
    };
    haystack.is_some_and(|h| h.to_lowercase().contains(&needle))
}
