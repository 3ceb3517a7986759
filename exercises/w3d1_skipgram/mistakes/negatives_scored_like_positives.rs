// Scores the negatives with log σ(u·v_k) instead of log σ(−u·v_k), which pulls the noise words closer instead of pushing them away.
use nma_engine::prelude::*;

/// The (centre, context) pairs of one sentence of word ids: for each position i, every
/// position j with 0 < |i − j| ≤ window that lies inside the sentence, as
/// (ids[i], ids[j]). Ordered by i, then by j.
pub fn skipgram_pairs(ids: &[usize], window: usize) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for i in 0..ids.len() {
        let first = i.saturating_sub(window);
        let last = (i + window).min(ids.len() - 1);
        for j in first..=last {
            if j != i {
                pairs.push((ids[i], ids[j]));
            }
        }
    }
    pairs
}

/// The noise distribution negatives are drawn from: P(w) ∝ count(w)^0.75, summing to 1.
pub fn noise_distribution(counts: &[usize]) -> Vec<f64> {
    let weights: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(0.75)).collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

/// The negative-sampling loss of a batch, averaged over its pairs. For the pair
/// (c, o) with negatives k₁ … k_K (one list per pair):
///   −log σ(u_c·v_o) − ∑ₖ log σ(−u_c·v_k)
/// where u are rows of `centre` and v rows of `context`. A scalar tensor.
pub fn negative_sampling_loss(
    centre: &Embedding,
    context: &Embedding,
    pairs: &[(usize, usize)],
    negatives: &[Vec<usize>],
) -> Tensor {
    let b = pairs.len();
    let k = negatives[0].len();
    let dim = centre.embedding_dim();
    let centres: Vec<usize> = pairs.iter().map(|p| p.0).collect();
    let contexts: Vec<usize> = pairs.iter().map(|p| p.1).collect();
    let noise: Vec<usize> = negatives.iter().flatten().copied().collect();

    let u = centre.lookup(&centres); // [B, D]
    let v = context.lookup(&contexts); // [B, D]
    let n = context.lookup_shaped(&noise, &[b, k]); // [B, K, D]

    let positive = (&u * &v).sum_dim(1, false); // [B]
    let negative = n.matmul(&u.reshape(&[b, dim, 1])).reshape(&[b, k]); // [B, K]: u_c·v_k

    let per_pair = -positive.sigmoid().log() - negative.sigmoid().log().sum_dim(1, false);
    per_pair.mean()
}
