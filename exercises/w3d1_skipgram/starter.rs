//! W3D1 — word2vec: skip-gram pairs and the negative-sampling loss.
use nma_engine::prelude::*;

/// The (centre, context) pairs of one sentence of word ids: for each position i, every
/// position j with 0 < |i − j| ≤ window that lies inside the sentence, as
/// (ids[i], ids[j]). Ordered by i, then by j.
pub fn skipgram_pairs(ids: &[usize], window: usize) -> Vec<(usize, usize)> {
    // TODO: two nested loops, over the centre position i and the positions j around it.
    // This placeholder pairs each word with the next one only.
    let _ = window;
    ids.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The noise distribution negatives are drawn from: P(w) ∝ count(w)^0.75, summing to 1.
pub fn noise_distribution(counts: &[usize]) -> Vec<f64> {
    // TODO: raise each count to the power 0.75, then divide by the sum.
    // This placeholder gives every word the same probability.
    vec![1.0 / counts.len() as f64; counts.len()]
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
    // TODO: look up u_c in `centre`, v_o and the negatives' v_k in `context`; score each
    // with a dot product; combine with log σ as above and average over the pairs.
    // This placeholder is a loss that is always 0 and teaches nothing.
    let _ = negatives;
    let centres: Vec<usize> = pairs.iter().map(|p| p.0).collect();
    let contexts: Vec<usize> = pairs.iter().map(|p| p.1).collect();
    (centre.lookup(&centres) * context.lookup(&contexts)).sum() * 0.0
}
