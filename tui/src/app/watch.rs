//! Noticing saves in the workspace's `exercises/` folder.
//!
//! The folder is watched, not the file: editors such as vim save by writing a new file
//! and renaming it over the old one, which ends a watch on the file itself. Events are
//! debounced so that one save (often several writes and a rename) grades once.
//!
//! inotify also reports files being opened, including by the grader reading the learner's
//! file, which would grade again forever. So an event counts as a save only when the
//! file's modification time or length changed since we last looked.
//!
//! The debouncer's thread hands each batch of changed paths to a callback (the run loop
//! puts it on its channel); [`SaveWatcher::saves`] then keeps the real saves, on the
//! loop's thread, so a write the tutor has just acknowledged is never taken for one.
//!
//! A file deleted and created again (some editors save that way, and so does `git
//! checkout`) counts as saved once it is back. The tutor's own writes (a reset) are
//! [`SaveWatcher::acknowledge`]d so they are not graded as if the learner had saved.

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, DebouncedEventKind, Debouncer};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const DEBOUNCE: Duration = Duration::from_millis(200);

/// What identifies one saved version of a file without reading it.
type Stamp = (Option<SystemTime>, u64);

pub struct SaveWatcher {
    // Dropping the debouncer stops the watch, so it lives as long as the watcher.
    _debouncer: Debouncer<RecommendedWatcher>,
    dir: PathBuf,
    stamps: HashMap<OsString, Stamp>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| (meta.modified().ok(), meta.len()))
}

impl SaveWatcher {
    /// Watches `dir` (not recursively), handing each batch of changed paths, or the
    /// watcher's error, to `changed`. Files already there count as seen.
    pub fn start(
        dir: &Path,
        changed: impl Fn(Result<Vec<PathBuf>, String>) + Send + 'static,
    ) -> notify_debouncer_mini::notify::Result<SaveWatcher> {
        let handler = move |batch: DebounceEventResult| {
            changed(batch.map_err(|e| e.to_string()).map(|events| {
                events
                    .into_iter()
                    // `AnyContinuous` means writes are still going on; the final `Any` follows.
                    .filter(|event| event.kind == DebouncedEventKind::Any)
                    .map(|event| event.path)
                    .collect()
            }))
        };
        let mut debouncer = new_debouncer(DEBOUNCE, handler)?;
        debouncer.watcher().watch(dir, RecursiveMode::NonRecursive)?;
        let mut stamps = HashMap::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                if let Some(s) = stamp(&entry.path()) {
                    stamps.insert(entry.file_name(), s);
                }
            }
        }
        Ok(SaveWatcher { _debouncer: debouncer, dir: dir.to_path_buf(), stamps })
    }

    /// The names of the files among `changed` that were saved: their modification time
    /// or length differ from when we last looked.
    pub fn saves(&mut self, changed: &[PathBuf]) -> Vec<OsString> {
        let mut saved = Vec::new();
        for path in changed {
            let Some(name) = path.file_name() else { continue };
            let Some(now) = stamp(&self.dir.join(name)) else {
                // Gone (for now): whatever comes back under this name is a save.
                self.stamps.remove(name);
                continue;
            };
            if self.stamps.get(name) != Some(&now) {
                self.stamps.insert(name.to_os_string(), now);
                if !saved.iter().any(|s| s == name) {
                    saved.push(name.to_os_string());
                }
            }
        }
        saved
    }

    /// The file as it is now was written by the tutor itself: do not report it as saved.
    pub fn acknowledge(&mut self, name: &OsStr) {
        match stamp(&self.dir.join(name)) {
            Some(now) => self.stamps.insert(name.to_os_string(), now),
            None => self.stamps.remove(name),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{channel, Receiver};
    use std::time::Instant;

    type Changes = Receiver<Result<Vec<PathBuf>, String>>;

    fn watch(dir: &Path) -> (SaveWatcher, Changes) {
        let (tx, rx) = channel();
        let watcher = SaveWatcher::start(dir, move |changed| {
            let _ = tx.send(changed);
        })
        .unwrap();
        (watcher, rx)
    }

    /// Collects saves until `wait` has passed.
    fn saves_within(watcher: &mut SaveWatcher, changes: &Changes, wait: Duration) -> Vec<OsString> {
        let deadline = Instant::now() + wait;
        let mut all = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if let Ok(changed) = changes.recv_timeout(left) {
                all.extend(watcher.saves(&changed.unwrap()));
            }
        }
        all
    }

    #[test]
    fn writes_and_rename_saves_count_once_and_reads_do_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w1d1_x.rs");
        std::fs::write(&file, "fn a() {}").unwrap();
        let (mut watcher, changes) = watch(dir.path());

        // A burst of writes, as some editors do, is one save.
        std::fs::write(&file, "fn b() {}").unwrap();
        std::fs::write(&file, "fn bb() {}").unwrap();
        assert_eq!(saves_within(&mut watcher, &changes, Duration::from_millis(1000)), vec![OsString::from("w1d1_x.rs")]);

        // Reading (the grader does) is not a save.
        let _ = std::fs::read_to_string(&file).unwrap();
        assert!(saves_within(&mut watcher, &changes, Duration::from_millis(600)).is_empty());

        // vim-style: write a new file, rename it over the old one.
        let tmp = dir.path().join(".w1d1_x.rs.swp");
        std::fs::write(&tmp, "fn c() { /* longer */ }").unwrap();
        std::fs::rename(&tmp, &file).unwrap();
        assert_eq!(saves_within(&mut watcher, &changes, Duration::from_millis(1000)), vec![OsString::from("w1d1_x.rs")]);
    }

    #[test]
    fn a_file_deleted_and_created_again_is_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w1d1_x.rs");
        std::fs::write(&file, "fn a() {}").unwrap();
        let (mut watcher, changes) = watch(dir.path());
        std::fs::remove_file(&file).unwrap();
        assert!(saves_within(&mut watcher, &changes, Duration::from_millis(600)).is_empty(), "a deletion is not a save");
        std::fs::write(&file, "fn a() {}").unwrap();
        assert_eq!(saves_within(&mut watcher, &changes, Duration::from_millis(1000)), vec![OsString::from("w1d1_x.rs")]);
    }

    #[test]
    fn the_tutors_own_writes_are_not_saves() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w1d1_x.rs");
        std::fs::write(&file, "fn learner() {}").unwrap();
        let (mut watcher, changes) = watch(dir.path());
        // What a reset does: back up the file, then put the starter in atomically.
        std::fs::copy(&file, dir.path().join("w1d1_x.rs.bak-1")).unwrap();
        nma_grader::workspace::write_atomically(&file, b"fn starter() { /* TODO */ }").unwrap();
        watcher.acknowledge(OsStr::new("w1d1_x.rs"));
        let saved = saves_within(&mut watcher, &changes, Duration::from_millis(800));
        assert!(!saved.contains(&OsString::from("w1d1_x.rs")), "{saved:?}");
        // The learner's next save still counts.
        std::fs::write(&file, "fn learner_again() {}").unwrap();
        assert!(saves_within(&mut watcher, &changes, Duration::from_millis(1000)).contains(&OsString::from("w1d1_x.rs")));
    }
}
