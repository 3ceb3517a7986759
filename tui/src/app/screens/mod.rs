//! The tutor's screens. Each owns its state, takes its keys (as actions from `keys.rs`)
//! and draws itself; what it cannot do alone (open another screen, quit) it asks of the
//! app with a `Reply` (`tutor.rs`), and what reaches outside, with effects.

pub mod exercise;
pub mod help;
pub mod lesson;
pub mod map;
pub mod solution;
mod verdict;
