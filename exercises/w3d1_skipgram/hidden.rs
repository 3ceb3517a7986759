use super::*;
use nma_engine::prelude::*;

fn minus_log_sigmoid(x: f64) -> f64 {
    (1.0 + (-x).exp()).ln()
}

#[test]
fn pairs_of_random_sentences() {
    let mut rng = Rng::new(71);
    for trial in 0..40 {
        let len = rng.below(9);
        let window = rng.below(5);
        let ids: Vec<usize> = (0..len).map(|_| rng.below(6)).collect();
        let mut want = Vec::new();
        for i in 0..len as i64 {
            for j in 0..len as i64 {
                if j != i && (i - j).abs() <= window as i64 {
                    want.push((ids[i as usize], ids[j as usize]));
                }
            }
        }
        assert_eq!(skipgram_pairs(&ids, window), want, "trial {trial}: ids {ids:?}, window {window}");
    }
}

#[test]
fn noise_distribution_of_random_counts() {
    let mut rng = Rng::new(72);
    let counts: Vec<usize> = (0..30).map(|_| rng.below(500)).collect();
    let p = noise_distribution(&counts);
    let total: f64 = counts.iter().map(|&c| (c as f64).powf(0.75)).sum();
    assert_eq!(p.len(), counts.len());
    for (i, &c) in counts.iter().enumerate() {
        let want = (c as f64).powf(0.75) / total;
        assert!((p[i] - want).abs() < 1e-12, "word {i} (count {c}): want {want}, got {}", p[i]);
    }
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    let one = noise_distribution(&[5]);
    assert!((one[0] - 1.0).abs() < 1e-12, "a single word has probability 1, got {one:?}");
}

#[test]
fn loss_of_random_batches() {
    for (trial, &(v, d, b, k)) in [(7usize, 3usize, 5usize, 3usize), (4, 6, 1, 1), (10, 2, 9, 7)].iter().enumerate() {
        let seed = 80 + trial as u64;
        let cw = Tensor::randn(&[v, d], seed) * 0.7;
        let xw = Tensor::randn(&[v, d], seed + 10) * 0.7;
        let (c, x) = (cw.to_vec(), xw.to_vec());
        let centre = Embedding::from_tensor(cw);
        let context = Embedding::from_tensor(xw);
        let mut rng = Rng::new(seed + 20);
        let pairs: Vec<(usize, usize)> = (0..b).map(|_| (rng.below(v), rng.below(v))).collect();
        let negatives: Vec<Vec<usize>> = (0..b).map(|_| (0..k).map(|_| rng.below(v)).collect()).collect();
        let dot = |i: usize, j: usize| (0..d).map(|e| c[i * d + e] as f64 * x[j * d + e] as f64).sum::<f64>();
        let mut want = 0.0;
        for (p, neg) in pairs.iter().zip(&negatives) {
            want += minus_log_sigmoid(dot(p.0, p.1));
            for &n in neg {
                want += minus_log_sigmoid(-dot(p.0, n));
            }
        }
        want /= b as f64;
        let loss = negative_sampling_loss(&centre, &context, &pairs, &negatives);
        assert_eq!(loss.numel(), 1);
        let got = loss.item() as f64;
        assert!((got - want).abs() < 1e-4 * (1.0 + want), "trial {trial}: want {want}, got {got}");

        // The gradient of the centre table, against the formula.
        loss.backward();
        let g = centre.weight.grad().expect("no gradient on the centre table").to_vec();
        let sig = |s: f64| 1.0 / (1.0 + (-s).exp());
        let mut want_g = vec![0.0f64; v * d];
        for (p, neg) in pairs.iter().zip(&negatives) {
            let a = -(1.0 - sig(dot(p.0, p.1)));
            for e in 0..d {
                want_g[p.0 * d + e] += a * x[p.1 * d + e] as f64 / b as f64;
            }
            for &n in neg {
                let s = sig(dot(p.0, n));
                for e in 0..d {
                    want_g[p.0 * d + e] += s * x[n * d + e] as f64 / b as f64;
                }
            }
        }
        for i in 0..v * d {
            assert!((g[i] as f64 - want_g[i]).abs() < 1e-4, "trial {trial}: centre gradient element {i}: want {}, got {}", want_g[i], g[i]);
        }
    }
}
