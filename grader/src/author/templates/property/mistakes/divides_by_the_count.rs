// Divides each exponential by the number of scores instead of by their sum.

pub fn softmax(scores: &[f32]) -> Vec<f32> {
    let max = scores.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
    let count = exps.len() as f32;
    exps.iter().map(|e| e / count).collect()
}
