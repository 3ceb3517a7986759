use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_scalar_close;
use nma_harness::{Goal, Training};

// ------------------------------------------------------------------ a small made-up world
//
// Sentences of four words from a tiny grammar, so that which words share contexts is known:
// a person comes with one word for each of its three traits (he/she, palace/village,
// grown/young); a country or a capital with two words saying which of the two it is
// (nation, city, …) and one naming its country (french, pasta, …); an animal with "the",
// its sound and a body word.

pub const PEOPLE: [&str; 8] = ["king", "queen", "prince", "princess", "man", "woman", "boy", "girl"];
/// (gender, status, age) of each person: 0 = male / royal / grown-up, 1 = female / common / young.
pub const TRAITS: [[usize; 3]; 8] = [[0, 0, 0], [1, 0, 0], [0, 0, 1], [1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 1, 1], [1, 1, 1]];
const TRAIT_WORDS: [[[&str; 3]; 2]; 3] = [
    [["he", "his", "him"], ["she", "her", "hers"]],
    [["palace", "crown", "throne"], ["village", "farm", "market"]],
    [["grown", "works", "old"], ["young", "plays", "school"]],
];
pub const COUNTRIES: [&str; 6] = ["france", "italy", "spain", "japan", "egypt", "greece"];
pub const CAPITALS: [&str; 6] = ["paris", "rome", "madrid", "tokyo", "cairo", "athens"];
const COUNTRY_WORDS: [[&str; 2]; 6] =
    [["french", "wine"], ["italian", "pasta"], ["spanish", "paella"], ["japanese", "sushi"], ["arabic", "nile"], ["greek", "olives"]];
const PLACE_WORDS: [[&str; 3]; 2] = [["nation", "border", "flag"], ["city", "streets", "mayor"]];
pub const ANIMALS: [&str; 6] = ["dog", "cat", "cow", "horse", "duck", "sheep"];
const SOUNDS: [&str; 6] = ["barks", "meows", "moos", "neighs", "quacks", "bleats"];
const BODY_WORDS: [&str; 3] = ["fur", "tail", "legs"];

/// Every word of the world, once; a word's id is its position here.
pub fn vocabulary() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    v.extend(PEOPLE);
    for t in &TRAIT_WORDS {
        for side in t {
            v.extend(side.iter().copied());
        }
    }
    v.extend(COUNTRIES);
    v.extend(CAPITALS);
    for w in &COUNTRY_WORDS {
        v.extend(w.iter().copied());
    }
    for w in &PLACE_WORDS {
        v.extend(w.iter().copied());
    }
    v.extend(ANIMALS);
    v.extend(SOUNDS);
    v.extend(BODY_WORDS);
    v.push("the");
    v.push("loudly");
    v
}

pub fn id_of(vocab: &[&str], word: &str) -> usize {
    vocab.iter().position(|w| *w == word).unwrap_or_else(|| panic!("{word} is not in the vocabulary"))
}

/// `n` sentences of the world, drawn with `Rng::new(seed)`, as word ids.
pub fn world_sentences(n: usize, seed: u64) -> Vec<Vec<usize>> {
    let vocab = vocabulary();
    let id = |w: &str| id_of(&vocab, w);
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let s = match rng.below(3) {
            0 => {
                let p = rng.below(PEOPLE.len());
                let t = TRAITS[p];
                let g = TRAIT_WORDS[0][t[0]][rng.below(3)];
                let s = TRAIT_WORDS[1][t[1]][rng.below(3)];
                let a = TRAIT_WORDS[2][t[2]][rng.below(3)];
                vec![id(g), id(PEOPLE[p]), id(s), id(a)]
            }
            1 => {
                let c = rng.below(COUNTRIES.len());
                let kind = rng.below(2);
                let place = if kind == 0 { COUNTRIES[c] } else { CAPITALS[c] };
                let t1 = PLACE_WORDS[kind][rng.below(3)];
                let t2 = PLACE_WORDS[kind][rng.below(3)];
                let own = COUNTRY_WORDS[c][rng.below(2)];
                vec![id(t1), id(place), id(own), id(t2)]
            }
            _ => {
                let a = rng.below(ANIMALS.len());
                if rng.below(2) == 0 {
                    vec![id("the"), id(ANIMALS[a]), id(SOUNDS[a]), id("loudly")]
                } else {
                    let mut body = || id(BODY_WORDS[rng.below(3)]);
                    vec![body(), id(ANIMALS[a]), body(), body()]
                }
            }
        };
        out.push(s);
    }
    out
}

// ------------------------------------------------------------------ reading a trained table

