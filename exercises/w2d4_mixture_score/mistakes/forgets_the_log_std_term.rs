// I dropped the −d·ln sₖ term from the log densities; I thought normalising constants never matter.

pub fn gmm_score(x: &[f32], means: &[Vec<f32>], stds: &[f32], weights: &[f32]) -> Vec<f32> {
    let d = x.len();
    // Log of each weighted component density, without the shared −(d/2)·ln 2π.
    let logs: Vec<f32> = means
        .iter()
        .zip(stds)
        .zip(weights)
        .map(|((mu, &s), &w)| {
            let sq: f32 = x.iter().zip(mu).map(|(a, b)| (a - b) * (a - b)).sum();
            w.ln() - sq / (2.0 * s * s) // no −d·ln s
        })
        .collect();
    // Responsibilities rₖ = softmax of the logs, shifted by the maximum.
    let m = logs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let shares: Vec<f32> = logs.iter().map(|l| (l - m).exp()).collect();
    let total: f32 = shares.iter().sum();
    let mut score = vec![0.0; d];
    for ((mu, &s), share) in means.iter().zip(stds).zip(&shares) {
        let r = share / total;
        for j in 0..d {
            score[j] += r * (mu[j] - x[j]) / (s * s);
        }
    }
    score
}
