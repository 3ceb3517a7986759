//! The course on disk: `exercises/<id>/exercise.toml` plus its source files.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseKind {
    Unit,
    Property,
    Training,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Wall-clock seconds one test may run before it is stopped.
    #[serde(default = "Limits::default_test_seconds")]
    pub test_seconds: f64,
    /// Address space of one test process, in MiB.
    #[serde(default = "Limits::default_memory_mb")]
    pub memory_mb: u64,
    /// Output (stdout + stderr) kept per test, in KiB; a test printing 16 times more is stopped.
    #[serde(default = "Limits::default_output_kib")]
    pub output_kib: usize,
    /// Wall-clock seconds building the submission's own crates may take (the engine is
    /// built beforehand, outside this limit).
    #[serde(default = "Limits::default_build_seconds")]
    pub build_seconds: f64,
    /// Address space of each compiler process of the submission's crates, in MiB.
    #[serde(default = "Limits::default_build_memory_mb")]
    pub build_memory_mb: u64,
}

impl Limits {
    fn default_test_seconds() -> f64 {
        10.0
    }
    fn default_memory_mb() -> u64 {
        2048
    }
    fn default_output_kib() -> usize {
        64
    }
    fn default_build_seconds() -> f64 {
        60.0
    }
    fn default_build_memory_mb() -> u64 {
        2048
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            test_seconds: Self::default_test_seconds(),
            memory_mb: Self::default_memory_mb(),
            output_kib: Self::default_output_kib(),
            build_seconds: Self::default_build_seconds(),
            build_memory_mb: Self::default_build_memory_mb(),
        }
    }
}

/// `exercise.toml`, field for field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseMeta {
    pub id: String,
    pub title: String,
    /// Course day, e.g. `W1D1`.
    pub day: String,
    /// Lesson this exercise belongs to, as a path under `lessons/` without `.md`.
    pub lesson: String,
    pub kind: ExerciseKind,
    /// The task in a few sentences, shown above the file path.
    pub summary: String,
    pub hints: Vec<String>,
    #[serde(default)]
    pub limits: Limits,
    /// Points per test (by function name); tests not listed are worth `default`.
    #[serde(default)]
    pub points: Points,
    /// Where the tests may compute: `auto` (the GPU when the grader has one), `cpu`
    /// (exercises too small to gain from a GPU: skips its start-up cost) or `cuda`.
    #[serde(default = "default_device")]
    pub device: String,
    /// How `nma-tutor author check` judges training tests (see docs/authoring.md).
    #[serde(default)]
    pub calibration: Calibration,
}

fn default_device() -> String {
    "cpu".to_string()
}

/// `[calibration]` in `exercise.toml`: only the authoring check reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// Smallest margin (in the metric's units) by which the reference must clear each
    /// training threshold on every seed. Default: 5% of |threshold|, at least 1e-6.
    #[serde(default)]
    pub min_margin: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Points {
    #[serde(default = "Points::one")]
    pub default: f64,
    #[serde(default)]
    pub tests: BTreeMap<String, f64>,
}

impl Points {
    fn one() -> f64 {
        1.0
    }

    pub fn for_test(&self, name: &str) -> f64 {
        self.tests.get(name).copied().unwrap_or(self.default)
    }
}

impl Default for Points {
    fn default() -> Self {
        Points { default: 1.0, tests: BTreeMap::new() }
    }
}

#[derive(Debug, Clone)]
pub struct Exercise {
    pub meta: ExerciseMeta,
    pub dir: PathBuf,
}

impl Exercise {
    pub fn id(&self) -> &str {
        &self.meta.id
    }
    pub fn starter(&self) -> PathBuf {
        self.dir.join("starter.rs")
    }
    pub fn solution(&self) -> PathBuf {
        self.dir.join("solution.rs")
    }
    pub fn visible_tests(&self) -> PathBuf {
        self.dir.join("tests.rs")
    }
    pub fn hidden_tests(&self) -> PathBuf {
        self.dir.join("hidden.rs")
    }

