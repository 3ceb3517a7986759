//! Grading a cohort: a folder of submissions → one result file each + `summary.csv`.
//!
//! Output layout (`--out DIR`):
//! ```text
//! DIR/results/<submission>.json        native verdict (also what resuming looks at)
//! DIR/<format>/<submission>.json       the same verdict as Gradescope or exercism, if asked
//! DIR/summary.csv                      one row per submission (summary.shard-K-of-N.csv for a shard)
//! ```
//! Shards split the sorted submission list round-robin, so any number of machines can
//! grade one cohort into one shared folder (or separate folders joined by [`merge`]).

use crate::build::{self, BuildPaths};
use crate::course::{Course, Exercise};
use crate::report::{self, Format};
use crate::verdict::{Status, Verdict};
use crate::workspace::write_atomically;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// One learner's submission: a file, or a folder in which we look for one.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// File stem or folder name; names the result files.
    pub name: String,
    pub file: Result<PathBuf, String>,
}

/// `K/N`: this machine grades the K-th of N shares (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse = || -> Option<Shard> {
            let (k, n) = s.split_once('/')?;
            let (index, count) = (k.trim().parse().ok()?, n.trim().parse().ok()?);
            (count >= 1 && (1..=count).contains(&index)).then_some(Shard { index, count })
        };
        parse().ok_or_else(|| format!("`{s}` is not a shard: write K/N with 1 ≤ K ≤ N, e.g. 3/10"))
    }
}

impl Shard {
    pub fn contains(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

/// Finds submissions in `dir`, sorted by name: every `*.rs` file, and every folder
/// holding `<exercise-id>.rs` or exactly one `.rs` file.
pub fn discover(dir: &Path, exercise_id: &str) -> Result<Vec<Submission>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read the submissions folder {}", dir.display()))?;
    let mut found = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            found.push(Submission { name, file: Ok(path) });
        } else if path.is_dir() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            found.push(Submission { name, file: file_in_folder(&path, exercise_id) });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

fn file_in_folder(folder: &Path, exercise_id: &str) -> Result<PathBuf, String> {
    let named = folder.join(format!("{exercise_id}.rs"));
    if named.is_file() {
        return Ok(named);
    }
    let rust_files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| format!("cannot read {}: {e}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rs"))
        .collect();
    match rust_files.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(format!("no .rs file in {}", folder.display())),
        _ => Err(format!("{} holds several .rs files and none is named {exercise_id}.rs", folder.display())),
    }
}

/// One row of `summary.csv`.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct SummaryRow {
    pub submission: String,
    pub status: Status,
    pub score: f64,
    pub max_score: f64,
    pub seconds: f64,
    pub message: String,
}

pub struct BatchOptions {
    pub out: PathBuf,
    pub jobs: usize,
    pub force: bool,
    pub shard: Option<Shard>,
    pub format: Format,
}

/// What a batch did, for the closing line.
#[derive(Debug, Default, PartialEq)]
pub struct BatchReport {
    pub graded: usize,
    pub skipped: usize,
    pub passed: usize,
    pub summary: PathBuf,
}