fn rows(table: &Tensor) -> Vec<Vec<f64>> {
    let d = table.shape()[1];
    table.to_vec().chunks(d).map(|r| r.iter().map(|&x| x as f64).collect()).collect()
}

fn unit(v: &[f64]) -> Vec<f64> {
    let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    v.iter().map(|x| if n > 0.0 { x / n } else { 0.0 }).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The word (other than `word`) whose row has the highest cosine similarity to `word`'s.
pub fn nearest_word(table: &Tensor, word: usize) -> usize {
    let r: Vec<Vec<f64>> = rows(table).iter().map(|v| unit(v)).collect();
    (0..r.len()).filter(|&j| j != word).fold(usize::MAX, |best, j| {
        if best == usize::MAX || dot(&r[word], &r[j]) > dot(&r[word], &r[best]) { j } else { best }
    })
}

/// a − b + c: the word, other than a, b and c, most similar to â − b̂ + ĉ.
pub fn analogy(table: &Tensor, a: usize, b: usize, c: usize) -> usize {
    let r: Vec<Vec<f64>> = rows(table).iter().map(|v| unit(v)).collect();
    let target: Vec<f64> = (0..r[a].len()).map(|i| r[a][i] - r[b][i] + r[c][i]).collect();
    (0..r.len()).filter(|&j| j != a && j != b && j != c).fold(usize::MAX, |best, j| {
        if best == usize::MAX || dot(&target, &r[j]) > dot(&target, &r[best]) { j } else { best }
    })
}

/// (a, b, c, answer) of every analogy the world defines: people whose traits add up
/// (king − man + woman = queen) and countries and capitals (paris − france + italy = rome,
/// france − paris + rome = italy).
pub fn world_analogies() -> Vec<[&'static str; 4]> {
    let mut out = Vec::new();
    for a in 0..8 {
        for b in 0..8 {
            for c in 0..8 {
                let d: Vec<i64> = (0..3).map(|t| TRAITS[a][t] as i64 - TRAITS[b][t] as i64 + TRAITS[c][t] as i64).collect();
                if a == b || a == c || b == c || d.iter().any(|&x| !(0..=1).contains(&x)) {
                    continue;
                }
                let dd = (0..8).find(|&p| (0..3).all(|t| TRAITS[p][t] as i64 == d[t])).unwrap();
                if dd != a && dd != b && dd != c {
                    out.push([PEOPLE[a], PEOPLE[b], PEOPLE[c], PEOPLE[dd]]);
                }
            }
        }
    }
    for x in 0..6 {
        for y in 0..6 {
            if x != y {
                out.push([CAPITALS[x], COUNTRIES[x], COUNTRIES[y], CAPITALS[y]]);
                out.push([COUNTRIES[x], CAPITALS[x], CAPITALS[y], COUNTRIES[y]]);
            }
        }
    }
    out
}

/// (share of people, countries, capitals and animals whose nearest word is of the same
/// group, share of the world's analogies answered right, the nearest words that were not).
pub fn evaluate(table: &Tensor) -> (f64, f64, Vec<String>) {
    let vocab = vocabulary();
    let groups: [&[&str]; 4] = [&PEOPLE, &COUNTRIES, &CAPITALS, &ANIMALS];
    let (mut asked, mut wrong) = (0, Vec::new());
    for g in groups {
        for w in g {
            asked += 1;
            let near = vocab[nearest_word(table, id_of(&vocab, w))];
            if !g.contains(&near) {
                wrong.push(format!("{w} → {near}"));
            }
        }
    }
    let right = asked - wrong.len();
    let analogies = world_analogies();
    let got = analogies
        .iter()
        .filter(|q| analogy(table, id_of(&vocab, q[0]), id_of(&vocab, q[1]), id_of(&vocab, q[2])) == id_of(&vocab, q[3]))
        .count();
    (right as f64 / asked as f64, got as f64 / analogies.len() as f64, wrong)
}

/// Trains skip-gram with negative sampling on 2000 sentences of the world (your
/// `skipgram_pairs` and `negative_sampling_loss`; Adam, 256 pairs and 5 negatives each per
/// step, negatives drawn ∝ count^0.75) and returns the centre table.
pub fn train_on_the_world(seed: u64, steps: usize, on_step: &mut dyn FnMut(usize, f32)) -> Tensor {
    let vocab = vocabulary();
    let v = vocab.len();
    let (dim, window, k, batch, lr) = (20, 2, 5, 256, 0.05);
    let sentences = world_sentences(2000, seed.wrapping_add(100));
    let pairs: Vec<(usize, usize)> = sentences.iter().flat_map(|s| skipgram_pairs(s, window)).collect();
    assert!(!pairs.is_empty(), "skipgram_pairs gave no pairs for any of the world's sentences: nothing to train on");
    let mut counts = vec![0usize; v];
    for s in &sentences {
        for &w in s {
            counts[w] += 1;
        }
    }
    let weights: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(0.75)).collect();
    let total: f64 = weights.iter().sum();
    let mut cumulative = Vec::with_capacity(v);
    let mut acc = 0.0;
    for w in &weights {
        acc += w / total;
        cumulative.push(acc);
    }
    let centre = Embedding::from_tensor(Tensor::randn(&[v, dim], seed.wrapping_add(1)) * 0.1);
    let context = Embedding::from_tensor(Tensor::zeros(&[v, dim]));
    let mut opt = Adam::new(vec![centre.weight.clone(), context.weight.clone()], lr);
    let mut rng = Rng::new(seed.wrapping_add(2));
    let started = std::time::Instant::now();
    for step in 0..steps {
        if step == 5 {
            let projected = started.elapsed().as_secs_f64() / 5.0 * steps as f64;
            assert!(
                projected < 12.0,
                "the first 5 steps took {:.1} s, so {steps} steps would take about {projected:.0} s. Build the loss of the whole batch with a few tensor operations (one lookup for all the centre words, one for all the context words, one for all the negatives), not a loop over the pairs",
                started.elapsed().as_secs_f64()
            );
        }
        let batch_pairs: Vec<(usize, usize)> = (0..batch).map(|_| pairs[rng.below(pairs.len())]).collect();
        let negatives: Vec<Vec<usize>> = (0..batch)
            .map(|_| {
                (0..k)
                    .map(|_| {
                        let r = rng.uniform() as f64;
                        cumulative.iter().position(|&c| r < c).unwrap_or(v - 1)
                    })
                    .collect()
            })
            .collect();
        let loss = negative_sampling_loss(&centre, &context, &batch_pairs, &negatives);
        opt.zero_grad();
        loss.backward();
        opt.step();
        on_step(step, loss.item());
    }
    centre.weight.detach()
}