    pub fn load(dir: &Path) -> Result<Exercise> {
        let toml_path = dir.join("exercise.toml");
        let text = std::fs::read_to_string(&toml_path)
            .with_context(|| format!("cannot read {}", toml_path.display()))?;
        let meta: ExerciseMeta = toml::from_str(&text)
            .with_context(|| format!("{} is not a valid exercise description", toml_path.display()))?;
        let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if meta.id != folder {
            bail!(
                "{}: id `{}` does not match its folder name `{folder}`",
                toml_path.display(),
                meta.id
            );
        }
        if !["auto", "cpu", "cuda"].contains(&meta.device.as_str()) {
            bail!("{}: device = \"{}\" is not one of auto, cpu, cuda", toml_path.display(), meta.device);
        }
        let exercise = Exercise { meta, dir: dir.to_path_buf() };
        for file in [exercise.starter(), exercise.solution(), exercise.visible_tests()] {
            if !file.is_file() {
                bail!("exercise {} is missing {}", exercise.id(), file.display());
            }
        }
        Ok(exercise)
    }
}

/// A lesson's front matter: the TOML between the `+++` lines that open its Markdown file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonMeta {
    pub title: String,
    /// Course day, e.g. `W1D1`.
    pub day: String,
    /// Position among the day's lessons (1, 2, …).
    pub order: u32,
    /// Exercises to do after reading, by id.
    #[serde(default)]
    pub exercises: Vec<String>,
}

/// One lesson: `lessons/<day>/<slug>.md`, known by its id `<day>/<slug>`.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub id: String,
    pub meta: LessonMeta,
    pub path: PathBuf,
    /// The Markdown after the front matter.
    pub body: String,
    /// Line number (1-based) in the file where `body` starts, for error messages.
    pub body_line: usize,
}

impl Lesson {
    /// Reads and parses a lesson file. `id` is `<day-folder>/<file stem>`.
    pub fn load(path: &Path, id: &str) -> Result<Lesson> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let (front, body, body_line) = split_front_matter(&text)
            .with_context(|| format!("{} must start with front matter between two `+++` lines", path.display()))?;
        let meta: LessonMeta =
            toml::from_str(front).with_context(|| format!("{}: the front matter is not valid", path.display()))?;
        Ok(Lesson { id: id.to_string(), meta, path: path.to_path_buf(), body: body.to_string(), body_line })
    }
}

/// Splits `+++\n<toml>\n+++\n<markdown>`; returns the TOML, the Markdown and the
/// Markdown's first line number.
pub fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text.strip_prefix("+++")?.strip_prefix('\n').or_else(|| text.strip_prefix("+++\r\n"))?;
    let end = rest.find("\n+++")?;
    let front = &rest[..end];
    let after = &rest[end + 4..];
    let body = after.strip_prefix("\r\n").or_else(|| after.strip_prefix('\n')).unwrap_or(after);
    let body_line = text[..text.len() - body.len()].lines().count() + 1;
    Some((front, body, body_line))
}

/// Everything the tutor and grader need to know about where the course lives.
#[derive(Debug, Clone)]
pub struct Course {
    pub root: PathBuf,
    /// The checkout whose `engine/`, `grader/harness/` and `Cargo.lock` submissions build
    /// against: the course root itself unless [`Course::with_code_root`] says otherwise.
    pub code_root: PathBuf,
    pub exercises: Vec<Exercise>,
    /// In course order: by day, then `order`.
    pub lessons: Vec<Lesson>,
}

impl Course {
    /// Loads every exercise under `<root>/exercises`, in course order (by day, then id).
    pub fn load(root: &Path) -> Result<Course> {
        let root = root
            .canonicalize()
            .with_context(|| format!("course folder {} does not exist", root.display()))?;
        let dir = root.join("exercises");
        let entries = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read the exercises folder {}", dir.display()))?;
        let mut exercises = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.join("exercise.toml").is_file() {
                exercises.push(Exercise::load(&path)?);
            }
        }
        exercises.sort_by(|a, b| day_order(&a.meta.day).cmp(&day_order(&b.meta.day)).then(a.id().cmp(b.id())));
        let lessons = load_lessons(&root.join("lessons"))?;
        Ok(Course { code_root: root.clone(), root, exercises, lessons })
    }

    /// Builds submissions against the engine and harness of another checkout, for course
    /// material kept apart from the code (a fixture course, an instructor's own repository).
    pub fn with_code_root(mut self, dir: &Path) -> Result<Course> {
        let dir = dir.canonicalize().with_context(|| format!("engine folder {} does not exist", dir.display()))?;
        if !dir.join("engine").join("Cargo.toml").is_file() {
            bail!("{} holds no engine/Cargo.toml: point at a checkout of nma-tutor", dir.display());
        }
        self.code_root = dir;
        Ok(self)
    }

    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    pub fn exercise(&self, id: &str) -> Result<&Exercise> {
        self.exercises.iter().find(|e| e.id() == id).with_context(|| {
            let known: Vec<&str> = self.exercises.iter().map(Exercise::id).collect();
            format!("no exercise called `{id}`; known exercises: {}", known.join(", "))
        })
    }

    pub fn engine_dir(&self) -> PathBuf {
        self.code_root.join("engine")
    }
    pub fn harness_dir(&self) -> PathBuf {
        self.code_root.join("grader").join("harness")
    }
}

