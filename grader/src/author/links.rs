//! Internal links of a lesson, and whether they resolve.
//!
//! Internal link forms (documented in docs/authoring.md):
//! - a relative path to another lesson, `../w1d2/gradient_descent.md`, optionally with a
//!   heading anchor `…md#the-chain-rule`, or `#anchor` alone for this lesson;
//! - `exercise:<id>`, e.g. `[try it](exercise:w1d2_narrow_net)`;
//! - a relative path to any other file (an image): it must exist.
//!
//! `http:`, `https:` and `mailto:` links are external and not fetched.

use super::content::LoadedLesson;
use super::{line_column, Location};
use crate::course::{split_front_matter, Lesson};
use pulldown_cmark::{BrokenLink, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

const EXTERNAL: [&str; 3] = ["http", "https", "mailto"];

/// How the lesson checks parse Markdown (the link check and the LaTeX check alike): with
/// tables, heading ids for anchors, and `$…$` math recognised as math.
pub(super) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_MATH
}

/// Every link problem in `lesson`: where, and what to do.
pub(super) fn check(
    root: &Path,
    lesson: &Lesson,
    exercises: &BTreeSet<String>,
    lessons: &[LoadedLesson],
) -> Vec<(Location, String)> {
    let body = lesson.body.as_str();
    let at = |offset: usize| {
        let (line, column) = line_column(body, offset);
        Location::at(&lesson.path, line + lesson.body_line - 1, column)
    };
    let mut problems = Vec::new();
    let mut broken = Vec::new();
    let mut callback = |link: BrokenLink| {
        // `[text]` alone is often not meant as a link (`a[i]`, `[batch, classes]`);
        // `[text][ref]` and `[text][]` always are.
        if matches!(link.link_type, LinkType::Reference | LinkType::Collapsed) {
            broken.push((link.span.start, link.reference.to_string()));
        }
        None
    };
    let parser = Parser::new_with_broken_link_callback(body, options(), Some(&mut callback));
    let own_anchors = anchors(body);
    let here = lesson.path.parent().unwrap_or(Path::new("."));
    for (event, range) in parser.into_offset_iter() {
        let (dest, image) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url.to_string(), false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url.to_string(), true),
            _ => continue,
        };
        if let Some(problem) = resolve(root, here, &dest, image, exercises, lessons, &own_anchors) {
            problems.push((at(range.start), problem));
        }
    }
    for (offset, reference) in broken {
        problems.push((at(offset), format!("link reference `[{reference}]` is not defined: add `[{reference}]: <target>` below the paragraph")));
    }
    problems.sort_by_key(|(l, _)| (l.line, l.column));
    problems
}

/// `None` when `dest` resolves; otherwise what is wrong with it.
fn resolve(
    root: &Path,
    here: &Path,
    dest: &str,
    image: bool,
    exercises: &BTreeSet<String>,
    lessons: &[LoadedLesson],
    own_anchors: &BTreeSet<String>,
) -> Option<String> {
    if dest.trim().is_empty() {
        return Some("the link has no target: write a relative path, `#anchor` or `exercise:<id>`".into());
    }
    if let Some((scheme, rest)) = dest.split_once(':') {
        let is_scheme = scheme.len() > 1 && scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-');
        if is_scheme {
            if EXTERNAL.contains(&scheme.to_ascii_lowercase().as_str()) {
                return None;
            }
            if scheme == "exercise" {
                return (!exercises.contains(rest)).then(|| {
                    format!("`{dest}` names no exercise: `{rest}` has no exercises/{rest}/exercise.toml")
                });
            }
            return Some(format!(
                "unknown link form `{scheme}:`: link lessons by relative path (`../w1d2/slug.md`), exercises as `exercise:<id>`, the web with https://"
            ));
        }
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    if path.is_empty() {
        let anchor = anchor.unwrap_or_default();
        return (!own_anchors.contains(anchor)).then(|| {
            format!("`#{anchor}` matches no heading in this lesson (anchors are headings in lowercase, spaces as `-`)")
        });
    }
    if path.starts_with('/') {
        return Some(format!("`{dest}` is an absolute path: write it relative to this lesson's folder"));
    }
    let target = normalize(&here.join(path));
    let shown = target.strip_prefix(root).unwrap_or(&target).display().to_string();
    if !target.exists() {
        let what = if image { "image" } else { "link target" };
        return Some(format!("{what} `{path}` does not exist (looked for {shown})"));
    }
    if target.extension().is_some_and(|e| e == "md") && !image {
        let Some(other) = lessons.iter().find(|l| normalize(&l.path) == target) else {
            return Some(format!(
                "`{path}` is a Markdown file but not a lesson ({shown}): lessons are lessons/<day>/<slug>.md"
            ));
        };
        if let Some(anchor) = anchor {
            let body = split_front_matter(&other.text).map(|(_, b, _)| b).unwrap_or(&other.text);
            if !anchors(body).contains(anchor) {
                return Some(format!("`#{anchor}` matches no heading in {shown}"));
            }
        }
    }
    None
}

/// Lexically resolves `.` and `..` (the target may not exist, so no canonicalize).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The anchors of a Markdown text's headings, as GitHub writes them: lowercase, spaces
/// to `-`, punctuation dropped, repeats numbered `-1`, `-2`; or the heading's own `{#id}`.
pub(super) fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut current: Option<(String, Option<String>)> = None;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                current = Some((String::new(), id.map(|i| i.to_string())));
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => {
                if let Some((text, _)) = &mut current {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((text, id)) = current.take() {
                    let base = id.unwrap_or_else(|| slug(&text));
                    let mut anchor = base.clone();
                    let mut n = 1;
                    while out.contains(&anchor) {
                        anchor = format!("{base}-{n}");
                        n += 1;
                    }
                    out.insert(anchor);
                }
            }
            _ => {}
        }
    }
    out
}

fn slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github() {
        let md = "# Tensors & shapes\n\n## The `matmul` rule\n\n## Tensors & shapes\n\n## Custom {#mine}\n\n```\n# not a heading\n```\n";
        let got: Vec<String> = anchors(md).into_iter().collect();
        assert_eq!(got, vec!["mine", "tensors--shapes", "tensors--shapes-1", "the-matmul-rule"]);
    }

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(normalize(Path::new("/c/lessons/w1d1/../w1d2/./x.md")), PathBuf::from("/c/lessons/w1d2/x.md"));
    }

    #[test]
    fn link_forms_are_resolved_or_explained() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("lessons/w1d1")).unwrap();
        std::fs::write(root.join("lessons/w1d1/notes.txt"), "x").unwrap();
        let exercises: BTreeSet<String> = ["w1d1_ops".to_string()].into();
        let anchors: BTreeSet<String> = ["intro".to_string()].into();
        let here = root.join("lessons/w1d1");
        let r = |dest: &str| resolve(root, &here, dest, false, &exercises, &[], &anchors);
        assert_eq!(r("https://neuromatch.io"), None);
        assert_eq!(r("exercise:w1d1_ops"), None);
        assert!(r("exercise:w1d1_nope").unwrap().contains("names no exercise"));
        assert_eq!(r("#intro"), None);
        assert!(r("#outro").unwrap().contains("matches no heading"));
        assert_eq!(r("notes.txt"), None);
        assert!(r("missing.md").unwrap().contains("does not exist"));
        assert!(r("/etc/passwd").unwrap().contains("absolute path"));
        assert!(r("lesson:w1d1/x").unwrap().contains("unknown link form"));
        assert!(r("").unwrap().contains("no target"));
    }
}
