//! What a submission may not contain, checked before it is built.
//!
//! The second line of the grading boundary; the first is that the learner's file is a
//! crate of its own (see `build`). Anything that reads files or the environment at
//! compile time (`include_str!`, `#[path]`, `env!`, …) could copy the tests or the
//! grader's secrets into the submission, and an exported macro would be visible to the
//! tests. `unsafe` is refused by the compiler (`unsafe_code` is forbidden on the
//! learner's crate); this check covers what the compiler allows.

/// A forbidden construct, located in the learner's file.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Identifiers refused anywhere outside strings and comments (a `use … as x` rename
/// would otherwise smuggle them past a check for `name!`).
const FORBIDDEN: &[(&str, &str)] = &[
    ("include_str", "`include_str!` reads files while compiling"),
    ("include_bytes", "`include_bytes!` reads files while compiling"),
    ("include", "`include!` reads files while compiling"),
    ("option_env", "`option_env!` reads the grader's environment while compiling"),
    // An exported macro is seen by the tests (they import the exercise's public items);
    // an exercise never needs one.
    ("macro_export", "`#[macro_export]` would put a macro into the tests' namespace"),
];

/// Scans `source` and returns every violation, in order.
pub fn check(source: &str) -> Vec<Violation> {
    let tokens = tokenize(source);
    let mut found = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).map(|t| t.text.as_str());
        let violation = |message: String| Violation { line: tok.line, column: tok.column, message };
        if let Some((_, why)) = FORBIDDEN.iter().find(|(name, _)| tok.text == *name) {
            found.push(violation(format!("{why}; it is not allowed in graded code")));
        } else if tok.text == "env" && (next == Some("!") || next == Some("as")) {
            // The `env!` macro, or renaming it (`use std::env as e;` then `e!`), reads the
            // grader's environment at compile time. A variable or module path named `env`
            // (`std::env::args()`, `let env = …`) is fine.
            found.push(violation("`env!` reads the grader's environment while compiling; it is not allowed in graded code (std::env::… functions are fine)".into()));
        } else if tok.text == "#" {
            let attr = if next == Some("!") { (tokens.get(i + 2), tokens.get(i + 3)) } else { (tokens.get(i + 1), tokens.get(i + 2)) };
            if let (Some(open), Some(name)) = attr {
                if open.text == "[" && name.text == "path" {
                    found.push(violation("`#[path]` loads other files as modules; it is not allowed in graded code".into()));
                }
            }
        } else if tok.text == "extern" && next == Some("crate") {
            found.push(violation("`extern crate` is not allowed in graded code; use the engine through `use nma_engine::…`".into()));
        }
    }
    found
}

#[derive(Debug)]
struct Token {
    text: String,
    line: usize,
    column: usize,
}