/// −log σ(x) in f64: log(1 + e^(−x)).
fn minus_log_sigmoid(x: f64) -> f64 {
    (1.0 + (-x).exp()).ln()
}

fn table(values: &[f32], rows: usize) -> Embedding {
    Embedding::from_tensor(Tensor::from_vec(values.to_vec(), &[rows, values.len() / rows]))
}

#[test]
fn pairs_by_hand() {
    let got = skipgram_pairs(&[10, 11, 12, 13], 1);
    assert_eq!(
        got,
        vec![(10, 11), (11, 10), (11, 12), (12, 11), (12, 13), (13, 12)],
        "window 1 over [10, 11, 12, 13]: each word with its left and right neighbour, centre by centre (left before right)"
    );
    let got = skipgram_pairs(&[5, 6, 7, 8, 9], 2);
    let want = vec![
        (5, 6), (5, 7),
        (6, 5), (6, 7), (6, 8),
        (7, 5), (7, 6), (7, 8), (7, 9),
        (8, 6), (8, 7), (8, 9),
        (9, 7), (9, 8),
    ];
    assert_eq!(got, want, "window 2 over [5, 6, 7, 8, 9]: up to two words on each side, never the centre itself, none past either end");
}

#[test]
fn pairs_of_short_sentences_and_repeated_words() {
    assert_eq!(skipgram_pairs(&[], 2), vec![], "an empty sentence has no pairs");
    assert_eq!(skipgram_pairs(&[4], 3), vec![], "a one-word sentence has no context");
    assert_eq!(skipgram_pairs(&[1, 2, 3], 0), vec![], "window 0 means no context words");
    assert_eq!(
        skipgram_pairs(&[1, 2, 3], 10),
        vec![(1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2)],
        "a window wider than the sentence reaches every other word once"
    );
    assert_eq!(
        skipgram_pairs(&[7, 7, 2], 1),
        vec![(7, 7), (7, 7), (7, 2), (2, 7)],
        "pairs are by position: a word repeated next to itself is its own context (skip only j = i)"
    );
}

#[test]
fn noise_distribution_by_hand() {
    // 1^0.75 = 1, 16^0.75 = 8, 81^0.75 = 27, 0^0.75 = 0: out of 36.
    let got = noise_distribution(&[1, 16, 0, 81]);
    let want = [1.0 / 36.0, 8.0 / 36.0, 0.0, 27.0 / 36.0];
    assert_eq!(got.len(), 4, "one probability per word");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() < 1e-12, "counts [1, 16, 0, 81]: word {i} should have probability {w:.6} (count^0.75, divided by the sum), got {g:.6}");
    }
}

