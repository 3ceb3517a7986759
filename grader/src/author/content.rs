//! Loading a course without stopping at the first broken file, and every check that
//! needs no build: exercise metadata, files, hints, lessons, front matter, links, LaTeX
//! in lessons and scaffold placeholders.

use super::{line_column, links, Location, Row, PLACEHOLDER};
use crate::build::extract_tests;
use crate::course::{day_order, split_front_matter, Exercise, ExerciseKind, ExerciseMeta, Lesson, LessonMeta};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// An exercise folder, whether or not its `exercise.toml` is valid.
pub(super) struct LoadedExercise {
    /// The folder name, which must be the id.
    pub folder: String,
    pub dir: PathBuf,
    pub toml_path: PathBuf,
    /// `exercise.toml`'s text, when it could be read.
    pub text: Option<String>,
    pub meta: Option<ExerciseMeta>,
    /// Why `meta` is `None`.
    pub problem: Option<Row>,
}

impl LoadedExercise {
    /// The id learners and instructors know it by.
    pub fn id(&self) -> &str {
        self.meta.as_ref().map(|m| m.id.as_str()).unwrap_or(&self.folder)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// A `lessons/<day>/<slug>.md` file, whether or not it loads.
pub(super) struct LoadedLesson {
    pub id: String,
    pub day_folder: String,
    pub path: PathBuf,
    pub text: String,
    pub lesson: Option<Lesson>,
    pub problem: Option<Row>,
}

pub(super) struct Loaded {
    pub root: PathBuf,
    pub exercises: Vec<LoadedExercise>,
    pub lessons: Vec<LoadedLesson>,
    /// Problems that belong to no exercise or lesson (a stray file).
    pub stray: Vec<Row>,
}

/// Indices into [`Loaded`] of what to check.
pub(super) struct Selection {
    pub exercises: Vec<usize>,
    pub lessons: Vec<usize>,
}

impl Loaded {
    /// The selected exercises that can be built and graded: valid metadata, id matching
    /// the folder, every file present and tests found.
    pub fn gradable(&self, selection: &Selection) -> Vec<Exercise> {
        selection
            .exercises
            .iter()
            .map(|&i| &self.exercises[i])
            .filter(|e| {
                let Some(meta) = &e.meta else { return false };
                let files = ["starter.rs", "solution.rs", "tests.rs", "hidden.rs"].iter().all(|f| e.file(f).is_file());
                meta.id == e.folder && files && test_names(e).is_some_and(|(v, h)| !v.is_empty() && !h.is_empty())
            })
            .map(|e| Exercise { meta: e.meta.clone().expect("checked above"), dir: e.dir.clone() })
            .collect()
    }
}

pub(super) fn load(root: &Path) -> Result<Loaded> {
    let root = root.canonicalize().with_context(|| format!("course folder {} does not exist", root.display()))?;
    let dir = root.join("exercises");
    let mut exercises = Vec::new();
    let mut stray = Vec::new();
    let entries = std::fs::read_dir(&dir).with_context(|| format!("cannot read the exercises folder {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if !path.is_dir() {
            continue;
        }
        exercises.push(load_exercise(&path));
    }
    exercises.sort_by(|a, b| {
        let day = |e: &LoadedExercise| {
            day_order(e.meta.as_ref().map(|m| m.day.as_str()).unwrap_or_else(|| e.folder.split('_').next().unwrap_or_default()))
        };
        day(a).cmp(&day(b)).then(a.folder.cmp(&b.folder))
    });

    let mut lessons = Vec::new();
    let lessons_dir = root.join("lessons");
    if let Ok(days) = std::fs::read_dir(&lessons_dir) {
        for day in days {
            let day = day?.path();
            let name = day.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if day.is_file() && day.extension().is_some_and(|e| e == "md") {
                stray.push(Row::warn(
                    "lessons",
                    "files",
                    "not loaded: a lesson lives in lessons/<day>/<slug>.md, one folder per course day",
                    Some(Location::file(&day)),
                ));
            }
            if !day.is_dir() {
                continue;
            }
            let files = std::fs::read_dir(&day).with_context(|| format!("cannot read {}", day.display()))?;
            for file in files {
                let path = file?.path();
                if path.extension().is_some_and(|e| e == "md") {
                    let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default();
                    lessons.push(load_lesson(&path, &format!("{name}/{stem}"), &name));
                }
            }
        }
    }
    lessons.sort_by(|a, b| {
        let key = |l: &LoadedLesson| (day_order(&l.day_folder), l.lesson.as_ref().map(|l| l.meta.order).unwrap_or(u32::MAX));
        key(a).cmp(&key(b)).then(a.id.cmp(&b.id))
    });
    Ok(Loaded { root, exercises, lessons, stray })
}

fn load_exercise(dir: &Path) -> LoadedExercise {
    let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let toml_path = dir.join("exercise.toml");
    let mut loaded =
        LoadedExercise { folder: folder.clone(), dir: dir.to_path_buf(), toml_path: toml_path.clone(), text: None, meta: None, problem: None };
    let text = match std::fs::read_to_string(&toml_path) {
        Ok(text) => text,
        Err(e) => {
            let detail = if toml_path.exists() {
                format!("cannot read exercise.toml: {e}")
            } else {
                "this exercise folder has no exercise.toml: add one (`nma-tutor author new-exercise` writes a documented one) or remove the folder".to_string()
            };
            loaded.problem = Some(Row::fail(&folder, "metadata", detail, Some(Location::file(&toml_path))));
            return loaded;
        }
    };
    match toml::from_str::<ExerciseMeta>(&text) {
        Ok(meta) => loaded.meta = Some(meta),
        Err(e) => {
            let location = toml_error_location(&toml_path, &text, &e, 0);
            let detail = format!("{} — fix exercise.toml (docs/authoring.md lists every key)", e.message().trim_end());
            loaded.problem = Some(Row::fail(&folder, "metadata", detail, Some(location)));
        }
    }
    loaded.text = Some(text);
    loaded
}

fn load_lesson(path: &Path, id: &str, day_folder: &str) -> LoadedLesson {
    let subject = format!("lesson {id}");
    let mut loaded = LoadedLesson {
        id: id.to_string(),
        day_folder: day_folder.to_string(),
        path: path.to_path_buf(),
        text: String::new(),
        lesson: None,
        problem: None,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => loaded.text = text,
        Err(e) => {
            loaded.problem = Some(Row::fail(&subject, "front matter", format!("cannot read the lesson: {e}"), Some(Location::file(path))));
            return loaded;
        }
    }
    let Some((front, _, _)) = split_front_matter(&loaded.text) else {
        loaded.problem = Some(Row::fail(
            &subject,
            "front matter",
            "a lesson must start with TOML front matter between two `+++` lines (title, day, order, exercises)",
            Some(Location::at(path, 1, 1)),
        ));
        return loaded;
    };
    // The front matter starts on line 2, after the opening `+++`.
    if let Err(e) = toml::from_str::<LessonMeta>(front) {
        let location = toml_error_location(path, front, &e, 1);
        let detail = format!("{} — fix the front matter (docs/authoring.md lists every key)", e.message().trim_end());
        loaded.problem = Some(Row::fail(&subject, "front matter", detail, Some(location)));
        return loaded;
    }
    match Lesson::load(path, id) {
        Ok(lesson) => loaded.lesson = Some(lesson),
        Err(e) => loaded.problem = Some(Row::fail(&subject, "front matter", format!("{e:#}"), Some(Location::file(path)))),
    }
    loaded
}

/// Where a TOML error points: its span turned into line and column, `line_offset` lines
/// into the file.
fn toml_error_location(path: &Path, text: &str, e: &toml::de::Error, line_offset: usize) -> Location {
    match e.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            Location::at(path, line + line_offset, column)
        }
        None => Location::file(path),
    }
}

