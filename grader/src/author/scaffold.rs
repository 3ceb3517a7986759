//! `author new-lesson` and `author new-exercise`: new course files with every field
//! documented where it is written, and `TODO(author)` wherever the author must write.
//!
//! A scaffold is a small working example of its kind (the starter fails, the reference
//! passes, a training reference clears its threshold on every seed), so the conventions it
//! shows are known to work; its placeholders keep `author check` failing until the author
//! has replaced them. Existing files are never overwritten.

use super::content::day_folder;
use crate::course::{split_front_matter, ExerciseKind, LessonMeta};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

const EXERCISE_TOML: &str = include_str!("templates/exercise.toml");
const CALIBRATION_TOML: &str = include_str!("templates/calibration.toml");
const LESSON_MD: &str = include_str!("templates/lesson.md");

/// (starter, solution, tests, hidden, the hidden test worth extra points) for a kind.
fn sources(kind: ExerciseKind) -> [&'static str; 5] {
    match kind {
        ExerciseKind::Unit => [
            include_str!("templates/unit/starter.rs"),
            include_str!("templates/unit/solution.rs"),
            include_str!("templates/unit/tests.rs"),
            include_str!("templates/unit/hidden.rs"),
            "works_on_matrices_and_outside_zero_to_one",
        ],
        ExerciseKind::Property => [
            include_str!("templates/property/starter.rs"),
            include_str!("templates/property/solution.rs"),
            include_str!("templates/property/tests.rs"),
            include_str!("templates/property/hidden.rs"),
            "sums_to_one_keeps_order_and_survives_large_scores",
        ],
        ExerciseKind::Training => [
            include_str!("templates/training/starter.rs"),
            include_str!("templates/training/solution.rs"),
            include_str!("templates/training/tests.rs"),
            include_str!("templates/training/hidden.rs"),
            "fits_a_line_from_a_random_start",
        ],
    }
}

/// Two example mistakes per kind, for `mistakes/`: each a whole wrong solution whose
/// first line says the mistake.
fn mistakes(kind: ExerciseKind) -> [(&'static str, &'static str); 2] {
    match kind {
        ExerciseKind::Unit => [
            ("swapped_ends.rs", include_str!("templates/unit/mistakes/swapped_ends.rs")),
            ("forgets_one_end.rs", include_str!("templates/unit/mistakes/forgets_one_end.rs")),
        ],
        ExerciseKind::Property => [
            ("divides_by_the_count.rs", include_str!("templates/property/mistakes/divides_by_the_count.rs")),
            ("forgets_the_exponential.rs", include_str!("templates/property/mistakes/forgets_the_exponential.rs")),
        ],
        ExerciseKind::Training => [
            ("steps_uphill.rs", include_str!("templates/training/mistakes/steps_uphill.rs")),
            ("sums_instead_of_averaging.rs", include_str!("templates/training/mistakes/sums_instead_of_averaging.rs")),
        ],
    }
}

/// `unit`, `property` or `training`.
pub fn parse_kind(kind: &str) -> Result<ExerciseKind> {
    match kind {
        "unit" => Ok(ExerciseKind::Unit),
        "property" => Ok(ExerciseKind::Property),
        "training" => Ok(ExerciseKind::Training),
        other => bail!("unknown exercise kind `{other}`: use unit, property or training"),
    }
}

/// A course day as folder name: `w1d4`. Refuses anything else, saying what is expected.
pub fn validate_day(day: &str) -> Result<String> {
    match day_folder(day) {
        Some(folder) if folder == day => Ok(folder),
        Some(folder) => bail!("write the day in lowercase, as its folder is named: `{folder}`, not `{day}`"),
        None => bail!("`{day}` is not a course day: write w<week>d<day>, e.g. w1d4"),
    }
}

/// A slug: lowercase ASCII letters, digits and `_`, starting with a letter.
pub fn validate_slug(slug: &str) -> Result<()> {
    let ok = slug.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        let suggestion: String = slug
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        bail!("`{slug}` is not a valid slug: use lowercase letters, digits and `_`, starting with a letter (e.g. `{suggestion}`)");
    }
    Ok(())
}

/// Writes `lessons/<day>/<slug>.md`; returns its path.
pub fn new_lesson(root: &Path, day: &str, slug: &str) -> Result<PathBuf> {
    let day = validate_day(day)?;
    validate_slug(slug)?;
    let folder = root.join("lessons").join(&day);
    let path = folder.join(format!("{slug}.md"));
    if path.exists() {
        bail!("{} already exists; not overwriting it", path.display());
    }
    let order = next_order(&folder);
    let text = LESSON_MD
        .replace("{{DAY}}", &day.to_ascii_uppercase())
        .replace("{{day}}", &day)
        .replace("{{SLUG}}", slug)
        .replace("{{ORDER}}", &order.to_string());
    std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    write_new(&path, &text)?;
    Ok(path)
}

/// One more than the largest `order` among the day's lessons (1 for the first).
fn next_order(folder: &Path) -> u32 {
    let Ok(entries) = std::fs::read_dir(folder) else { return 1 };
    entries
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .filter_map(|text| {
            let (front, _, _) = split_front_matter(&text)?;
            toml::from_str::<LessonMeta>(front).ok().map(|m| m.order)
        })
        .max()
        .map_or(1, |o| o + 1)
}

