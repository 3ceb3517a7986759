//! Where the course and the learner's workspace are, resolved once at start-up.

use anyhow::{Context as _, Result};
use nma_grader::workspace::OpenReport;
use nma_grader::{BuildPaths, Course, Workspace};
use std::path::{Path, PathBuf};

/// Everything a command or the TUI needs to find files.
#[derive(Debug, Clone)]
pub struct Context {
    pub course: Course,
    pub workspace: Workspace,
    pub build: BuildPaths,
}

/// The course this binary was built from: the repository that holds `tui/`.
pub fn default_course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The learner's workspace: `<course>/workspace` unless told otherwise.
pub fn default_workspace_root(course_root: &Path) -> PathBuf {
    course_root.join("workspace")
}

impl Context {
    /// `course` and `workspace` come from flags or environment (`NMA_COURSE`,
    /// `NMA_WORKSPACE`), else the defaults above.
    pub fn open(
        course: Option<PathBuf>,
        workspace: Option<PathBuf>,
        build_dir: Option<PathBuf>,
    ) -> Result<(Context, OpenReport)> {
        let course_root = course.unwrap_or_else(default_course_root);
        let course = Course::load(&course_root)
            .with_context(|| format!("cannot load the course from {}", course_root.display()))?;
        let workspace_root = workspace.unwrap_or_else(|| default_workspace_root(&course.root));
        let (workspace, report) = Workspace::open(&workspace_root, &course)?;
        let build = match build_dir {
            Some(dir) => BuildPaths::under(&dir),
            None => BuildPaths::for_course(&course),
        };
        Ok((Context { course, workspace, build }, report))
    }
}
