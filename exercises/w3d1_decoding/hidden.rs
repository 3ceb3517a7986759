use super::*;
use nma_engine::rng::Rng;

/// Depends on the whole sequence: the next token is (sum of all tokens + length) mod 5.
struct Counter;

impl LanguageModel for Counter {
    fn next_logits(&self, tokens: &[usize]) -> Vec<f32> {
        let want = (tokens.iter().sum::<usize>() + tokens.len()) % 5;
        (0..5).map(|i| if i == want { 1.0 } else { 0.0 }).collect()
    }
}

struct Flat;

impl LanguageModel for Flat {
    fn next_logits(&self, _tokens: &[usize]) -> Vec<f32> {
        vec![0.7, 0.7, 0.2, 0.7]
    }
}

#[test]
fn greedy_feeds_the_whole_sequence() {
    // [2] → (2+1)%5 = 3 → [2,3]: (5+2)%5 = 2 → [2,3,2]: (7+3)%5 = 0 → [2,3,2,0]: (7+4)%5 = 1
    assert_eq!(generate_greedy(&Counter, 2, 4), vec![2, 3, 2, 0, 1], "the model must see every token so far");
}

#[test]
fn greedy_breaks_ties_towards_the_lower_index() {
    assert_eq!(generate_greedy(&Flat, 3, 3), vec![3, 0, 0, 0], "logits [0.7, 0.7, 0.2, 0.7]: index 0 wins the tie");
}

#[test]
fn frequencies_match_the_softmax() {
    let logits = [0.5f32, -1.0, 1.5, 0.0, 1.0];
    for temperature in [1.0f32, 0.5, 2.0] {
        let scaled: Vec<f64> = logits.iter().map(|&l| (l as f64 / temperature as f64).exp()).collect();
        let total: f64 = scaled.iter().sum();
        let mut rng = Rng::new(nma_harness::seed() * 7 + 3);
        let draws = 20000;
        let mut c = vec![0usize; logits.len()];
        for _ in 0..draws {
            c[sample_temperature(&logits, temperature, &mut rng)] += 1;
        }
        for i in 0..logits.len() {
            let (f, p) = (c[i] as f64 / draws as f64, scaled[i] / total);
            assert!((f - p).abs() < 0.015, "temperature {temperature}: index {i} drawn {f:.4} of the time, softmax gives {p:.4}");
        }
    }
}

#[test]
fn tiny_temperatures_stay_finite() {
    let logits = [30.0f32, 29.9, -5.0, 29.95];
    let mut rng = Rng::new(nma_harness::seed() + 11);
    for _ in 0..200 {
        let i = sample_temperature(&logits, 1e-4, &mut rng);
        assert_eq!(i, 0, "at temperature 1e-4 the largest logit (index 0) must always win, got {i}");
    }
}
