// Lets a, b or c be the answer of the analogy, and c (or a) usually is.
use nma_engine::prelude::*;

/// The cosine similarity of every pair of rows of `table` ([V, D]), as [V, V]:
/// rᵢ·rⱼ / (‖rᵢ‖ ‖rⱼ‖). A row of zeros has no direction: its similarity with every row,
/// itself included, is 0.
pub fn cosine_similarities(table: &Tensor) -> Tensor {
    let lengths = (table * table).sum_dim(1, true).sqrt(); // [V, 1]
    // A zero row divided by a tiny number stays a zero row.
    let unit = table / lengths.maximum(1e-12);
    unit.matmul(&unit.t())
}

/// The `k` words most similar to `word` by cosine similarity, most similar first, never
/// `word` itself. Equal similarities: the lower id first. Fewer than `k` other words: all.
pub fn nearest(table: &Tensor, word: usize, k: usize) -> Vec<usize> {
    let v = table.shape()[0];
    let sims = cosine_similarities(table).to_vec();
    let row = &sims[word * v..(word + 1) * v];
    let mut others: Vec<usize> = (0..v).filter(|&j| j != word).collect();
    // A stable sort from the largest down keeps equal similarities in id order.
    others.sort_by(|&x, &y| row[y].partial_cmp(&row[x]).unwrap());
    others.truncate(k);
    others
}

/// a − b + c: the word x, other than a, b and c, with the highest
/// cos(x, a) − cos(x, b) + cos(x, c) — the same ranking as the cosine of x with â − b̂ + ĉ,
/// the sum of the three rows scaled to length 1. Equal scores: the lower id. The table
/// has at least four rows.
pub fn analogy(table: &Tensor, a: usize, b: usize, c: usize) -> usize {
    let v = table.shape()[0];
    let sims = cosine_similarities(table).to_vec();
    let score = |x: usize| sims[x * v + a] - sims[x * v + b] + sims[x * v + c];
    let mut best: Option<usize> = None;
    for x in 0..v {
        if best.is_none_or(|y| score(x) > score(y)) {
            best = Some(x);
        }
    }
    best.expect("analogy: the table needs a word other than a, b and c")
}
