use super::*;
use nma_engine::rng::Rng;

/// A bigram model: the next token depends only on the last one, through a table of logits.
struct Bigram(Vec<Vec<f32>>);

impl LanguageModel for Bigram {
    fn next_logits(&self, tokens: &[usize]) -> Vec<f32> {
        self.0[*tokens.last().unwrap()].clone()
    }
}

#[test]
fn greedy_follows_the_bigram_table() {
    // Most likely successors: 0 → 2, 1 → 3, 2 → 1, 3 → 0.
    let lm = Bigram(vec![
        vec![0.1, 0.5, 2.0, -1.0],
        vec![0.0, 0.3, 0.2, 0.9],
        vec![-0.5, 1.5, 1.4, 0.0],
        vec![3.0, 1.0, 2.9, 0.5],
    ]);
    assert_eq!(generate_greedy(&lm, 0, 6), vec![0, 2, 1, 3, 0, 2, 1], "greedy decoding from token 0");
    assert_eq!(generate_greedy(&lm, 3, 0), vec![3], "with n = 0 only the start token is returned");
}

/// Predicts the length of the sequence it is given, mod 4.
struct Length;

impl LanguageModel for Length {
    fn next_logits(&self, tokens: &[usize]) -> Vec<f32> {
        let want = tokens.len() % 4;
        (0..4).map(|i| if i == want { 1.0 } else { 0.0 }).collect()
    }
}

#[test]
fn greedy_feeds_every_token_so_far() {
    assert_eq!(
        generate_greedy(&Length, 0, 5),
        vec![0, 1, 2, 3, 0, 1],
        "this model answers the length of the sequence it is given (mod 4): feed it every token so far, not only the last"
    );
}

#[test]
fn greedy_breaks_ties_towards_the_lowest_index() {
    // From 0: logits 0.9 at both 1 and 2, so 1. From 1: all equal, so 0.
    let lm = Bigram(vec![vec![0.4, 0.9, 0.9], vec![0.2, 0.2, 0.2], vec![0.0, 0.0, 0.0]]);
    assert_eq!(generate_greedy(&lm, 0, 4), vec![0, 1, 0, 1, 0], "on equal logits the lowest index wins (note: Iterator::max_by returns the last maximum)");
}

fn counts(logits: &[f32], temperature: f32, draws: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    let mut c = vec![0; logits.len()];
    for _ in 0..draws {
        let i = sample_temperature(logits, temperature, &mut rng);
        assert!(i < logits.len(), "sampled index {i} is outside the vocabulary of {}", logits.len());
        c[i] += 1;
    }
    c
}

#[test]
fn temperature_controls_the_spread() {
    let logits = [1.0, 2.0, 0.5, 1.8];
    // Near zero: all the probability on the largest logit (index 1).
    let cold = counts(&logits, 0.01, 1000, nma_harness::seed());
    assert_eq!(cold[1], 1000, "at temperature 0.01 every draw should be index 1; counts {cold:?}");
    // Very hot: close to uniform, each index about a quarter of the draws.
    let hot = counts(&logits, 100.0, 4000, nma_harness::seed() + 1);
    for (i, &c) in hot.iter().enumerate() {
        let f = c as f32 / 4000.0;
        assert!((f - 0.25).abs() < 0.04, "at temperature 100 index {i} should come up about 25% of the time, got {f:.3}; counts {hot:?}");
    }
}