/// Which exercises and lessons `ids` names (all of them when empty).
pub(super) fn select(loaded: &Loaded, ids: &[String]) -> Result<Selection> {
    if ids.is_empty() {
        return Ok(Selection { exercises: (0..loaded.exercises.len()).collect(), lessons: (0..loaded.lessons.len()).collect() });
    }
    let mut selection = Selection { exercises: Vec::new(), lessons: Vec::new() };
    for id in ids {
        if let Some(i) = loaded.exercises.iter().position(|e| e.folder == *id || e.id() == id) {
            selection.exercises.push(i);
        } else if let Some(i) = loaded.lessons.iter().position(|l| l.id == *id) {
            selection.lessons.push(i);
        } else {
            let known: Vec<&str> = loaded.exercises.iter().map(|e| e.folder.as_str()).collect();
            bail!(
                "no exercise or lesson called `{id}` in {}; exercises: {}",
                loaded.root.display(),
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            );
        }
    }
    selection.exercises.sort_unstable();
    selection.exercises.dedup();
    selection.lessons.sort_unstable();
    selection.lessons.dedup();
    Ok(selection)
}

/// Every check that needs no build, for what `selection` names.
pub(super) fn check_static(loaded: &Loaded, selection: &Selection) -> Vec<Row> {
    let mut rows = Vec::new();
    for &i in &selection.exercises {
        rows.extend(check_exercise(loaded, &loaded.exercises[i]));
    }
    let mut orders: BTreeMap<(String, u32), String> = BTreeMap::new();
    for &i in &selection.lessons {
        rows.extend(check_lesson(loaded, &loaded.lessons[i], &mut orders));
    }
    if selection.lessons.len() == loaded.lessons.len() {
        rows.extend(loaded.stray.iter().cloned());
    }
    rows
}