/// Writes `exercises/<day>_<slug>/` with exercise.toml, starter.rs, solution.rs, tests.rs,
/// hidden.rs and two example mistakes in `mistakes/`; returns the folder. `lesson` defaults to `<day>/<slug>`.
pub fn new_exercise(root: &Path, day: &str, slug: &str, kind: ExerciseKind, lesson: Option<&str>) -> Result<PathBuf> {
    let day = validate_day(day)?;
    validate_slug(slug)?;
    let id = format!("{day}_{slug}");
    let lesson = lesson.map(str::to_string).unwrap_or_else(|| format!("{day}/{slug}"));
    if lesson.ends_with(".md") || lesson.starts_with("lessons/") {
        bail!("write the lesson as `<day>/<slug>`, without `lessons/` and `.md`: e.g. `{day}/{slug}`");
    }
    let dir = root.join("exercises").join(&id);
    if dir.exists() {
        bail!("{} already exists; not overwriting it (pick another slug, or edit the files there)", dir.display());
    }
    let [starter, solution, tests, hidden, main_test] = sources(kind);
    let kind_name = super::content::kind_name(kind);
    let calibration = if kind == ExerciseKind::Training { CALIBRATION_TOML } else { "" };
    let fill = |text: &str| {
        text.replace("{{ID}}", &id)
            .replace("{{DAY}}", &day.to_ascii_uppercase())
            .replace("{{day}}", &day)
            .replace("{{LESSON}}", &lesson)
            .replace("{{KIND}}", kind_name)
            .replace("{{MAIN_TEST}}", main_test)
            .replace("{{CALIBRATION}}", calibration.trim_end())
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in [
        ("exercise.toml", EXERCISE_TOML),
        ("starter.rs", starter),
        ("solution.rs", solution),
        ("tests.rs", tests),
        ("hidden.rs", hidden),
    ] {
        write_new(&dir.join(name), &fill(text))?;
    }
    let mistakes_dir = dir.join("mistakes");
    std::fs::create_dir_all(&mistakes_dir).with_context(|| format!("cannot create {}", mistakes_dir.display()))?;
    for (name, text) in mistakes(kind) {
        write_new(&mistakes_dir.join(name), text)?;
    }
    Ok(dir)
}

/// Creates `path`, failing if it exists (even if it appeared a moment ago).
fn write_new(path: &Path, text: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {} (it may already exist; it is never overwritten)", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::{Exercise, Lesson};

    #[test]
    fn days_and_slugs_are_validated_with_a_suggestion() {
        assert_eq!(validate_day("w1d4").unwrap(), "w1d4");
        assert!(validate_day("W1D4").unwrap_err().to_string().contains("`w1d4`"));
        assert!(validate_day("day1").is_err());
        assert!(validate_slug("momentum_2").is_ok());
        let err = validate_slug("Momentum-SGD").unwrap_err().to_string();
        assert!(err.contains("momentum_sgd"), "{err}");
        assert!(validate_slug("2nd").is_err() && validate_slug("").is_err());
    }

    #[test]
    fn scaffolds_load_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let first = new_lesson(root, "w3d1", "intro").unwrap();
        let lesson = Lesson::load(&first, "w3d1/intro").unwrap();
        assert_eq!((lesson.meta.day.as_str(), lesson.meta.order), ("W3D1", 1));
        let second = new_lesson(root, "w3d1", "more").unwrap();
        assert_eq!(Lesson::load(&second, "w3d1/more").unwrap().meta.order, 2, "the next free order");
        assert!(new_lesson(root, "w3d1", "intro").unwrap_err().to_string().contains("already exists"));

        for (slug, kind) in [("u", ExerciseKind::Unit), ("p", ExerciseKind::Property), ("t", ExerciseKind::Training)] {
            let ex = new_exercise(root, "w3d1", slug, kind, Some("w3d1/intro")).unwrap();
            let loaded = Exercise::load(&ex).unwrap();
            assert_eq!(loaded.meta.kind, kind);
            assert_eq!(loaded.meta.lesson, "w3d1/intro");
            assert!(loaded.meta.hints.len() >= 2);
            let main = sources(kind)[4];
            let hidden = std::fs::read_to_string(loaded.hidden_tests()).unwrap();
            assert!(hidden.contains(&format!("fn {main}()")), "points name a real test");
            assert_eq!(loaded.meta.points.for_test(main), 2.0);
            assert_eq!(kind == ExerciseKind::Training, std::fs::read_to_string(ex.join("exercise.toml")).unwrap().contains("[calibration]"));
            let examples = crate::author::content::mistakes(&loaded);
            assert_eq!(examples.len(), 2, "two example mistakes");
            assert!(examples.iter().all(|m| !m.description.is_empty()), "each says its mistake on its first line");
        }
        let again = new_exercise(root, "w3d1", "u", ExerciseKind::Unit, None).unwrap_err();
        assert!(again.to_string().contains("already exists"), "{again}");
        assert!(new_exercise(root, "w3d1", "x", ExerciseKind::Unit, Some("lessons/w3d1/intro.md")).is_err());
    }
}