#[test]
fn loss_of_one_pair_by_hand() {
    // u = (1, 0); the context word's v = (2, 0): u·v = 2; the negatives' v = (0, 1) and
    // (−1, 0): u·v = 0 and −1. Loss = −log σ(2) − log σ(−0) − log σ(1).
    let centre = table(&[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 4);
    let context = table(&[9.0, 9.0, 2.0, 0.0, 0.0, 1.0, -1.0, 0.0], 4);
    let loss = negative_sampling_loss(&centre, &context, &[(0, 1)], &[vec![2, 3]]);
    assert_eq!(loss.numel(), 1, "the loss is one number (a scalar tensor), got shape {:?}", loss.shape());
    let want = minus_log_sigmoid(2.0) + minus_log_sigmoid(0.0) + minus_log_sigmoid(1.0);
    assert_scalar_close(loss.item(), want as f32, 1e-5);
}

#[test]
fn loss_of_a_batch_is_the_mean_over_its_pairs() {
    // Two pairs. u_0 = (1, 1), u_1 = (0, 2); context rows v_0 = (1, 0), v_1 = (0, 1), v_2 = (−1, 1).
    let centre = table(&[1.0, 1.0, 0.0, 2.0], 2);
    let context = table(&[1.0, 0.0, 0.0, 1.0, -1.0, 1.0], 3);
    let loss = negative_sampling_loss(&centre, &context, &[(0, 1), (1, 0)], &[vec![2, 0], vec![1, 2]]);
    // pair (0, 1): u·v_o = 1; negatives u·v = 0, 1.  pair (1, 0): u·v_o = 0; negatives 2, 2.
    let first = minus_log_sigmoid(1.0) + minus_log_sigmoid(-0.0) + minus_log_sigmoid(-1.0);
    let second = minus_log_sigmoid(0.0) + 2.0 * minus_log_sigmoid(-2.0);
    let want = (first + second) / 2.0;
    let got = loss.item() as f64;
    assert!(
        (got - want).abs() < 1e-5,
        "two pairs: want the mean of the pairs' losses, {want:.5} ({first:.5} and {second:.5}), got {got:.5}. The centre word's vector comes from `centre`, the context and negative words' from `context`; each negative adds −log σ(−u·v_k)"
    );
}

#[test]
fn gradients_reach_both_tables() {
    // One pair (0, 1) with one negative, 2: u = (1, 0), v_o = (0, 1), v_k = (1, 1).
    // s_o = u·v_o = 0, s_k = u·v_k = 1.
    // ∂L/∂u = −(1 − σ(s_o))·v_o + σ(s_k)·v_k;  ∂L/∂v_o = −(1 − σ(s_o))·u;  ∂L/∂v_k = σ(s_k)·u.
    let centre = table(&[1.0, 0.0, 5.0, 5.0], 2);
    let context = table(&[3.0, 3.0, 0.0, 1.0, 1.0, 1.0], 3);
    negative_sampling_loss(&centre, &context, &[(0, 1)], &[vec![2]]).backward();
    let sig = |x: f32| 1.0 / (1.0 + (-x).exp());
    let gc = centre.weight.grad().expect("the centre table got no gradient: build the loss from `lookup` and tensor operations, not from numbers copied out with to_vec()");
    let gx = context.weight.grad().expect("the context table got no gradient: look up the context and negative words in `context` with tensor operations");
    let (a, b) = (1.0 - sig(0.0), sig(1.0));
    nma_engine::testing::assert_close(&gc, &[2, 2], &[b, -a + b, 0.0, 0.0], 1e-5);
    nma_engine::testing::assert_close(&gx, &[3, 2], &[0.0, 0.0, -a, 0.0, b, 0.0], 1e-5);
}

#[test]
fn learns_the_world() {
    // An untrained table (random rows) puts about 5% of these words next to their own group
    // (at most 19% over ten draws) and answers about 1% of the analogies (at most 4.5%).
    let seed = nma_harness::seed();
    let mut run = Training::new("share of analogies right", 0.9, Goal::AtLeast);
    let table = train_on_the_world(seed, 120, &mut |step, loss| run.step(step, loss));
    let (neighbours, analogies, wrong) = evaluate(&table);
    run.finish(analogies);
    assert!(
        neighbours >= 0.7,
        "after training, the nearest word of most people, countries, capitals and animals should be one of its own group: {:.0}% were, needs 70%; these were not: {}",
        100.0 * neighbours,
        wrong.join(", ")
    );
}
