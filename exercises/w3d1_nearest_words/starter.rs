//! W3D1 — reading an embedding table: cosine similarity, nearest words, analogies.
use nma_engine::prelude::*;

/// The cosine similarity of every pair of rows of `table` ([V, D]), as [V, V]:
/// rᵢ·rⱼ / (‖rᵢ‖ ‖rⱼ‖). A row of zeros has no direction: its similarity with every row,
/// itself included, is 0.
pub fn cosine_similarities(table: &Tensor) -> Tensor {
    // TODO: scale every row to length 1 (leaving a zero row at zero), then take all the
    // dot products at once. This placeholder returns the raw dot products.
    table.matmul(&table.t())
}

/// The `k` words most similar to `word` by cosine similarity, most similar first, never
/// `word` itself. Equal similarities: the lower id first. Fewer than `k` other words: all.
pub fn nearest(table: &Tensor, word: usize, k: usize) -> Vec<usize> {
    // TODO: read `word`'s row of the similarities and sort the other ids by it.
    // This placeholder returns the first k ids.
    let _ = word;
    (0..table.shape()[0]).take(k).collect()
}

/// a − b + c: the word x, other than a, b and c, with the highest
/// cos(x, a) − cos(x, b) + cos(x, c) — the same ranking as the cosine of x with â − b̂ + ĉ,
/// the sum of the three rows scaled to length 1. Equal scores: the lower id. The table
/// has at least four rows.
pub fn analogy(table: &Tensor, a: usize, b: usize, c: usize) -> usize {
    // TODO: score every word that is not a, b or c, and return the best.
    // This placeholder returns c.
    let _ = (table, a, b);
    c
}