/// Identifiers and single punctuation characters, with comments, string, char and
/// byte literals skipped. Just enough of Rust's lexer for the check above.
fn tokenize(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize, n: usize| {
        for _ in 0..n {
            if *i < chars.len() {
                if chars[*i] == '\n' {
                    *line += 1;
                    *col = 1;
                } else {
                    *col += 1;
                }
                *i += 1;
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let at = |k: usize| chars.get(i + k).copied();
        if c == '/' && at(1) == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                advance(&mut i, &mut line, &mut col, 1);
            }
        } else if c == '/' && at(1) == Some('*') {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    advance(&mut i, &mut line, &mut col, 2);
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    advance(&mut i, &mut line, &mut col, 2);
                    if depth == 0 {
                        break;
                    }
                } else {
                    advance(&mut i, &mut line, &mut col, 1);
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            // r"…", r#"…"#, br"…": skip to the closing quote followed by the same hashes.
            let prefix = if c == 'b' { 2 } else { 1 };
            advance(&mut i, &mut line, &mut col, prefix + hashes + 1);
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    advance(&mut i, &mut line, &mut col, 1 + hashes);
                    break;
                }
                advance(&mut i, &mut line, &mut col, 1);
            }
        } else if c == '"' || (c == 'b' && at(1) == Some('"')) {
            advance(&mut i, &mut line, &mut col, if c == 'b' { 2 } else { 1 });
            while i < chars.len() && chars[i] != '"' {
                let step = if chars[i] == '\\' { 2 } else { 1 };
                advance(&mut i, &mut line, &mut col, step);
            }
            advance(&mut i, &mut line, &mut col, 1);
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): a literal closes within a few chars.
            let close = if at(1) == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')
            } else if at(2) == Some('\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(end) => {
                    let n = end + 1 - i;
                    advance(&mut i, &mut line, &mut col, n)
                }
                None => advance(&mut i, &mut line, &mut col, 1),
            }
        } else if c.is_alphabetic() || c == '_' {
            let (start_line, start_col) = (line, col);
            let mut text = String::new();
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                text.push(chars[i]);
                advance(&mut i, &mut line, &mut col, 1);
            }
            // Raw identifiers: r#include_str is include_str.
            if text == "r" && i < chars.len() && chars[i] == '#' && chars.get(i + 1).is_some_and(|c| c.is_alphabetic() || *c == '_') {
                advance(&mut i, &mut line, &mut col, 1);
                text.clear();
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    text.push(chars[i]);
                    advance(&mut i, &mut line, &mut col, 1);
                }
            }
            tokens.push(Token { text, line: start_line, column: start_col });
        } else if c.is_whitespace() || c.is_ascii_digit() {
            advance(&mut i, &mut line, &mut col, 1);
        } else {
            tokens.push(Token { text: c.to_string(), line, column: col });
            advance(&mut i, &mut line, &mut col, 1);
        }
    }
    tokens
}

/// At `r"`, `r#"`, `br"`, `br#"`: the number of `#`s.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    let mut k = i;
    if chars.get(k) == Some(&'b') {
        k += 1;
    }
    if chars.get(k) != Some(&'r') {
        return None;
    }
    // Part of a longer identifier (e.g. `bar"`)? Then not a raw string.
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    k += 1;
    let hashes = chars[k..].iter().take_while(|c| **c == '#').count();
    (chars.get(k + hashes) == Some(&'"')).then_some(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(source: &str) -> Vec<usize> {
        check(source).iter().map(|v| v.line).collect()
    }

    #[test]
    fn compile_time_file_access_is_found_however_it_is_spelled() {
        let src = "fn a() {\n    let s = include_str!(\"hidden.rs\");\n    let b = include_bytes !(\"x\");\n    let e = env!(\"HOME\");\n}\nuse std::include_str as sneaky;\n#[path = \"hidden.rs\"]\nmod h;\nextern crate libc;\nfn r() { r#include!(\"x\"); core::option_env!(\"X\"); }\n#![path=\"y\"]\nuse std::env as e;\nfn m() { env ! (\"Y\") }\n";
        assert_eq!(lines(src), vec![2, 3, 4, 6, 7, 9, 10, 10, 11, 12, 13]);
        let first = &check(src)[0];
        assert_eq!((first.line, first.column), (2, 13));
        assert!(first.message.contains("include_str!"));
    }

    #[test]
    fn ordinary_code_mentioning_these_words_in_strings_comments_or_paths_passes() {
        let src = r####"
// include_str!("hidden.rs") in a comment is harmless
/* nested /* include!() */ env!() */
fn ok(environment: usize) -> String {
    let args: Vec<String> = std::env::args().collect();
    let env = GridWorld::new(); // a learner's variable called env
    let _ = (env, use_it(&env));
    let a = "include_str!(\"x\") env!";
    let b = r#"include_bytes!("y") "quoted""#;
    let c = '"';
    let d = b"env!";
    let path = 3; // a variable called path is fine
    let lt: &'static str = "x";
    format!("{a}{b}{c}{d:?}{path}{lt}{}{}", args.len(), environment)
}
"####;
        assert_eq!(check(src), vec![]);
    }
}
