//! Pieces the screens draw with: a scrollable, searchable reader, the training chart,
//! Markdown and Rust rendered to lines, and the styles and footers they share.

pub mod chart;
pub mod highlight;
pub mod markdown;
pub mod reader;
pub mod styles;