/// Grades every submission of this shard that has no result yet (all, with `force`).
/// `on_done` is called after each submission with (done, total).
pub fn run(
    course: &Course,
    exercise: &Exercise,
    submissions: &[Submission],
    paths: &BuildPaths,
    options: &BatchOptions,
    on_done: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<BatchReport> {
    let results_dir = options.out.join("results");
    std::fs::create_dir_all(&results_dir).with_context(|| format!("cannot create {}", results_dir.display()))?;
    let export_dir = (options.format != Format::Native).then(|| options.out.join(format_dir(options.format)));
    if let Some(dir) = &export_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mine: Vec<&Submission> = submissions
        .iter()
        .enumerate()
        .filter(|(i, _)| options.shard.is_none_or(|s| s.contains(*i)))
        .map(|(_, s)| s)
        .collect();
    let todo: Vec<&Submission> = mine
        .iter()
        .copied()
        .filter(|s| options.force || read_result(&results_dir, &s.name).is_none())
        .collect();
    let tests = build::test_functions(exercise)?;

    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let jobs = options.jobs.max(1).min(todo.len().max(1));
    std::thread::scope(|scope| {
        for worker in 0..jobs {
            let (next, done, failure, todo, tests, results_dir, export_dir) =
                (&next, &done, &failure, &todo, &tests, &results_dir, &export_dir);
            scope.spawn(move || loop {
                if failure.lock().map(|f| f.is_some()).unwrap_or(true) {
                    break;
                }
                let Some(sub) = todo.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                let graded = grade_one(course, exercise, sub, paths, &format!("batch-{worker}")).and_then(|verdict| {
                    save(results_dir, &sub.name, &serde_json::to_value(&verdict)?)?;
                    if let Some(dir) = export_dir {
                        save(dir, &sub.name, &report::render(&verdict, options.format, tests))?;
                    }
                    Ok(())
                });
                if let Err(e) = graded {
                    let mut slot = failure.lock().unwrap_or_else(|e| e.into_inner());
                    slot.get_or_insert(e.context(format!("while grading {}", sub.name)));
                    break;
                }
                on_done(done.fetch_add(1, Ordering::Relaxed) + 1, todo.len(), &sub.name);
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }

    let summary_name = match options.shard {
        Some(s) if s.count > 1 => format!("summary.shard-{}-of-{}.csv", s.index, s.count),
        _ => "summary.csv".to_string(),
    };
    let names: Vec<&str> = mine.iter().map(|s| s.name.as_str()).collect();
    let rows = summary_rows(&results_dir, &names)?;
    let summary = options.out.join(summary_name);
    write_summary(&summary, &rows)?;
    Ok(BatchReport {
        graded: todo.len(),
        skipped: mine.len() - todo.len(),
        passed: rows.iter().filter(|r| r.status == Status::Pass).count(),
        summary,
    })
}

/// A submission that cannot even be read is still a verdict (an error), never a crash.
fn grade_one(course: &Course, exercise: &Exercise, sub: &Submission, paths: &BuildPaths, slot: &str) -> Result<Verdict> {
    let file = match &sub.file {
        Ok(file) => file,
        Err(why) => return Ok(unreadable(exercise, why.clone())),
    };
    if let Err(e) = std::fs::metadata(file).and_then(|_| std::fs::File::open(file)) {
        return Ok(unreadable(exercise, format!("cannot read {}: {e}", file.display())));
    }
    crate::grade(course, exercise, file, paths, slot, &mut |_| {})
}

/// A submission that cannot even be read is still a verdict (an error), never a crash.
fn unreadable(exercise: &Exercise, why: String) -> Verdict {
    let planned = build::test_functions(exercise).map(|tests| crate::planned(exercise, &tests)).unwrap_or_default();
    Verdict::not_run(exercise.id(), planned, "the submission could not be read", format!("Submission could not be graded: {why}"))
}

fn format_dir(format: Format) -> &'static str {
    match format {
        Format::Native => "results",
        Format::Gradescope => "gradescope",
        Format::Exercism => "exercism",
    }
}

fn save(dir: &Path, name: &str, value: &serde_json::Value) -> Result<()> {
    write_atomically(&dir.join(format!("{name}.json")), serde_json::to_string_pretty(value)?.as_bytes())
}

fn read_result(results_dir: &Path, name: &str) -> Option<Verdict> {
    let text = std::fs::read_to_string(results_dir.join(format!("{name}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

fn summary_rows(results_dir: &Path, names: &[&str]) -> Result<Vec<SummaryRow>> {
    names
        .iter()
        .map(|name| {
            let v = read_result(results_dir, name)
                .with_context(|| format!("the result of {name} is missing or unreadable in {}", results_dir.display()))?;
            Ok(SummaryRow {
                submission: name.to_string(),
                status: v.status,
                score: v.score,
                max_score: v.max_score,
                seconds: (v.seconds * 1000.0).round() / 1000.0,
                message: v.message,
            })
        })
        .collect()
}

fn write_summary(path: &Path, rows: &[SummaryRow]) -> Result<()> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("cannot write the summary: {e}"))?;
    write_atomically(path, &bytes)
}

/// Joins shard outputs: copies every `results/*.json` of `inputs` into `out/results`
/// and writes one `summary.csv` over all of them. The same submission in two inputs
/// is an error unless both results are identical.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<(usize, PathBuf)> {
    let results_dir = out.join("results");
    std::fs::create_dir_all(&results_dir).with_context(|| format!("cannot create {}", results_dir.display()))?;
    let mut names = std::collections::BTreeSet::new();
    for input in inputs {
        let dir = input.join("results");
        let entries = std::fs::read_dir(&dir).with_context(|| format!("{} has no results folder", input.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            let text = std::fs::read_to_string(&path)?;
            serde_json::from_str::<Verdict>(&text).with_context(|| format!("{} is not a result file", path.display()))?;
            let target = results_dir.join(format!("{name}.json"));
            if target != path {
                match std::fs::read_to_string(&target) {
                    Ok(existing) if existing != text && names.contains(&name) => {
                        bail!("{name} was graded differently in two inputs ({} and an earlier one)", path.display())
                    }
                    _ => write_atomically(&target, text.as_bytes())?,
                }
            }
            names.insert(name);
        }
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let rows = summary_rows(&results_dir, &names)?;
    let summary = out.join("summary.csv");
    write_summary(&summary, &rows)?;
    Ok((rows.len(), summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_split_round_robin_without_overlap() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "1/0", "x", "1-3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for position in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.contains(position)).count(), 1);
        }
        assert!(shards[0].contains(0) && shards[1].contains(1) && shards[0].contains(3));
    }

    #[test]
    fn submissions_are_files_or_folders_and_problems_are_kept_as_errors() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("bob.rs"), "").unwrap();
        std::fs::create_dir_all(d.join("alice")).unwrap();
        std::fs::write(d.join("alice/w1_x.rs"), "").unwrap();
        std::fs::write(d.join("alice/notes.rs"), "").unwrap();
        std::fs::create_dir_all(d.join("carol")).unwrap();
        std::fs::write(d.join("carol/anything.rs"), "").unwrap();
        std::fs::create_dir_all(d.join("dave")).unwrap();
        std::fs::write(d.join("README.txt"), "").unwrap();
        let found = discover(d, "w1_x").unwrap();
        let names: Vec<&str> = found.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["alice", "bob", "carol", "dave"]);
        assert_eq!(found[0].file, Ok(d.join("alice/w1_x.rs")));
        assert_eq!(found[2].file, Ok(d.join("carol/anything.rs")));
        assert!(found[3].file.as_ref().unwrap_err().contains("no .rs file"));
    }

    #[test]
    fn merge_joins_shards_and_writes_one_summary() {
        let dir = tempfile::tempdir().unwrap();
        let verdict = |name: &str, status| {
            let mut v = Verdict::from_tests(name, vec![], 0.0, 0.5);
            v.status = status;
            v.score = 1.0;
            v.max_score = 2.0;
            serde_json::to_value(v).unwrap()
        };
        for (shard, name, status) in [("s1", "ann", Status::Pass), ("s2", "ben", Status::Fail)] {
            let results = dir.path().join(shard).join("results");
            std::fs::create_dir_all(&results).unwrap();
            save(&results, name, &verdict(name, status)).unwrap();
        }
        let out = dir.path().join("all");
        let (count, summary) = merge(&[dir.path().join("s1"), dir.path().join("s2")], &out).unwrap();
        assert_eq!(count, 2);
        let text = std::fs::read_to_string(summary).unwrap();
        assert_eq!(
            text,
            "submission,status,score,max_score,seconds,message\nann,pass,1.0,2.0,0.5,This exercise has no tests; tell your instructor.\nben,fail,1.0,2.0,0.5,This exercise has no tests; tell your instructor.\n"
        );
        assert!(out.join("results/ann.json").is_file() && out.join("results/ben.json").is_file());
    }
}
