//! The learner's workspace: their copy of each exercise and their progress.
//!
//! Kept outside `exercises/` so that updating the course never touches their work.
//! Starters are copied in once; an existing copy is never overwritten.
//!
//! Progress may be written by two processes at once (the tutor, and `nma-tutor grade` or
//! `hint` in another terminal), each holding its own copy in memory. A save therefore
//! never just overwrites the file: under an exclusive lock on `progress.json.lock` it
//! reads what is on disk, merges it with the copy being saved ([`Progress::merge`]: a
//! pass or a score is never lost), and replaces the file atomically.

use crate::course::{Course, Exercise};
use crate::verdict::{Status, Verdict};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const PROGRESS_FILE: &str = "progress.json";
const PROGRESS_LOCK_FILE: &str = "progress.json.lock";
const PROGRESS_VERSION: u32 = 1;

/// Ordered by how far the learner got: a merge keeps the greatest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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

impl ExerciseProgress {
    /// Joins two records of one exercise: the furthest state, the best score, the latest
    /// grading, and the maximum score of the newer record (on a tie, the larger), so the
    /// result does not depend on which record is merged into which.
    pub fn merge(&mut self, other: &ExerciseProgress) {
        let other_is_newer = other
            .last_graded
            .cmp(&self.last_graded)
            .then(other.max_score.total_cmp(&self.max_score))
            .is_gt();
        if other_is_newer {
            self.max_score = other.max_score;
        }
        self.state = self.state.max(other.state);
        self.score = max_f64(self.score, other.score);
        self.last_graded = self.last_graded.max(other.last_graded);
    }
}

