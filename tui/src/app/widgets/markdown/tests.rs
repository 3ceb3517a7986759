//! Lessons rendered to lines: each Markdown construct, wrapping, and code highlighting.

use super::*;

fn text(markdown: &str, width: u16) -> Vec<String> {
    render(markdown, width).iter().map(|l| plain(l).trim_end().to_string()).collect()
}

#[test]
fn paragraphs_wrap_and_are_separated_by_one_blank_line() {
    let lines = text("The quick brown fox jumps over the lazy dog again.\n\nSecond.", 24);
    assert_eq!(lines, vec!["The quick brown fox", "jumps over the lazy dog", "again.", "", "Second."]);
}

#[test]
fn nested_and_numbered_lists_keep_hanging_indents() {
    let lines =
        text("1. first item wraps onto a second line\n2. second\n   - nested\n   - more\n3. third\n\nAfter.", 24);
    assert_eq!(
        lines,
        vec![
            "1. first item wraps onto",
            "   a second line",
            "2. second",
            "   ◦ nested",
            "   ◦ more",
            "3. third",
            "",
            "After."
        ]
    );
}

#[test]
fn links_show_their_url_and_math_loses_its_dollars() {
    let lines = text("See [the docs](https://example.org) for $σ(x) = 1/(1+e⁻ˣ)$.", 80);
    assert_eq!(lines, vec!["See the docs (https://example.org) for σ(x) = 1/(1+e⁻ˣ)."]);
    let rendered = render("Loss $L$ here.", 80);
    let math = rendered[0].spans.iter().find(|s| s.content == "L").expect("math span");
    assert_eq!(math.style, math_style());
}

#[test]
fn quotes_rules_tables_and_code() {
    let md = "> quoted\n\n---\n\n| a | long header |\n|---|---:|\n| x | 1 |\n\n```rust\nlet x = 1;\n```\n";
    let lines = text(md, 40);
    assert_eq!(
        lines,
        vec![
            "▌ quoted",
            "",
            &"─".repeat(40),
            "",
            " a │ long header",
            "───┼─────────────",
            " x │           1",
            "",
            "╭ rust",
            "│ let x = 1;"
        ]
    );
}

#[test]
fn wide_tables_wrap_their_cells_to_fit() {
    let md = "| name | description |\n|---|---|\n| a | a very long description that cannot fit on one line |\n";
    for line in render(md, 30) {
        assert!(line.width() <= 30, "{:?} is {} wide", plain(&line), line.width());
    }
    let lines = text(md, 30);
    assert_eq!(
        lines[2..],
        [" a    │ a very long", "      │ description that", "      │ cannot fit on one", "      │ line"]
    );
}

#[test]
fn long_words_are_cut_rather_than_overflowing() {
    let lines = wrap(&[Span::raw("abcdefghij klm")], 4);
    let lines: Vec<String> = lines.iter().map(|l| l.iter().map(|s| s.content.as_ref()).collect()).collect();
    assert_eq!(lines, vec!["abcd", "efgh", "ij", "klm"]);
}
