//! LaTeX in a lesson's prose. The tutor's reader is a terminal: it prints `\frac{a}{b}`,
//! `W_{ih}` or `$x^2$` as their source, so lessons write formulas in Unicode
//! (`σ(W·x + b)`, `h ⊙ c`, `∑ᵢ xᵢ²`). This finds what would reach the reader as LaTeX:
//!
//! - a backslash command, `\tanh`, `\odot`, `\mathbf`, … (any `\` followed by letters);
//! - a braced subscript or superscript, `_{…}` or `^{…}`;
//! - math, `$…$` or `$$…$$` (and a stray `$$`).
//!
//! Only prose is searched: fenced and indented code blocks, inline code and HTML are not,
//! so a Rust string with `"\n"` in a code block, or `` `\frac` `` written as code to name
//! the command, is fine.

use super::{line_column, Location};
use crate::course::Lesson;
use super::links::options;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

/// One piece of LaTeX: where it starts in the body (a byte offset) and what it is.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    offset: usize,
    /// As written, e.g. `\tanh`, `_{ih}`, `$x^2$` (shortened when long).
    text: String,
    /// What to write instead, when there is an obvious Unicode spelling.
    instead: Option<String>,
}

/// Every line of `lesson` with LaTeX: where (the first piece on the line) and a message
/// naming each piece and what to write instead.
pub(super) fn check(lesson: &Lesson) -> Vec<(Location, String)> {
    let body = lesson.body.as_str();
    let mut by_line: BTreeMap<usize, (usize, Vec<Found>)> = BTreeMap::new();
    for found in find(body) {
        let (line, column) = line_column(body, found.offset);
        by_line.entry(line).or_insert((column, Vec::new())).1.push(found);
    }
    by_line
        .into_iter()
        .map(|(line, (column, found))| {
            let pieces: Vec<String> = found
                .iter()
                .map(|f| match &f.instead {
                    Some(u) => format!("`{}` (write {u})", f.text),
                    None => format!("`{}`", f.text),
                })
                .collect();
            let detail = format!(
                "LaTeX in the text: {} — the reader prints LaTeX as source; write the formula in Unicode (σ, ⊙, ∑, ·, ᵀ, √, xᵢ, x²) or put it in `code`",
                pieces.join(", ")
            );
            (Location::at(&lesson.path, line + lesson.body_line - 1, column), detail)
        })
        .collect()
}

/// Every piece of LaTeX in the prose of `body`, in order.
fn find(body: &str) -> Vec<Found> {
    let mut found = Vec::new();
    // Consecutive text events (the parser splits text at `_`, `[`, entities, …) are joined
    // before searching, so `W_{ih}` is seen whole; each piece keeps its source offset.
    let mut run: Vec<(String, usize)> = Vec::new();
    let mut in_code_block = 0usize;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Text(text) if in_code_block == 0 => {
                run.push((text.into_string(), range.start));
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => in_code_block += 1,
            Event::End(TagEnd::CodeBlock) => in_code_block = in_code_block.saturating_sub(1),
            Event::InlineMath(math) => found.push(math_found(&format!("${math}$"), range.start)),
            Event::DisplayMath(math) => found.push(math_found(&format!("$${math}$$"), range.start)),
            _ => {}
        }
        found.extend(search_run(&std::mem::take(&mut run)));
    }
    found.extend(search_run(&run));
    found.sort_by_key(|f| f.offset);
    found
}

fn math_found(source: &str, offset: usize) -> Found {
    Found { offset, text: shorten(source), instead: None }
}

/// `text` cut to about 30 characters, for a message.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 30 {
        one_line
    } else {
        format!("{}…", one_line.chars().take(29).collect::<String>())
    }
}