/// The larger of two scores, a NaN (never written by us) losing to any number.
fn max_f64(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else if b.is_nan() || a.total_cmp(&b).is_ge() {
        a
    } else {
        b
    }
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

    /// Joins `other` into this progress, as when two processes each recorded grades:
    /// per exercise see [`ExerciseProgress::merge`]; hints shown, the larger count.
    /// Commutative and idempotent, so nothing either side recorded is lost, whatever
    /// the order of the saves. Nothing is ever lowered by a merge.
    pub fn merge(&mut self, other: &Progress) {
        for (id, theirs) in &other.exercises {
            match self.exercises.get_mut(id) {
                Some(mine) => mine.merge(theirs),
                None => {
                    self.exercises.insert(id.clone(), theirs.clone());
                }
            }
        }
        for (id, &theirs) in &other.hints_shown {
            let mine = self.hints_shown.entry(id.clone()).or_insert(0);
            *mine = (*mine).max(theirs);
        }
        self.version = PROGRESS_VERSION;
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

/// What [`Workspace::save_progress_merged`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedProgress {
    /// The progress now on disk: the one saved joined with what was there.
    pub progress: Progress,
    /// The file on disk could not be read and was moved aside (the same report as
    /// [`Workspace::load_progress`] gives).
    pub problem: Option<String>,
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

    fn progress_lock_path(&self) -> PathBuf {
        self.root.join(PROGRESS_LOCK_FILE)
    }

    /// Reads progress. A file that cannot be understood is moved aside (never deleted)
    /// and reported, and the learner starts from empty progress.
    pub fn load_progress(&self) -> (Progress, Option<String>) {
        // Moving a bad file aside must not race a save that is replacing it with a good
        // one. Without a lock (no workspace folder yet, a read-only one) read anyway.
        let _lock = ProgressLock::acquire(&self.progress_lock_path()).ok();
        self.read_progress().unwrap_or_else(|unreadable| (Progress::default(), Some(unreadable)))
    }

    /// [`Workspace::load_progress`] for a caller that holds the lock. `Err` says why a
    /// file that is there could not be read at all (it is left where it is).
    fn read_progress(&self) -> std::result::Result<(Progress, Option<String>), String> {
        let path = self.progress_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Progress::default(), None)),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Ok(match serde_json::from_str::<Progress>(&text) {
            Ok(p) if p.version == PROGRESS_VERSION => (p, None),
            Ok(p) => (Progress::default(), Some(self.set_aside(&path, &format!("it has format version {}, this tutor reads version {PROGRESS_VERSION}", p.version)))),
            Err(e) => (Progress::default(), Some(self.set_aside(&path, &format!("it is not valid ({e})")))),
        })
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

    /// Saves progress, merged with what another process may have saved meanwhile (see
    /// [`Workspace::save_progress_merged`], which also returns the merged result).
    pub fn save_progress(&self, progress: &Progress) -> Result<()> {
        self.save_progress_merged(progress).map(|_| ())
    }

    /// Saves `progress` joined with the progress on disk, and returns what was written.
    ///
    /// Under an exclusive lock on `progress.json.lock` (every save and load takes it, in
    /// any process): read the file, [`Progress::merge`] the two, write atomically (a
    /// crash mid-write leaves the old file intact), unlock. So two processes saving at
    /// once both keep what they recorded. A file on disk that cannot be read is moved
    /// aside and reported, as by [`Workspace::load_progress`], and `progress` is saved;
    /// one that cannot be read at all (permissions) is an error, not overwritten.
    pub fn save_progress_merged(&self, progress: &Progress) -> Result<SavedProgress> {
        let lock_path = self.progress_lock_path();
        let _lock = ProgressLock::acquire(&lock_path)
            .with_context(|| format!("cannot lock {} to save progress", lock_path.display()))?;
        let (mut merged, problem) = self.read_progress().map_err(anyhow::Error::msg)?;
        merged.merge(progress);
        let text = serde_json::to_string_pretty(&merged)?;
        write_atomically(&self.progress_path(), text.as_bytes())?;
        Ok(SavedProgress { progress: merged, problem })
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

/// An exclusive advisory lock on a file, held until dropped: std's `File::lock`, which is
/// `flock(LOCK_EX)` on Linux and macOS (no `unsafe` needed). The lock belongs to the
/// open file, so two threads of one process that each acquire it exclude each other
/// as two processes do.
struct ProgressLock {
    _file: File,
}

impl ProgressLock {
    /// Blocks until the lock is ours. Where the file system cannot lock (some network
    /// file systems), goes on without: a save still merges with the file it reads, but
    /// two saves in the same instant could then race.
    fn acquire(path: &Path) -> std::io::Result<ProgressLock> {
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
        loop {
            match file.lock() {
                Ok(()) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        Ok(ProgressLock { _file: file })
    }
}

/// Write to a temporary file beside `path`, fsync it, then rename over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with_mode(path, bytes, None)
}

/// As [`write_atomically`], with Unix permissions `mode` set before the rename, so
/// nobody ever sees `path` without them (an executable script, say).
pub fn write_atomically_with_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<()> {
    // Unique per call, so threads of one process writing the same file never share one.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().context("path has no parent folder")?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| -> Result<()> {
        let mut file = File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
        file.sync_all().with_context(|| format!("cannot write {}", tmp.display()))?;
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))
                .with_context(|| format!("cannot write {}", tmp.display()))?;
        }
        std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
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

    fn entry(state: ExerciseState, score: f64, max_score: f64, last_graded: u64) -> ExerciseProgress {
        ExerciseProgress { state, score, max_score, last_graded }
    }

    fn merged(a: &Progress, b: &Progress) -> Progress {
        let mut m = a.clone();
        m.merge(b);
        m
    }

    /// Small progress records covering every state, ties and orderings (no `rand`: an LCG).
    fn samples() -> Vec<Progress> {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let states = [ExerciseState::NotStarted, ExerciseState::Attempted, ExerciseState::Passed];
        let mut out = vec![Progress::default()];
        for _ in 0..40 {
            let mut p = Progress::default();
            for id in ["a", "b", "c"] {
                if next(3) > 0 {
                    let e = entry(states[next(3) as usize], next(4) as f64, 2.0 + next(3) as f64, 100 + next(3));
                    p.exercises.insert(id.to_string(), e);
                }
                if next(2) == 0 {
                    p.hints_shown.insert(id.to_string(), next(4) as usize);
                }
            }
            out.push(p);
        }
        out
    }

    #[test]
    fn a_merge_keeps_every_pass_the_best_score_the_latest_maximum_and_the_most_hints() {
        let mut tutor = Progress::default();
        tutor.exercises.insert("a".into(), entry(ExerciseState::Passed, 3.0, 3.0, 100));
        tutor.exercises.insert("b".into(), entry(ExerciseState::Attempted, 1.0, 4.0, 300));
        tutor.hints_shown.insert("a".into(), 2);
        let mut cli = Progress::default();
        cli.exercises.insert("a".into(), entry(ExerciseState::Attempted, 0.0, 5.0, 200));
        cli.exercises.insert("c".into(), entry(ExerciseState::Attempted, 1.0, 2.0, 250));
        cli.hints_shown.insert("a".into(), 1);
        cli.hints_shown.insert("c".into(), 3);

        let m = merged(&tutor, &cli);
        // The later failing attempt does not undo the pass nor its score; the exercise's
        // maximum is the newer one (the course may have changed its points).
        assert_eq!(m.exercises["a"], entry(ExerciseState::Passed, 3.0, 5.0, 200));
        assert_eq!(m.exercises["b"], tutor.exercises["b"]);
        assert_eq!(m.exercises["c"], cli.exercises["c"]);
        assert_eq!(m.hints_shown("a"), 2);
        assert_eq!(m.hints_shown("c"), 3);
        assert_eq!(m, merged(&cli, &tutor));
    }

    #[test]
    fn merging_is_commutative_associative_idempotent_and_never_lowers_anything() {
        let all = samples();
        for a in &all {
            assert_eq!(&merged(a, a), a, "idempotent");
            for b in &all {
                let ab = merged(a, b);
                assert_eq!(ab, merged(b, a), "commutative:\n{a:?}\n{b:?}");
                assert_eq!(merged(&ab, b), ab, "merging again changes nothing");
                for (id, e) in a.exercises.iter().chain(&b.exercises) {
                    let m = &ab.exercises[id];
                    assert!(m.state >= e.state && m.score >= e.score && m.last_graded >= e.last_graded);
                }
                for (id, &n) in a.hints_shown.iter().chain(&b.hints_shown) {
                    assert!(ab.hints_shown(id) >= n);
                }
                for c in all.iter().step_by(5) {
                    assert_eq!(merged(&ab, c), merged(a, &merged(b, c)), "associative");
                }
            }
        }
    }

    #[test]
    fn a_save_merges_with_what_another_process_saved_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace { root: dir.path().to_path_buf() };
        // Both start from the same (empty) file, as the tutor and `nma-tutor grade` do.
        let (mut tutor, _) = ws.load_progress();
        let (mut cli, _) = ws.load_progress();
        let mut v = verdict(Status::Pass, 3.0);
        v.exercise = "w1d1_a".into();
        cli.record(&v);
        ws.save_progress(&cli).unwrap();
        v.exercise = "w1d1_b".into();
        v.status = Status::Fail;
        tutor.record(&v);
        tutor.reveal_hint("w1d1_a", 3);
        let saved = ws.save_progress_merged(&tutor).unwrap();
        assert_eq!(saved.problem, None);
        assert_eq!(saved.progress.state("w1d1_a"), ExerciseState::Passed, "the other process's pass is kept");
        assert_eq!(saved.progress.state("w1d1_b"), ExerciseState::Attempted);
        assert_eq!(saved.progress.hints_shown("w1d1_a"), 1);
        assert_eq!(ws.load_progress(), (saved.progress, None), "what is returned is what is on disk");
        assert!(ws.progress_lock_path().exists());
    }

    #[test]
    fn a_corrupt_file_found_while_saving_is_set_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace { root: dir.path().to_path_buf() };
        std::fs::write(ws.progress_path(), "{ not json").unwrap();
        let mut p = Progress::default();
        p.record(&verdict(Status::Pass, 3.0));
        let saved = ws.save_progress_merged(&p).unwrap();
        assert_eq!(saved.progress, p);
        assert!(saved.problem.expect("reported").contains("could not be read"));
        assert_eq!(ws.load_progress(), (p, None));
        let kept = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("progress.json.bad-"))
            .count();
        assert_eq!(kept, 1);
    }

    /// One writer's work: each round, load, record its own exercise and a hint, save.
    fn write_rounds(root: &Path, writer: &str, rounds: usize) {
        let ws = Workspace { root: root.to_path_buf() };
        for round in 0..rounds {
            let (mut p, problem) = ws.load_progress();
            assert_eq!(problem, None, "a load never meets a half-written file");
            let mut v = verdict(if round % 2 == 0 { Status::Pass } else { Status::Fail }, round as f64);
            v.exercise = format!("{writer}_{round}");
            p.record(&v);
            p.reveal_hint(writer, usize::MAX);
            ws.save_progress(&p).unwrap();
        }
    }

    fn assert_nothing_lost(root: &Path, writers: &[String], rounds: usize) {
        let ws = Workspace { root: root.to_path_buf() };
        let (p, problem) = ws.load_progress();
        assert_eq!(problem, None);
        for writer in writers {
            for round in 0..rounds {
                let id = format!("{writer}_{round}");
                let want = if round % 2 == 0 { ExerciseState::Passed } else { ExerciseState::Attempted };
                assert_eq!(p.state(&id), want, "{id} was lost");
            }
            // Each load sees at least the writer's own last save, so its count climbs.
            assert_eq!(p.hints_shown(writer), rounds, "hints of {writer}");
        }
        assert_eq!(p.exercises.len(), writers.len() * rounds);
        let stray: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-") || n.contains(".bad-"))
            .collect();
        assert!(stray.is_empty(), "left behind: {stray:?}");
    }

    #[test]
    fn threads_saving_at_once_lose_no_record() {
        let dir = tempfile::tempdir().unwrap();
        let writers: Vec<String> = (0..8).map(|i| format!("thread{i}")).collect();
        let rounds = 25;
        std::thread::scope(|scope| {
            for writer in &writers {
                let root = dir.path();
                scope.spawn(move || write_rounds(root, writer, rounds));
            }
        });
        assert_nothing_lost(dir.path(), &writers, rounds);
    }

    const CHILD_ENV: &str = "NMA_PROGRESS_WRITER_CHILD";

    /// Not a test of its own: the body of a child process of the test below.
    #[test]
    fn progress_writer_child() {
        if let Ok(spec) = std::env::var(CHILD_ENV) {
            let mut parts = spec.splitn(3, '|');
            let (root, writer, rounds) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            write_rounds(Path::new(root), writer, rounds.parse().unwrap());
        }
    }

    #[test]
    fn processes_saving_at_once_lose_no_record() {
        let dir = tempfile::tempdir().unwrap();
        let writers: Vec<String> = (0..4).map(|i| format!("process{i}")).collect();
        let rounds = 25;
        let exe = std::env::current_exe().unwrap();
        let children: Vec<_> = writers
            .iter()
            .map(|writer| {
                std::process::Command::new(&exe)
                    .args(["workspace::tests::progress_writer_child", "--exact", "--test-threads=1", "--quiet"])
                    .env(CHILD_ENV, format!("{}|{writer}|{rounds}", dir.path().display()))
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success(), "a writer process failed");
        }
        assert_nothing_lost(dir.path(), &writers, rounds);
    }
}
