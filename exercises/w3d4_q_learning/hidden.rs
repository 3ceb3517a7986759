use super::*;
use nma_harness::{Goal, Training};

const MAP: [&str; 5] = ["......", ".##.#.", "...#..", "#.#...", "....#G"];

/// The optimal actions of every state, from value iteration written here on its own.
fn optimal_actions(world: &GridEnv, gamma: f64) -> Vec<Vec<usize>> {
    let n = world.n_states();
    let mut v = vec![0.0; n];
    let q = |v: &[f64], s: usize, a: usize| {
        let (t, r, done) = world.step(s, a);
        r + if done { 0.0 } else { gamma * v[t] }
    };
    for _ in 0..200 {
        v = (0..n).map(|s| if world.starts().contains(&s) { (0..4).map(|a| q(&v, s, a)).fold(f64::MIN, f64::max) } else { 0.0 }).collect();
    }
    (0..n)
        .map(|s| {
            let qs: Vec<f64> = (0..4).map(|a| q(&v, s, a)).collect();
            let best = qs.iter().cloned().fold(f64::MIN, f64::max);
            (0..4).filter(|&a| qs[a] >= best - 1e-9).collect()
        })
        .collect()
}

fn greedy(row: &[f64]) -> usize {
    (0..row.len()).fold(0, |b, a| if row[a] > row[b] { a } else { b })
}

#[test]
fn learns_an_optimal_policy() {
    let world = GridEnv::new(&MAP);
    let gamma = 0.9;
    let q = learn_q(&world, 10000, 0.5, gamma, 0.3, nma_harness::seed());
    assert_eq!(q.len(), world.n_states(), "one row of Q per state");
    let optimal = optimal_actions(&world, gamma);
    let mut run = Training::new("optimal share of states", 0.95, Goal::AtLeast);
    let mut right = 0;
    for (i, &s) in world.starts().iter().enumerate() {
        if optimal[s].contains(&greedy(&q[s])) {
            right += 1;
        }
        run.step(i, (1.0 - right as f64 / (i + 1) as f64) as f32);
    }
    run.finish(right as f64 / world.starts().len() as f64);
}

#[test]
fn q_values_approach_discounted_reward() {
    // A corridor: from state s the goal is 4 − s moves away, so Q(s, right) → γ^(3 − s).
    let world = GridEnv::new(&["....G"]);
    let q = learn_q(&world, 400, 0.5, 0.8, 0.3, nma_harness::seed() + 1);
    for s in 0..4 {
        let want = 0.8f64.powi(3 - s as i32);
        assert!((q[s][1] - want).abs() < 0.02, "Q({s}, right) should approach {want:.3}, got {:.4}", q[s][1]);
        assert_eq!(q[4], vec![0.0; 4], "the goal ends the episode: its row of Q is never updated");
    }
}

#[test]
fn same_seed_same_table() {
    let world = GridEnv::new(&MAP);
    let a = learn_q(&world, 50, 0.5, 0.9, 0.3, 7);
    let b = learn_q(&world, 50, 0.5, 0.9, 0.3, 7);
    assert_eq!(a, b, "learn_q must take all its randomness from the seed");
}