/// A known mistake: `mistakes/<name>.rs`, a whole wrong solution whose first line says
/// the mistake in a learner's words. `author check` proves it fails.
#[derive(Debug, Clone)]
pub(super) struct Mistake {
    pub name: String,
    pub path: PathBuf,
    /// The first line's comment, without `//`; empty when the file does not start with one.
    pub description: String,
}

/// The exercise's known mistakes, by name.
pub(super) fn mistakes(ex: &Exercise) -> Vec<Mistake> {
    mistakes_in(&ex.dir.join("mistakes"))
}

fn mistakes_in(dir: &Path) -> Vec<Mistake> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<Mistake> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let first = text.lines().next().unwrap_or_default().trim();
            let description = first.strip_prefix("//").filter(|_| !first.starts_with("//!")).unwrap_or_default().trim().to_string();
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            Mistake { name, path, description }
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// Known mistakes to prove: each described on its first line, at least [`MIN_MISTAKES`].
fn mistake_rows(id: &str, dir: &Path) -> Vec<Row> {
    let found = mistakes_in(&dir.join("mistakes"));
    let mut rows: Vec<Row> = found
        .iter()
        .filter(|m| m.description.is_empty())
        .map(|m| {
            Row::fail(
                id,
                "mistakes",
                format!("mistakes/{}.rs must start with a `//` line that says the mistake in a learner's words", m.name),
                Some(Location::line(&m.path, 1)),
            )
        })
        .collect();
    if found.len() < MIN_MISTAKES {
        rows.push(Row::warn(
            id,
            "mistakes",
            format!(
                "{} known mistake(s): write at least {MIN_MISTAKES} in mistakes/, each a whole wrong solution learners really write (docs/authoring.md)",
                found.len()
            ),
            Some(Location::file(&dir.join("mistakes"))),
        ));
    } else if rows.is_empty() {
        rows.push(Row::pass(id, "mistakes", format!("{} known mistakes", found.len())));
    }
    rows
}

/// Known mistakes each exercise should have, at least.
const MIN_MISTAKES: usize = 2;

/// The visible and hidden test names, or `None` when a test file cannot be read.
fn test_names(e: &LoadedExercise) -> Option<(Vec<String>, Vec<String>)> {
    let read = |name: &str, module: &'static str| -> Option<Vec<String>> {
        let text = std::fs::read_to_string(e.file(name)).ok()?;
        Some(extract_tests(&text, module).1.into_iter().map(|t| t.name).collect())
    };
    Some((read("tests.rs", "tests")?, read("hidden.rs", "hidden")?))
}

/// The line where `key` is assigned (`key = …`, also quoted), searched from `after_line`.
fn key_line(text: &str, key: &str, after_line: usize) -> Option<usize> {
    text.lines().enumerate().skip(after_line).find_map(|(i, line)| {
        let line = line.trim_start();
        let rest = line.strip_prefix(key).or_else(|| line.strip_prefix(&format!("\"{key}\"")))?;
        rest.trim_start().starts_with('=').then_some(i + 1)
    })
}

/// The line of `[table]` in a TOML text.
fn table_line(text: &str, table: &str) -> Option<usize> {
    text.lines().position(|l| l.trim() == format!("[{table}]")).map(|i| i + 1)
}

