// I computed the softmax straight from exp(logit / temperature) in f32, without subtracting the maximum.
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
    let weights: Vec<f32> = logits.iter().map(|&l| (l / temperature).exp()).collect(); // no max shift
    let total: f32 = weights.iter().sum();
    let u = rng.uniform();
    let mut running = 0.0;
    for (i, w) in weights.iter().enumerate() {
        running += w / total;
        if running > u {
            return i;
        }
    }
    logits.len() - 1
}
