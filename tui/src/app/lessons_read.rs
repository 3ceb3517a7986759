//! Which lessons the learner has read to the end, kept in the workspace beside
//! `progress.json` (which records only graded exercises) as `lessons-read.json`.
//!
//! It only steers the map's "next step", so a file that cannot be read is reported and
//! replaced by an empty list at the next save, never a reason to stop.

use anyhow::Result;
use nma_grader::workspace::write_atomically;
use nma_grader::Workspace;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn path(workspace: &Workspace) -> PathBuf {
    workspace.root.join("lessons-read.json")
}

/// The lessons read, and a problem to show if the file was there but unreadable.
pub fn load(workspace: &Workspace) -> (BTreeSet<String>, Option<String>) {
    let path = path(workspace);
    match std::fs::read_to_string(&path) {
        Ok(text) => match serde_json::from_str(&text) {
            Ok(read) => (read, None),
            Err(e) => (
                BTreeSet::new(),
                Some(format!("{} is not valid ({e}); the lessons you read will be counted afresh.", path.display())),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (BTreeSet::new(), None),
        Err(e) => (BTreeSet::new(), Some(format!("cannot read {}: {e}", path.display()))),
    }
}

pub fn save(workspace: &Workspace, read: &BTreeSet<String>) -> Result<()> {
    write_atomically(&path(workspace), serde_json::to_string_pretty(read)?.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reports_a_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace { root: dir.path().to_path_buf() };
        assert_eq!(load(&workspace), (BTreeSet::new(), None));
        let read: BTreeSet<String> = ["w1d1/tensors".to_string()].into();
        save(&workspace, &read).unwrap();
        assert_eq!(load(&workspace), (read, None));
        std::fs::write(path(&workspace), "{oops").unwrap();
        let (read, problem) = load(&workspace);
        assert!(read.is_empty());
        assert!(problem.unwrap().contains("not valid"));
    }
}