fn is_slug(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `W1D2` (any case) → `Some("w1d2")`.
pub(super) fn day_folder(day: &str) -> Option<String> {
    let lower = day.to_ascii_lowercase();
    let rest = lower.strip_prefix('w')?;
    let (w, d) = rest.split_once('d')?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (digits(w) && digits(d)).then_some(lower)
}

fn check_exercise(loaded: &Loaded, e: &LoadedExercise) -> Vec<Row> {
    let id = e.folder.as_str();
    let mut rows = Vec::new();
    let at = |key: &str| e.text.as_deref().and_then(|t| key_line(t, key, 0)).map(|line| Location::line(&e.toml_path, line));

    // Files first: they need no metadata.
    let mut files_ok = true;
    for (name, what) in [
        ("starter.rs", "what learners start from"),
        ("solution.rs", "the reference solution"),
        ("tests.rs", "the visible tests"),
        ("hidden.rs", "the hidden tests"),
    ] {
        if !e.file(name).is_file() {
            files_ok = false;
            rows.push(Row::fail(id, "files", format!("missing {name} ({what}): add it next to exercise.toml"), Some(Location::file(&e.file(name)))));
        }
    }
    let names = test_names(e);
    if let Some((visible, hidden)) = &names {
        if visible.is_empty() {
            files_ok = false;
            rows.push(Row::fail(id, "files", "tests.rs has no #[test] function: learners need at least one visible test to work against", Some(Location::file(&e.file("tests.rs")))));
        }
        if hidden.is_empty() {
            files_ok = false;
            rows.push(Row::fail(
                id,
                "files",
                "hidden.rs has no #[test] function: add at least one hidden test, so passing means more than fitting the visible ones",
                Some(Location::file(&e.file("hidden.rs"))),
            ));
        }
        for name in visible.iter().filter(|n| hidden.contains(n)) {
            rows.push(Row::warn(id, "files", format!("`{name}` is both a visible and a hidden test: [points.tests] cannot tell them apart; rename one"), Some(Location::file(&e.file("hidden.rs")))));
        }
        if files_ok {
            rows.push(Row::pass(id, "files", format!("starter, solution, {} visible and {} hidden tests", visible.len(), hidden.len())));
        }
    }
    rows.extend(mistake_rows(id, &e.dir));

    match (&e.meta, &e.problem) {
        (Some(meta), _) => {
            rows.extend(check_meta(loaded, e, meta, names.as_ref(), &at));
        }
        (None, Some(problem)) => rows.push(problem.clone()),
        (None, None) => {}
    }

    // Placeholders the scaffold left, file by file.
    for name in ["exercise.toml", "starter.rs", "solution.rs", "tests.rs", "hidden.rs"] {
        let path = e.file(name);
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        rows.extend(placeholder_row(id, &path, &text));
    }
    if let Ok(text) = std::fs::read_to_string(e.file("starter.rs")) {
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if let Some(col) = code.find("todo!(").or_else(|| code.find("unimplemented!(")) {
                rows.push(Row::warn(
                    id,
                    "starter style",
                    "the starter panics here: every test that reaches it reports a panic instead of a wrong value; prefer returning a wrong value with a `// TODO` comment",
                    Some(Location::at(&e.file("starter.rs"), i + 1, col + 1)),
                ));
            }
        }
    }
    rows
}