/// Every `lessons/<day>/<slug>.md`, in course order. A missing `lessons/` is an empty course text.
fn load_lessons(dir: &Path) -> Result<Vec<Lesson>> {
    let mut lessons = Vec::new();
    let Ok(days) = std::fs::read_dir(dir) else { return Ok(lessons) };
    for day in days {
        let day = day?.path();
        if !day.is_dir() {
            continue;
        }
        let day_name = day.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        for file in std::fs::read_dir(&day).with_context(|| format!("cannot read {}", day.display()))? {
            let path = file?.path();
            if path.extension().is_some_and(|e| e == "md") {
                let stem = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default();
                lessons.push(Lesson::load(&path, &format!("{day_name}/{stem}"))?);
            }
        }
    }
    lessons.sort_by(|a, b| {
        day_order(&a.meta.day).cmp(&day_order(&b.meta.day)).then(a.meta.order.cmp(&b.meta.order)).then(a.id.cmp(&b.id))
    });
    Ok(lessons)
}

/// `W2D3` sorts after `W1D5`; anything unparsable goes last.
pub fn day_order(day: &str) -> (u32, u32) {
    let upper = day.to_ascii_uppercase();
    let parse = || -> Option<(u32, u32)> {
        let rest = upper.strip_prefix('W')?;
        let (w, d) = rest.split_once('D')?;
        Some((w.parse().ok()?, d.parse().ok()?))
    };
    parse().unwrap_or((u32::MAX, u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_sort_by_week_then_day() {
        let mut days = vec!["W2D1", "W1D3", "W1D10", "junk", "W1D1"];
        days.sort_by_key(|d| day_order(d));
        assert_eq!(days, vec!["W1D1", "W1D3", "W1D10", "W2D1", "junk"]);
    }

    #[test]
    fn unknown_keys_in_exercise_toml_are_rejected() {
        let text = r#"
id = "x"
title = "t"
day = "W1D1"
lesson = "w1d1/intro"
kind = "unit"
summary = "s"
hints = ["h"]
colour = "blue"
"#;
        let err = toml::from_str::<ExerciseMeta>(text).unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn front_matter_is_split_from_the_markdown_with_its_line_number() {
        let text = "+++\ntitle = \"Tensors\"\nday = \"W1D1\"\norder = 2\n+++\n# Tensors\n\nBody.\n";
        let (front, body, line) = split_front_matter(text).unwrap();
        assert_eq!(front, "title = \"Tensors\"\nday = \"W1D1\"\norder = 2");
        assert_eq!(body, "# Tensors\n\nBody.\n");
        assert_eq!(line, 6);
        let meta: LessonMeta = toml::from_str(front).unwrap();
        assert_eq!((meta.title.as_str(), meta.order, meta.exercises.len()), ("Tensors", 2, 0));
        assert!(split_front_matter("# no front matter").is_none());
        assert!(split_front_matter("+++\ntitle = 1\n").is_none(), "unclosed");
    }

    #[test]
    fn points_fall_back_to_the_default() {
        let text = r#"
default = 2.0
[tests]
big = 5.0
"#;
        let points: Points = toml::from_str(text).unwrap();
        assert_eq!(points.for_test("big"), 5.0);
        assert_eq!(points.for_test("other"), 2.0);
    }
}