/// LaTeX in one run of prose text: `(text, source offset)` pieces, in order.
fn search_run(run: &[(String, usize)]) -> Vec<Found> {
    if run.is_empty() {
        return Vec::new();
    }
    let joined: String = run.iter().map(|(t, _)| t.as_str()).collect();
    // Where each piece starts in `joined`, to map an index back to the source.
    let mut starts = Vec::with_capacity(run.len());
    let mut at = 0;
    for (text, _) in run {
        starts.push(at);
        at += text.len();
    }
    let source = |i: usize| {
        let piece = starts.partition_point(|&s| s <= i) - 1;
        run[piece].1 + (i - starts[piece])
    };
    let bytes = joined.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let name: String = joined[i + 1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
                if !name.is_empty() {
                    found.push(Found { offset: source(i), text: format!("\\{name}"), instead: unicode_for(&name).map(str::to_string) });
                    i += 1 + name.len();
                    continue;
                }
            }
            b'_' | b'^' if bytes.get(i + 1) == Some(&b'{') => {
                let close = joined[i..].find('}').map(|c| i + c + 1).unwrap_or(joined.len());
                let text = &joined[i..close];
                let instead = if bytes[i] == b'_' {
                    "a Unicode subscript (xᵢ, W₁) or words: \"the sum over every k ≠ i\""
                } else {
                    "a Unicode superscript (x², eˣ, Wᵀ) or x^(n+1)"
                };
                found.push(Found { offset: source(i), text: shorten(text), instead: Some(instead.to_string()) });
                i = close;
                continue;
            }
            b'$' if bytes.get(i + 1) == Some(&b'$') => {
                found.push(Found { offset: source(i), text: "$$".into(), instead: None });
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The Unicode (or plain) spelling of a common LaTeX command.
fn unicode_for(command: &str) -> Option<&'static str> {
    Some(match command {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "Gamma" => "Γ",
        "delta" => "δ",
        "Delta" => "Δ",
        "epsilon" | "varepsilon" => "ε",
        "eta" => "η",
        "theta" => "θ",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "pi" => "π",
        "rho" => "ρ",
        "sigma" => "σ",
        "Sigma" => "Σ",
        "tau" => "τ",
        "phi" | "varphi" => "φ",
        "psi" => "ψ",
        "omega" => "ω",
        "Omega" => "Ω",
        "odot" => "⊙",
        "otimes" => "⊗",
        "cdot" => "·",
        "times" => "×",
        "sum" => "∑",
        "prod" => "∏",
        "int" => "∫",
        "sqrt" => "√",
        "nabla" => "∇",
        "partial" => "∂",
        "infty" => "∞",
        "leq" | "le" => "≤",
        "geq" | "ge" => "≥",
        "neq" | "ne" => "≠",
        "approx" => "≈",
        "sim" => "~",
        "propto" => "∝",
        "in" => "∈",
        "to" | "rightarrow" => "→",
        "leftarrow" | "gets" => "←",
        "ldots" | "dots" | "cdots" => "…",
        "top" | "intercal" => "ᵀ",
        "mid" => "|",
        "frac" => "a / b",
        "tanh" => "tanh",
        "exp" => "exp",
        "log" => "log",
        "max" => "max",
        "min" => "min",
        "mathbf" | "boldsymbol" | "mathrm" | "text" | "operatorname" => "plain letters",
        "mathbb" => "ℝ, ℕ, 𝔼",
        "hat" => "x̂",
        "left" | "right" => "the bracket alone",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::LessonMeta;
    use std::path::PathBuf;

    fn texts(body: &str) -> Vec<String> {
        find(body).into_iter().map(|f| f.text).collect()
    }

    fn lesson(body: &str) -> Lesson {
        Lesson {
            id: "w1d1/x".into(),
            meta: LessonMeta { title: "x".into(), day: "W1D1".into(), order: 1, exercises: Vec::new() },
            path: PathBuf::from("lessons/w1d1/x.md"),
            body: body.into(),
            body_line: 7,
        }
    }

    #[test]
    fn backslash_commands_in_prose_are_found() {
        let body = "# Gates\n\nThe cell is h = o \\odot \\tanh(c), with \\frac{1}{2} and \\sum_i \\sigma.\n\nAlso \\mathbf{W} \\cdot x.\n";
        assert_eq!(texts(body), ["\\odot", "\\tanh", "\\frac", "\\sum", "\\sigma", "\\mathbf", "\\cdot"]);
        assert_eq!(unicode_for("odot"), Some("⊙"));
        assert_eq!(unicode_for("notacommand"), None);
    }

    #[test]
    fn braced_subscripts_and_superscripts_are_found_even_when_the_parser_splits_the_text() {
        assert_eq!(texts("The weights W_{ih} and W_{hh}, and x^{t+1}.\n"), ["_{ih}", "_{hh}", "^{t+1}"]);
        // Emphasis and links split text events; a subscript next to them is still found.
        assert_eq!(texts("*gate* i_{t} and [a link](#x) W_{xh}\n"), ["_{t}", "_{xh}"]);
    }

    #[test]
    fn math_with_dollars_is_found() {
        assert_eq!(texts("Inline $x^2 + y$ here.\n\n$$\na = b\n$$\n"), ["$x^2 + y$", "$$ a = b $$"]);
        // Prices are not math: the parser does not pair `$5 and $`.
        assert!(texts("It costs $5 and $10 a month.\n").is_empty());
    }

    #[test]
    fn code_blocks_inline_code_and_unicode_formulas_are_not_flagged() {
        let body = "\
The update is h = o ⊙ tanh(c), with σ(W·x + b) and ∑ᵢ xᵢ², Wᵀ, x_1 and a_b.

Write `\\frac{a}{b}` in LaTeX, or `W_{ih}`; here is a $5 note.

```rust
let s = \"line\\n\\tindented\"; // a Rust string: \\n is an escape, not LaTeX
let w_{ih} = 0; // (not Rust, but code all the same)
```

    indented code \\sum_{i} too
";
        assert_eq!(texts(body), Vec::<String>::new());
    }

    #[test]
    fn problems_are_reported_per_line_at_the_file_line_with_what_to_write() {
        // The body starts on line 7 of the file, so its line 4 is the file's line 10.
        let body = "# T\n\nOk line.\nThe gate \\odot and W_{ih} here.\n\nThen $a$.\n";
        let problems = check(&lesson(body));
        assert_eq!(problems.len(), 2, "{problems:#?}");
        let (at, detail) = &problems[0];
        assert_eq!((at.line, at.column), (Some(10), Some(10)));
        assert!(detail.contains("`\\odot` (write ⊙)") && detail.contains("`_{ih}`"), "{detail}");
        assert!(detail.contains("Unicode"), "{detail}");
        assert_eq!(problems[1].0.line, Some(12));
        assert!(problems[1].1.contains("`$a$`"), "{}", problems[1].1);
        assert!(check(&lesson("# Plain\n\nσ(x) = 1 / (1 + e⁻ˣ)\n")).is_empty());
    }
}
