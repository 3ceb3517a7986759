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
//! A file deleted and created again (some editors save that way, and so does `git
//! checkout`) counts as saved once it is back. The tutor's own writes (a reset) are
//! [`SaveWatcher::acknowledge`]d so they are not graded as if the learner had saved.

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{new_debouncer, DebounceEventResult, DebouncedEventKind, Debouncer};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, SystemTime};

const DEBOUNCE: Duration = Duration::from_millis(200);

/// What identifies one saved version of a file without reading it.
type Stamp = (Option<SystemTime>, u64);

pub struct SaveWatcher {
    // Dropping the debouncer stops the watch, so it lives as long as the watcher.
    _debouncer: Debouncer<RecommendedWatcher>,
    events: Receiver<DebounceEventResult>,
    dir: PathBuf,
    stamps: HashMap<OsString, Stamp>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| (meta.modified().ok(), meta.len()))
}

impl SaveWatcher {
    /// Watches `dir` (not recursively). Files already there count as seen.
    pub fn start(dir: &Path) -> notify_debouncer_mini::notify::Result<SaveWatcher> {
        let (tx, events) = channel();
        let mut debouncer = new_debouncer(DEBOUNCE, tx)?;
        debouncer.watcher().watch(dir, RecursiveMode::NonRecursive)?;
        let mut stamps = HashMap::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                if let Some(s) = stamp(&entry.path()) {
                    stamps.insert(entry.file_name(), s);
                }
            }
        }
        Ok(SaveWatcher { _debouncer: debouncer, events, dir: dir.to_path_buf(), stamps })
    }

    /// Names of the files saved since the last call (never blocks). `Err` carries a
    /// watcher problem to show; saves found alongside it are still returned next time.
    pub fn saved_files(&mut self) -> Result<Vec<OsString>, String> {
        let mut saved = Vec::new();
        while let Ok(batch) = self.events.try_recv() {
            let events = batch.map_err(|e| e.to_string())?;
            for event in events {
                // `AnyContinuous` means writes are still going on; the final `Any` follows.
                if event.kind != DebouncedEventKind::Any {
                    continue;
                }
                let Some(name) = event.path.file_name() else { continue };
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
        }
        Ok(saved)
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
    use std::time::Instant;

    /// Collects saves until `deadline` passes.
    fn saves_within(watcher: &mut SaveWatcher, wait: Duration) -> Vec<OsString> {
        let deadline = Instant::now() + wait;
        let mut all = Vec::new();
        while Instant::now() < deadline {
            all.extend(watcher.saved_files().unwrap());
            std::thread::sleep(Duration::from_millis(20));
        }
        all
    }

    #[test]
    fn writes_and_rename_saves_count_once_and_reads_do_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w1d1_x.rs");
        std::fs::write(&file, "fn a() {}").unwrap();
        let mut watcher = SaveWatcher::start(dir.path()).unwrap();

        // A burst of writes, as some editors do, is one save.
        std::fs::write(&file, "fn b() {}").unwrap();
        std::fs::write(&file, "fn bb() {}").unwrap();
        assert_eq!(saves_within(&mut watcher, Duration::from_millis(1000)), vec![OsString::from("w1d1_x.rs")]);

        // Reading (the grader does) is not a save.
        let _ = std::fs::read_to_string(&file).unwrap();
        assert!(saves_within(&mut watcher, Duration::from_millis(600)).is_empty());

        // vim-style: write a new file, rename it over the old one.
        let tmp = dir.path().join(".w1d1_x.rs.swp");
        std::fs::write(&tmp, "fn c() { /* longer */ }").unwrap();
        std::fs::rename(&tmp, &file).unwrap();
        assert_eq!(saves_within(&mut watcher, Duration::from_millis(1000)), vec![OsString::from("w1d1_x.rs")]);
    }

    #[test]
    fn a_file_deleted_and_created_again_is_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w1d1_x.rs");
        std::fs::write(&file, "fn a() {}").unwrap();
        let mut watcher = SaveWatcher::start(dir.path()).unwrap();
        std::fs::remove_file(&file).unwrap();
        assert!(saves_within(&mut watcher, Duration::from_millis(600)).is_empty(), "a deletion is not a save");
        std::fs::write(&file, "fn a() {}").unwrap();
        assert_eq!(saves_within(&mut watcher, Duration::from_millis(1000)), vec![OsString::from("w1d1_x.rs")]);
    }

    #[test]
    fn the_tutors_own_writes_are_not_saves() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("w1d1_x.rs");
        std::fs::write(&file, "fn learner() {}").unwrap();
        let mut watcher = SaveWatcher::start(dir.path()).unwrap();
        // What a reset does: back up the file, then put the starter in atomically.
        std::fs::copy(&file, dir.path().join("w1d1_x.rs.bak-1")).unwrap();
        nma_grader::workspace::write_atomically(&file, b"fn starter() { /* TODO */ }").unwrap();
        watcher.acknowledge(OsStr::new("w1d1_x.rs"));
        let saved = saves_within(&mut watcher, Duration::from_millis(800));
        assert!(!saved.contains(&OsString::from("w1d1_x.rs")), "{saved:?}");
        // The learner's next save still counts.
        std::fs::write(&file, "fn learner_again() {}").unwrap();
        assert!(saves_within(&mut watcher, Duration::from_millis(1000)).contains(&OsString::from("w1d1_x.rs")));
    }
}