fn check_meta(
    loaded: &Loaded,
    e: &LoadedExercise,
    meta: &ExerciseMeta,
    names: Option<&(Vec<String>, Vec<String>)>,
    at: &dyn Fn(&str) -> Option<Location>,
) -> Vec<Row> {
    let id = e.folder.as_str();
    let text = e.text.as_deref().unwrap_or_default();
    let mut problems: Vec<(String, Option<Location>)> = Vec::new();
    let mut warnings = Vec::new();

    if meta.id != e.folder {
        problems.push((format!("id `{}` does not match its folder `{}`: rename one so they agree", meta.id, e.folder), at("id")));
    }
    match day_folder(&meta.day) {
        None => problems.push((format!("day `{}` is not a course day: write it as W<week>D<day>, e.g. \"W1D3\"", meta.day), at("day"))),
        Some(day) => {
            if !meta.id.strip_prefix(&format!("{day}_")).is_some_and(is_slug) {
                problems.push((
                    format!("id `{}` must be `{day}_<slug>`: the day in lowercase, `_`, then lowercase letters, digits and `_`", meta.id),
                    at("id"),
                ));
            }
        }
    }
    if meta.title.trim().is_empty() {
        problems.push(("title is empty: it names the exercise in the list and on its screen".into(), at("title")));
    }
    if meta.summary.trim().is_empty() {
        problems.push(("summary is empty: say in a few sentences what to write".into(), at("summary")));
    }
    let limits = &meta.limits;
    if !(limits.test_seconds > 0.0 && limits.test_seconds <= 600.0) {
        problems.push((format!("limits.test_seconds = {} must be above 0 and at most 600", limits.test_seconds), at("test_seconds")));
    }
    if limits.memory_mb < 64 {
        problems.push((format!("limits.memory_mb = {} is too small for any test process; use at least 64", limits.memory_mb), at("memory_mb")));
    }
    if limits.output_kib == 0 {
        problems.push(("limits.output_kib must be at least 1".into(), at("output_kib")));
    }
    if meta.points.default.is_nan() || meta.points.default < 0.0 {
        problems.push((format!("points.default = {} must be 0 or more", meta.points.default), at("default")));
    }
    let points_table = table_line(text, "points.tests").unwrap_or(0);
    for (name, value) in &meta.points.tests {
        let location = key_line(text, name, points_table).map(|l| Location::line(&e.toml_path, l));
        if let Some((visible, hidden)) = names {
            if !visible.contains(name) && !hidden.contains(name) {
                problems.push((
                    format!("points.tests names `{name}`, which is no #[test] function in tests.rs or hidden.rs: fix the name (without tests::/hidden::)"),
                    location.clone(),
                ));
            }
        }
        if value.is_nan() || *value < 0.0 {
            problems.push((format!("points.tests.{name} = {value} must be 0 or more"), location));
        }
    }
    if let Some(m) = meta.calibration.min_margin {
        if m.is_nan() || m < 0.0 {
            problems.push((format!("calibration.min_margin = {m} must be 0 or more"), at("min_margin")));
        } else if meta.kind != ExerciseKind::Training {
            warnings.push(Row::warn(id, "metadata", "calibration.min_margin has no effect unless kind = \"training\"", at("min_margin")));
        }
    }

    let mut rows: Vec<Row> = problems.into_iter().map(|(detail, location)| Row::fail(id, "metadata", detail, location)).collect();
    if rows.is_empty() {
        rows.push(Row::pass(id, "metadata", format!("{} · {} · {}", meta.day, kind_name(meta.kind), meta.title)));
    }
    rows.extend(warnings);

    // Hints: at least two, none empty.
    let empty = meta.hints.iter().filter(|h| h.trim().is_empty()).count();
    if meta.hints.len() < 2 {
        rows.push(Row::fail(
            id,
            "hints",
            format!("{} hint{}: give at least 2, from a nudge to nearly the answer", meta.hints.len(), if meta.hints.len() == 1 { "" } else { "s" }),
            at("hints"),
        ));
    } else if empty > 0 {
        rows.push(Row::fail(id, "hints", format!("{empty} hint(s) are empty: write them or remove them"), at("hints")));
    } else {
        rows.push(Row::pass(id, "hints", format!("{} hints", meta.hints.len())));
    }

    // The lesson it points to.
    match loaded.lessons.iter().find(|l| l.id == meta.lesson) {
        None => {
            let (day, slug) = meta.lesson.split_once('/').unwrap_or((&meta.lesson, "<slug>"));
            rows.push(Row::fail(
                id,
                "lesson",
                format!(
                    "lesson `{}` does not exist: expected lessons/{}.md; fix `lesson` or create it with `nma-tutor author new-lesson {day} {slug}`",
                    meta.lesson, meta.lesson
                ),
                at("lesson"),
            ));
        }
        Some(l) => match &l.lesson {
            None => rows.push(Row::fail(
                id,
                "lesson",
                format!("lesson `{}` does not load (see its front matter row)", meta.lesson),
                Some(Location::file(&l.path)),
            )),
            Some(lesson) if !lesson.meta.exercises.iter().any(|x| x == &meta.id) => rows.push(Row::warn(
                id,
                "lesson",
                format!(
                    "{} does not list `{}` in its `exercises`: readers of the lesson are not sent here",
                    display_path(&loaded.root, &l.path),
                    meta.id
                ),
                Some(Location::line(&l.path, key_line(&l.text, "exercises", 1).or_else(|| key_line(&l.text, "order", 1)).unwrap_or(1))),
            )),
            Some(_) => rows.push(Row::pass(id, "lesson", display_path(&loaded.root, &l.path))),
        },
    }
    rows
}

