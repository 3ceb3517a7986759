// Normalises the raw scores by their sum, without taking the exponential first.

pub fn softmax(scores: &[f32]) -> Vec<f32> {
    let total: f32 = scores.iter().sum();
    scores.iter().map(|s| s / total).collect()
}
