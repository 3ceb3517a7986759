//! The engine's modules depend only downward (ARCHITECTURE.md draws the layers): no
//! module reaches, through `crate::` paths in its non-test code, a module that reaches
//! back to it. Read from the source, so a new import that closes a cycle fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The module a source file belongs to: its top-level module, or `nn::<file>`
/// inside `nn/` (the layers on top are separate modules there).
fn module_of(relative: &Path) -> String {
    let parts: Vec<String> = relative.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
    match parts.as_slice() {
        [nn, file] if nn == "nn" && file != "mod" => format!("nn::{file}"),
        [first, ..] => first.clone(),
        [] => unreachable!(),
    }
}

/// The file's text without `#[cfg(test)] mod tests` blocks at its end and without comments.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn collect(dir: &Path, root: &Path, files: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, root, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap();
            let name = relative.file_stem().unwrap().to_string_lossy();
            if name == "lib" || name == "tests" || name == "internal_tests" {
                continue;
            }
            files.push((module_of(relative), code_of(&std::fs::read_to_string(&path).unwrap())));
        }
    }
}

/// Every module and the modules its code names through `crate::`.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let nn_files: BTreeSet<String> = files.iter().filter_map(|(m, _)| m.strip_prefix("nn::").map(str::to_string)).collect();
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in &files {
        let entry = deps.entry(module.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let path: Vec<&str> = code[at + 7..].split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).next().unwrap().split("::").collect();
            let target = match path.as_slice() {
                ["nn", file, ..] if nn_files.contains(*file) => format!("nn::{file}"),
                [first, ..] => first.to_string(),
                [] => continue,
            };
            if !target.is_empty() && &target != module {
                entry.insert(target);
            }
        }
    }
    deps
}

/// A cycle through `start`, if there is one: the path back to it.
fn cycle_through(start: &str, deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in deps.get(&at).into_iter().flatten() {
            if next == start {
                return Some([path.clone(), vec![start.to_string()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), [path.clone(), vec![next.clone()]].concat()));
            }
        }
    }
    None
}

#[test]
fn no_module_of_the_engine_depends_on_itself_through_others() {
    let deps = dependencies();
    assert!(deps.len() > 20, "the source was not read: {:?}", deps.keys());
    assert!(deps["tensor"].contains("realize") && deps["realize"].contains("cpu"), "the reading misses known imports: {deps:?}");
    let cycles: Vec<String> = deps.keys().filter_map(|m| cycle_through(m, &deps)).map(|c| c.join(" → ")).collect();
    assert!(cycles.is_empty(), "module cycles (a lower layer imports a higher one):\n{}", cycles.join("\n"));
}

#[test]
fn the_reading_finds_a_cycle_when_there_is_one() {
    let mut deps = dependencies();
    deps.get_mut("view").unwrap().insert("tensor".into());
    assert!(cycle_through("view", &deps).is_some(), "view → tensor → view should be a cycle");
}
