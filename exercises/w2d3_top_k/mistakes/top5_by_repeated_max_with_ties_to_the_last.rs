// I picked the largest remaining score five times with >=, so a tie goes to the later index.
//! W2D3 — the five highest-scoring classes of every row (reference solution).
use nma_engine::prelude::*;

pub fn predict_top5(logits: &Tensor) -> Vec<Vec<usize>> {
    let c = logits.shape()[1];
    let values = logits.to_vec();
    values
        .chunks(c)
        .map(|row| {
            let mut taken = vec![false; c];
            let mut idx = Vec::new();
            for _ in 0..5 {
                let mut best: Option<usize> = None;
                for j in 0..c {
                    if !taken[j] && best.map_or(true, |b| row[j] >= row[b]) {
                        // >= lets a later equal score win
                        best = Some(j);
                    }
                }
                taken[best.unwrap()] = true;
                idx.push(best.unwrap());
            }
            idx
        })
        .collect()
}
