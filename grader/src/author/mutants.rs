//! Mutants of a reference solution: the same file with one small change — an operator
//! swapped, a comparison flipped, a constant off by one, a boolean negated. A test suite
//! that lets a mutant pass does not look at that part of the answer. (Some mutants mean
//! the same thing as the original; the report is for an author to read, not a gate.)
//!
//! Written here rather than taken from cargo-mutants: that tool mutates a crate in its own
//! build and runs `cargo test`; ours must go through the grader (two crates, pinned
//! signatures, hidden tests, limits), and the source scan it needs is small.

/// One mutant: the whole mutated source, and where and what was changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Mutant {
    pub line: usize,
    /// `+ → -`, `0.5 → 1.5`, …
    pub change: String,
    pub source: String,
}

/// Binary operators, written with a space on each side as rustfmt does (which keeps
/// generics' `<` `>` and unary `-` out), and what each becomes.
const SWAPS: &[(&str, &str)] = &[
    (" + ", " - "),
    (" - ", " + "),
    (" * ", " / "),
    (" / ", " * "),
    (" <= ", " < "),
    (" >= ", " > "),
    (" < ", " <= "),
    (" > ", " >= "),
    (" == ", " != "),
    (" != ", " == "),
    (" && ", " || "),
    (" || ", " && "),
    (" += ", " -= "),
    (" -= ", " += "),
];

/// Every mutant of `source`, in source order. Comments, string literals and declaration
/// lines (whose types the grader pins, so a change there only fails to build) are left alone.
pub fn mutants(source: &str) -> Vec<Mutant> {
    let mut code = code_mask(source);
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let public = trimmed.starts_with("pub ");
        let head = trimmed.strip_prefix("pub ").unwrap_or(trimmed);
        let pinned = public && ["const ", "static "].iter().any(|kw| head.starts_with(kw));
        if pinned || ["fn ", "struct ", "type ", "use ", "#["].iter().any(|kw| head.starts_with(kw)) {
            code[start..start + line.len()].iter_mut().for_each(|c| *c = false);
        }
        start += line.len();
    }
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let line_of = |at: usize| source[..at].matches('\n').count() + 1;
    let mut at = 0;
    while at < bytes.len() {
        if !code[at] {
            at += 1;
            continue;
        }
        if let Some((from, to)) = SWAPS.iter().find(|(from, _)| source[at..].starts_with(from) && (at..at + from.len()).all(|i| code[i])) {
            found.push(Mutant {
                line: line_of(at),
                change: format!("`{}` → `{}`", from.trim(), to.trim()),
                source: format!("{}{to}{}", &source[..at], &source[at + from.len()..]),
            });
            // The next site starts at the operator's trailing space (`a + b - c`).
            at += from.len() - 1;
            continue;
        }
        let starts_word = at == 0 || !is_word(bytes[at - 1]);
        if starts_word && bytes[at].is_ascii_digit() {
            let end = (at..bytes.len()).find(|&i| !(is_word(bytes[i]) || bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))).unwrap_or(bytes.len());
            let literal = &source[at..end];
            if let Some(changed) = off_by_one(literal) {
                found.push(Mutant {
                    line: line_of(at),
                    change: format!("`{literal}` → `{changed}`"),
                    source: format!("{}{changed}{}", &source[..at], &source[end..]),
                });
            }
            at = end;
            continue;
        }
        if starts_word {
            for (word, other) in [("true", "false"), ("false", "true")] {
                let end = at + word.len();
                if source[at..].starts_with(word) && !bytes.get(end).copied().is_some_and(is_word) {
                    found.push(Mutant {
                        line: line_of(at),
                        change: format!("`{word}` → `{other}`"),
                        source: format!("{}{other}{}", &source[..at], &source[end..]),
                    });
                }
            }
        }
        at += 1;
    }
    found
}

/// Up to `count` of `all`, spread evenly over the file, in order.
pub fn sample(all: Vec<Mutant>, count: usize) -> Vec<Mutant> {
    if all.len() <= count {
        return all;
    }
    let step = all.len() as f64 / count as f64;
    (0..count).map(|k| all[(k as f64 * step) as usize].clone()).collect()
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A number literal one more than itself (a float plus 1.0), keeping its suffix.
fn off_by_one(literal: &str) -> Option<String> {
    let digits_end = literal.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_')).unwrap_or(literal.len());
    let (number, suffix) = literal.split_at(digits_end);
    let plain = number.replace('_', "");
    if plain.contains('.') {
        let value: f64 = plain.parse().ok()?;
        let mut text = format!("{}", value + 1.0);
        if !text.contains('.') {
            text.push_str(".0");
        }
        Some(format!("{text}{suffix}"))
    } else {
        let value: u128 = plain.parse().ok()?;
        Some(format!("{}{suffix}", value + 1))
    }
}

/// For each byte: whether it is code (not a comment, string or char literal).
fn code_mask(source: &str) -> Vec<bool> {
    let bytes = source.as_bytes();
    let mut mask = vec![true; bytes.len()];
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let skip_to = if rest.starts_with(b"//") {
            rest.iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| i + n)
        } else if rest.starts_with(b"/*") {
            source[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2)
        } else if rest[0] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(bytes.len())
        } else if rest[0] == b'\'' && rest.get(2) == Some(&b'\'') {
            i + 3
        } else if rest[0] == b'\'' && rest.get(1) == Some(&b'\\') {
            source[i + 2..].find('\'').map_or(bytes.len(), |n| i + 2 + n + 1)
        } else {
            i += 1;
            continue;
        };
        mask[i..skip_to].iter_mut().for_each(|m| *m = false);
        i = skip_to;
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_constants_and_booleans_are_mutated_one_at_a_time() {
        let source = "// a + b in a comment\nfn f(x: Vec<f32>, n: usize) -> f32 {\n    let s = \"1 + 2\";\n    if n >= 2 && true { x[0] * 0.5 - 1e-3 } else { -x[1] }\n}\n";
        let found = mutants(source);
        let changes: Vec<&str> = found.iter().map(|m| m.change.as_str()).collect();
        for expected in ["`>=` → `>`", "`2` → `3`", "`&&` → `||`", "`true` → `false`", "`*` → `/`", "`0.5` → `1.5`", "`-` → `+`"] {
            assert!(changes.contains(&expected), "{expected} in {changes:?}");
        }
        assert!(found.iter().all(|m| m.line == 4), "comments, strings, declarations and generics are left alone: {found:?}");
        assert!(!changes.contains(&"`+` → `-`"), "the `+` in a comment and in a string stay: {changes:?}");
        let flipped = &found.iter().find(|m| m.change == "`>=` → `>`").unwrap().source;
        assert!(flipped.contains("if n > 2 && true"), "{flipped}");
        assert_eq!(flipped.len() + 1, source.len());
    }

    #[test]
    fn literals_keep_their_suffix_and_samples_spread_over_the_file() {
        assert_eq!(off_by_one("3usize").as_deref(), Some("4usize"));
        assert_eq!(off_by_one("0.25f32").as_deref(), Some("1.25f32"));
        assert_eq!(off_by_one("1_000").as_deref(), Some("1001"));
        let all: Vec<Mutant> = (0..10).map(|line| Mutant { line, change: String::new(), source: String::new() }).collect();
        let lines: Vec<usize> = sample(all, 4).iter().map(|m| m.line).collect();
        assert_eq!(lines, [0, 2, 5, 7]);
    }
}
