// Hidden tests: never copied into the learner's workspace; the tutor shows only that a
// hidden test failed, not its name or message. Property tests check rules that must hold
// for many inputs. Draw the inputs from a generator seeded with nma_harness::seed(): it is
// 0 when learners are graded (so every grade sees the same inputs) and 1, 2, … when
// `author check` runs the reference over several seeds.
// TODO(author): replace this example with hidden tests of your exercise.
use super::*;

/// A small deterministic generator (no dependencies): uniform numbers in [lo, hi).
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        lo + (hi - lo) * ((self.0 >> 40) as f32 / (1u64 << 24) as f32)
    }
}

#[test]
fn sums_to_one_keeps_order_and_survives_large_scores() {
    let mut rng = Lcg(nma_harness::seed());
    for case in 0..200 {
        let n = 1 + (rng.uniform(0.0, 8.0) as usize);
        // Scores up to ±500: exp overflows unless the largest score is subtracted first.
        let scores: Vec<f32> = (0..n).map(|_| rng.uniform(-500.0, 500.0)).collect();
        let got = softmax(&scores);
        assert_eq!(got.len(), n, "case {case}: one probability per score");
        let total: f32 = got.iter().sum();
        assert!((total - 1.0).abs() < 1e-4, "case {case}: {scores:?} gives probabilities adding up to {total}");
        for i in 0..n {
            for j in 0..n {
                if scores[i] > scores[j] {
                    assert!(got[i] >= got[j], "case {case}: a larger score must not get a smaller probability ({scores:?} → {got:?})");
                }
            }
        }
    }
}
