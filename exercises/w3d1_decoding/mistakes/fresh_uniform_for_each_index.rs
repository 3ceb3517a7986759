// I drew a new uniform number for every index while walking the cumulative sum.
use nma_engine::rng::Rng;

pub trait LanguageModel {
    fn next_logits(&self, tokens: &[usize]) -> Vec<f32>;
}

fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

pub fn generate_greedy(lm: &dyn LanguageModel, start: usize, n: usize) -> Vec<usize> {
    let mut tokens = vec![start];
    for _ in 0..n {
        let next = argmax(&lm.next_logits(&tokens));
        tokens.push(next);
    }
    tokens
}

pub fn sample_temperature(logits: &[f32], temperature: f32, rng: &mut Rng) -> usize {
    let scaled: Vec<f64> = logits.iter().map(|&l| l as f64 / temperature as f64).collect();
    let max = scaled.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = scaled.iter().map(|s| (s - max).exp()).collect();
    let total: f64 = weights.iter().sum();
    let mut running = 0.0;
    for (i, w) in weights.iter().enumerate() {
        running += w / total;
        if running > rng.uniform() as f64 { // a new draw at every index
            return i;
        }
    }
    logits.len() - 1
}
