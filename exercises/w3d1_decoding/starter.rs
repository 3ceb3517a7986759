//! W3D1 — decoding a language model: greedy and temperature sampling.
use nma_engine::rng::Rng;

/// Given: a language model predicts the next token from all the tokens so far.
pub trait LanguageModel {
    /// One logit per vocabulary entry for the token that follows `tokens`.
    fn next_logits(&self, tokens: &[usize]) -> Vec<f32>;
}

/// `[start]` followed by `n` tokens, each the argmax (lowest index on ties) of the
/// model's logits given every token before it.
pub fn generate_greedy(lm: &dyn LanguageModel, start: usize, n: usize) -> Vec<usize> {
    // TODO: repeatedly append the most likely next token. This placeholder repeats `start`.
    let _ = lm;
    vec![start; n + 1]
}

/// One index drawn from softmax(logits / temperature), with one `rng.uniform()`.
pub fn sample_temperature(logits: &[f32], temperature: f32, rng: &mut Rng) -> usize {
    // TODO: softmax with temperature, then invert the cumulative sum at u = rng.uniform().
    // This placeholder ignores the logits and picks uniformly.
    let _ = temperature;
    rng.below(logits.len())
}