pub(super) fn kind_name(kind: ExerciseKind) -> &'static str {
    match kind {
        ExerciseKind::Unit => "unit",
        ExerciseKind::Property => "property",
        ExerciseKind::Training => "training",
    }
}

pub(super) fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// One failed row per file that still holds scaffold placeholders, at the first one.
fn placeholder_row(subject: &str, path: &Path, text: &str) -> Option<Row> {
    let mut found = text.match_indices(PLACEHOLDER);
    let (first, _) = found.next()?;
    let more = found.count();
    let (line, column) = line_column(text, first);
    let others = match more {
        0 => String::new(),
        1 => " (and 1 more in this file)".into(),
        n => format!(" (and {n} more in this file)"),
    };
    Some(Row::fail(
        subject,
        "placeholders",
        format!("scaffold placeholder `{PLACEHOLDER}` left{others}: write the real content here"),
        Some(Location::at(path, line, column)),
    ))
}

fn check_lesson(loaded: &Loaded, l: &LoadedLesson, orders: &mut BTreeMap<(String, u32), String>) -> Vec<Row> {
    let subject = format!("lesson {}", l.id);
    let mut rows = Vec::new();
    let Some(lesson) = &l.lesson else {
        rows.extend(l.problem.clone());
        rows.extend(placeholder_row(&subject, &l.path, &l.text));
        return rows;
    };
    let meta = &lesson.meta;
    let front_line = |key: &str| key_line(&l.text, key, 1).map(|n| Location::line(&l.path, n));
    let mut problems = Vec::new();
    match day_folder(&meta.day) {
        Some(day) if day == l.day_folder => {}
        Some(_) | None => problems.push(Row::fail(
            &subject,
            "front matter",
            format!("day = \"{}\" but the lesson is in lessons/{}/: write day = \"{}\"", meta.day, l.day_folder, l.day_folder.to_ascii_uppercase()),
            front_line("day"),
        )),
    }
    if meta.title.trim().is_empty() {
        problems.push(Row::fail(&subject, "front matter", "title is empty", front_line("title")));
    }
    if meta.order == 0 {
        problems.push(Row::fail(&subject, "front matter", "order starts at 1 (the first lesson of the day)", front_line("order")));
    }
    let known: BTreeSet<&str> = loaded.exercises.iter().flat_map(|e| [e.folder.as_str(), e.id()]).collect();
    for x in &meta.exercises {
        let pointed_to = lesson.body.contains(&format!("`{x}`")) || lesson.body.contains(&format!("exercise:{x}"));
        if known.contains(x.as_str()) && !pointed_to {
            rows.push(Row::warn(
                &subject,
                "front matter",
                format!("`exercises` lists `{x}` but the text never points the reader to it: mention `{x}` or link [it](exercise:{x})"),
                front_line("exercises"),
            ));
        }
        if !known.contains(x.as_str()) {
            problems.push(Row::fail(
                &subject,
                "front matter",
                format!("`exercises` lists `{x}`, which is no exercise (no exercises/{x}/exercise.toml): fix the id or create it with `nma-tutor author new-exercise`"),
                front_line("exercises"),
            ));
        }
    }
    if problems.is_empty() {
        rows.push(Row::pass(
            &subject,
            "front matter",
            format!("{} · {} · order {} · {} exercise(s)", meta.title, meta.day, meta.order, meta.exercises.len()),
        ));
    }
    rows.extend(problems);
    if let Some(other) = orders.insert((l.day_folder.clone(), meta.order), l.id.clone()) {
        rows.push(Row::warn(
            &subject,
            "front matter",
            format!("order {} is also the order of lesson {other}: their place in the day is undefined; renumber one", meta.order),
            front_line("order"),
        ));
    }
    rows.extend(placeholder_row(&subject, &l.path, &l.text));

    let exercises: BTreeSet<String> = known.iter().map(|s| s.to_string()).collect();
    let problems = links::check(&loaded.root, lesson, &exercises, &loaded.lessons);
    if problems.is_empty() {
        rows.push(Row::pass(&subject, "links", "every internal link resolves"));
    }
    for (location, detail) in problems {
        rows.push(Row::fail(&subject, "links", detail, Some(location)));
    }

    // The reader prints LaTeX as source: formulas are written in Unicode.
    let latex = super::latex::check(lesson);
    if latex.is_empty() {
        rows.push(Row::pass(&subject, "latex", "no LaTeX in the text: formulas are in Unicode"));
    }
    for (location, detail) in latex {
        rows.push(Row::fail(&subject, "latex", detail, Some(location)));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_on_their_lines() {
        let text = "id = \"a\"\n  title= \"t\"\n[points.tests]\n\"big\" = 2\nbig_one = 3\n";
        assert_eq!(key_line(text, "id", 0), Some(1));
        assert_eq!(key_line(text, "title", 0), Some(2));
        assert_eq!(key_line(text, "big", 2), Some(4));
        assert_eq!(key_line(text, "big_one", 2), Some(5));
        assert_eq!(key_line(text, "missing", 0), None);
        assert_eq!(table_line(text, "points.tests"), Some(3));
    }

    #[test]
    fn days_and_slugs_are_validated() {
        assert_eq!(day_folder("W1D3").as_deref(), Some("w1d3"));
        assert_eq!(day_folder("w12d10").as_deref(), Some("w12d10"));
        assert_eq!(day_folder("W1"), None);
        assert_eq!(day_folder("WxD1"), None);
        assert!(is_slug("narrow_net2"));
        assert!(!is_slug("Narrow") && !is_slug("2net") && !is_slug("a-b") && !is_slug(""));
    }

    #[test]
    fn the_check_fails_a_lesson_with_latex_and_passes_one_in_unicode() {
        let course = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(course.path().join("exercises")).unwrap();
        let day = course.path().join("lessons/w1d1");
        std::fs::create_dir_all(&day).unwrap();
        let front = |order: u32| format!("+++\ntitle = \"t\"\nday = \"W1D1\"\norder = {order}\n+++\n");
        let code = "```rust\nlet s = \"a\\tb\\n\"; // \\frac in a string\n```\n";
        std::fs::write(day.join("latex.md"), format!("{}# Gates\n\nh = o \\odot \\tanh(c)\n\n{code}", front(1))).unwrap();
        std::fs::write(day.join("unicode.md"), format!("{}# Gates\n\nh = o ⊙ tanh(c)\n\n{code}", front(2))).unwrap();
        let options = super::super::CheckOptions { static_only: true, ..Default::default() };
        let report = super::super::check(course.path(), None, None, &options, &|_| {}).unwrap();
        let latex: Vec<&Row> = report.rows.iter().filter(|r| r.check == "latex").collect();
        assert_eq!(latex.len(), 2, "one latex row per lesson: {latex:#?}");
        let failed = latex.iter().find(|r| r.subject == "lesson w1d1/latex").expect("a row for the LaTeX lesson");
        assert_eq!(failed.outcome, super::super::Outcome::Fail, "{failed:#?}");
        assert_eq!(failed.location.as_ref().and_then(|l| l.line), Some(8), "the file's line with \\odot: {failed:#?}");
        assert!(failed.detail.contains("`\\odot`") && failed.detail.contains("`\\tanh`"), "{}", failed.detail);
        let passed = latex.iter().find(|r| r.subject == "lesson w1d1/unicode").expect("a row for the Unicode lesson");
        assert_eq!(passed.outcome, super::super::Outcome::Pass, "the code block's backslashes are not LaTeX: {passed:#?}");
    }

    #[test]
    fn placeholders_are_reported_at_the_first_with_a_count() {
        let row = placeholder_row("x", Path::new("a.rs"), "fn a() {}\n// TODO(author): one\n// TODO(author): two\n").unwrap();
        assert_eq!(row.location, Some(Location::at(Path::new("a.rs"), 2, 4)));
        assert!(row.detail.contains("and 1 more"), "{}", row.detail);
        assert!(placeholder_row("x", Path::new("a.rs"), "// TODO: for learners\n").is_none());
    }
}
