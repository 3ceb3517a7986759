//! The learner's workspace: their copy of each exercise and their progress.
//!
//! Kept outside `exercises/` so that updating the course never touches their work.
//! Starters are copied in once; an existing copy is never overwritten.

use crate::course::{Course, Exercise};
use crate::verdict::{Status, Verdict};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const PROGRESS_FILE: &str = "progress.json";
const PROGRESS_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseState {
    NotStarted,
    Attempted,
    Passed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    pub state: ExerciseState,
    pub score: f64,
    pub max_score: f64,
    /// Seconds since the Unix epoch of the last grading.
    pub last_graded: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    pub exercises: BTreeMap<String, ExerciseProgress>,
    /// How many hints of each exercise the learner has revealed.
    #[serde(default)]
    pub hints_shown: BTreeMap<String, usize>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress { version: PROGRESS_VERSION, exercises: BTreeMap::new(), hints_shown: BTreeMap::new() }
    }
}

impl Progress {
    pub fn hints_shown(&self, id: &str) -> usize {
        self.hints_shown.get(id).copied().unwrap_or(0)
    }

    /// Reveals one more hint (up to `available`) and returns how many are now shown.
    pub fn reveal_hint(&mut self, id: &str, available: usize) -> usize {
        let shown = (self.hints_shown(id) + 1).min(available);
        self.hints_shown.insert(id.to_string(), shown);
        shown
    }

    pub fn state(&self, id: &str) -> ExerciseState {
        self.exercises.get(id).map(|p| p.state).unwrap_or(ExerciseState::NotStarted)
    }

    /// Records a verdict. A pass is never undone by a later failing attempt.
    pub fn record(&mut self, verdict: &Verdict) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let entry = self.exercises.entry(verdict.exercise.clone()).or_insert(ExerciseProgress {
            state: ExerciseState::NotStarted,
            score: 0.0,
            max_score: verdict.max_score,
            last_graded: now,
        });
        entry.last_graded = now;
        entry.max_score = verdict.max_score;
        if verdict.status == Status::Pass {
            entry.state = ExerciseState::Passed;
        } else if entry.state != ExerciseState::Passed {
            entry.state = ExerciseState::Attempted;
        }
        entry.score = entry.score.max(verdict.score);
    }
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

/// What opening a workspace found worth telling the learner.
#[derive(Debug, Default)]
pub struct OpenReport {
    /// Exercises whose starter was copied in just now.
    pub seeded: Vec<String>,
    /// A progress file that could not be read, and where it was moved.
    pub progress_problem: Option<String>,
}

impl Workspace {
    /// Creates the workspace if needed and copies in any missing starters.
    pub fn open(root: &Path, course: &Course) -> Result<(Workspace, OpenReport)> {
        let ws = Workspace { root: root.to_path_buf() };
        std::fs::create_dir_all(ws.exercises_dir())
            .with_context(|| format!("cannot create the workspace {}", ws.exercises_dir().display()))?;
        let mut report = OpenReport::default();
        for exercise in &course.exercises {
            let mine = ws.exercise_file(exercise.id());
            if !mine.exists() {
                std::fs::copy(exercise.starter(), &mine)
                    .with_context(|| format!("cannot copy the starter to {}", mine.display()))?;
                report.seeded.push(exercise.id().to_string());
            }
        }
        Ok((ws, report))
    }

    pub fn exercises_dir(&self) -> PathBuf {
        self.root.join("exercises")
    }

    /// The learner's own copy of an exercise.
    pub fn exercise_file(&self, id: &str) -> PathBuf {
        self.exercises_dir().join(format!("{id}.rs"))
    }

    pub fn progress_path(&self) -> PathBuf {
        self.root.join(PROGRESS_FILE)
    }

    /// Reads progress. A file that cannot be understood is moved aside (never deleted)
    /// and reported, and the learner starts from empty progress.
    pub fn load_progress(&self) -> (Progress, Option<String>) {
        let path = self.progress_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Progress::default(), None),
            Err(e) => return (Progress::default(), Some(format!("cannot read {}: {e}", path.display()))),
        };
        match serde_json::from_str::<Progress>(&text) {
            Ok(p) if p.version == PROGRESS_VERSION => (p, None),
            Ok(p) => (Progress::default(), Some(self.set_aside(&path, &format!("it has format version {}, this tutor reads version {PROGRESS_VERSION}", p.version)))),
            Err(e) => (Progress::default(), Some(self.set_aside(&path, &format!("it is not valid ({e})")))),
        }
    }

    fn set_aside(&self, path: &Path, why: &str) -> String {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let backup = path.with_extension(format!("json.bad-{stamp}"));
        match std::fs::rename(path, &backup) {
            Ok(()) => format!(
                "Your progress file could not be read because {why}. It was kept as {} and progress starts afresh; your exercise files are untouched.",
                backup.display()
            ),
            Err(e) => format!("Your progress file {} could not be read because {why}, and could not be moved aside ({e}).", path.display()),
        }
    }

    /// Writes progress atomically: a crash mid-write leaves the old file intact.
    pub fn save_progress(&self, progress: &Progress) -> Result<()> {
        let text = serde_json::to_string_pretty(progress)?;
        write_atomically(&self.progress_path(), text.as_bytes())
    }

    /// Restores the starter, keeping the learner's current file as a backup. Returns the backup path.
    pub fn reset(&self, exercise: &Exercise) -> Result<Option<PathBuf>> {
        let mine = self.exercise_file(exercise.id());
        let backup = if mine.exists() {
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let backup = mine.with_extension(format!("rs.bak-{stamp}"));
            std::fs::copy(&mine, &backup).with_context(|| format!("cannot back up {}", mine.display()))?;
            Some(backup)
        } else {
            None
        };
        let starter = std::fs::read(exercise.starter())?;
        write_atomically(&mine, &starter)?;
        Ok(backup)
    }
}

/// Write to a temporary file beside `path`, fsync it, then rename over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("path has no parent folder")?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    {
        let mut file = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Verdict;

    fn verdict(status: Status, score: f64) -> Verdict {
        let mut v = Verdict::from_tests("w1d1_x", vec![], 0.0, 0.0);
        v.status = status;
        v.score = score;
        v.max_score = 3.0;
        v
    }

    #[test]
    fn a_pass_is_kept_after_a_later_failure() {
        let mut p = Progress::default();
        p.record(&verdict(Status::Fail, 1.0));
        assert_eq!(p.state("w1d1_x"), ExerciseState::Attempted);
        p.record(&verdict(Status::Pass, 3.0));
        p.record(&verdict(Status::Fail, 0.0));
        assert_eq!(p.state("w1d1_x"), ExerciseState::Passed);
        assert_eq!(p.exercises["w1d1_x"].score, 3.0);
    }

    #[test]
    fn progress_round_trips_and_a_corrupt_file_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace { root: dir.path().to_path_buf() };
        let mut p = Progress::default();
        p.record(&verdict(Status::Pass, 3.0));
        ws.save_progress(&p).unwrap();
        assert_eq!(ws.load_progress(), (p, None));

        std::fs::write(ws.progress_path(), "{ not json").unwrap();
        let (loaded, problem) = ws.load_progress();
        assert_eq!(loaded, Progress::default());
        let problem = problem.expect("corruption is reported");
        assert!(problem.contains("could not be read"), "{problem}");
        assert!(!ws.progress_path().exists());
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("progress.json.bad-"))
            .collect();
        assert_eq!(kept.len(), 1, "the bad file is kept, not deleted");
        assert_eq!(std::fs::read_to_string(dir.path().join(&kept[0])).unwrap(), "{ not json");
    }
}
