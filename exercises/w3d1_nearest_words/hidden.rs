use super::*;
use nma_engine::prelude::*;

/// A random [v, d] table, with the rows listed in `zero` set to zeros.
fn random_table(v: usize, d: usize, seed: u64, zero: &[usize]) -> (Tensor, Vec<Vec<f64>>) {
    let mut rows: Vec<Vec<f64>> = Tensor::randn(&[v, d], seed).to_vec().chunks(d).map(|r| r.iter().map(|&x| x as f64).collect()).collect();
    for &z in zero {
        rows[z] = vec![0.0; d];
    }
    let flat: Vec<f32> = rows.iter().flatten().map(|&x| x as f32).collect();
    (Tensor::from_vec(flat, &[v, d]), rows)
}

fn cos(a: &[f64], b: &[f64]) -> f64 {
    let (na, nb) = (a.iter().map(|x| x * x).sum::<f64>().sqrt(), b.iter().map(|x| x * x).sum::<f64>().sqrt());
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>() / (na * nb)
    }
}

#[test]
fn cosine_matches_a_reference_and_its_rules() {
    for (trial, &(v, d)) in [(12usize, 5usize), (3, 1), (20, 16)].iter().enumerate() {
        let (t, rows) = random_table(v, d, 90 + trial as u64, &[1]);
        let got = cosine_similarities(&t);
        assert_eq!(got.shape(), vec![v, v], "trial {trial}: shape");
        let g = got.to_vec();
        for i in 0..v {
            for j in 0..v {
                let want = cos(&rows[i], &rows[j]);
                assert!((g[i * v + j] as f64 - want).abs() < 1e-5, "trial {trial}: ({i}, {j}) want {want}, got {}", g[i * v + j]);
            }
        }
        // Scaling a row by a positive number changes nothing.
        let scaled = t.mul(Tensor::from_vec((0..v).map(|i| 0.5 + i as f32).collect(), &[v, 1]));
        let s = cosine_similarities(&scaled).to_vec();
        for k in 0..v * v {
            assert!((s[k] - g[k]).abs() < 1e-5, "trial {trial}: scaling rows changed similarity {k}: {} vs {}", s[k], g[k]);
        }
    }
}

#[test]
fn nearest_matches_a_reference() {
    for trial in 0..6u64 {
        let v = 15;
        let (t, rows) = random_table(v, 4, 100 + trial, &[(trial as usize) % v]);
        for word in [0, 7, (trial as usize) % v] {
            for k in [1, 4, 14, 20] {
                let got = nearest(&t, word, k);
                assert_eq!(got.len(), k.min(v - 1), "trial {trial}: word {word}, k {k}: length");
                assert!(!got.contains(&word), "trial {trial}: word {word} listed as its own neighbour");
                let sim = |j: usize| cos(&rows[word], &rows[j]);
                for w in got.windows(2) {
                    assert!(sim(w[0]) >= sim(w[1]) - 1e-6, "trial {trial}: word {word}, k {k}: {got:?} is not most similar first");
                }
                let mut sorted = got.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted.len(), got.len(), "trial {trial}: a word listed twice in {got:?}");
                let last = sim(*got.last().unwrap());
                for j in (0..v).filter(|j| *j != word && !got.contains(j)) {
                    assert!(sim(j) <= last + 1e-6, "trial {trial}: word {word}, k {k}: {j} (similarity {}) was left out of {got:?}", sim(j));
                }
            }
        }
    }
}

#[test]
fn analogy_matches_a_reference() {
    for trial in 0..8u64 {
        let v = 10;
        let zero = if trial % 2 == 0 { vec![2] } else { vec![] };
        let (t, rows) = random_table(v, 3, 200 + trial, &zero);
        let mut rng = Rng::new(300 + trial);
        for _ in 0..5 {
            let a = rng.below(v);
            let b = (a + 1 + rng.below(v - 1)) % v;
            let c = (0..v).map(|_| rng.below(v)).find(|&c| c != a && c != b).unwrap_or((a.max(b) + 1) % v);
            if c == a || c == b {
                continue;
            }
            let got = analogy(&t, a, b, c);
            assert!(got != a && got != b && got != c, "trial {trial}: {a} − {b} + {c} gave one of the query words, {got}");
            let score = |x: usize| cos(&rows[x], &rows[a]) - cos(&rows[x], &rows[b]) + cos(&rows[x], &rows[c]);
            for x in (0..v).filter(|x| ![a, b, c].contains(x)) {
                assert!(score(got) >= score(x) - 1e-5, "trial {trial}: {a} − {b} + {c}: {x} scores {} but you chose {got} ({})", score(x), score(got));
            }
        }
    }
}

#[test]
fn a_zero_query_word_counts_as_nothing() {
    // c is all zeros: a − b + c is then a − b.
    let t = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, -1.0, 0.5, 0.5, 1.0, -0.2], &[6, 2]);
    assert_eq!(analogy(&t, 0, 1, 2), 3, "(1, 0) − (0, 1) + zero points to (1, −1): word 3");
    assert_eq!(nearest(&t, 2, 5), vec![0, 1, 3, 4, 5], "a zero word has similarity 0 with all: every other word, in id order");
}
