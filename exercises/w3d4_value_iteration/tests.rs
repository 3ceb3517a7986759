use super::*;

/// A corridor of `len` cells with the goal at the right end: actions 0 up, 1 right,
/// 2 down, 3 left; entering the goal pays 1; the goal is absorbing.
fn corridor(len: usize) -> Mdp {
    let mut p = vec![vec![vec![0.0; len]; 4]; len];
    let mut r = vec![vec![0.0; 4]; len];
    let goal = len - 1;
    for s in 0..len {
        for a in 0..4 {
            let t = match a {
                _ if s == goal => s,
                1 => s + 1,
                3 => s.saturating_sub(1),
                _ => s,
            };
            p[s][a][t] = 1.0;
            if t == goal && s != goal {
                r[s][a] = 1.0;
            }
        }
    }
    Mdp { n_states: len, n_actions: 4, p, r }
}

#[test]
fn value_iteration_on_a_corridor() {
    // A state d moves from the goal is worth γ^(d − 1): the reward comes on the d-th move.
    let (v, policy) = value_iteration(&corridor(5), 0.9, 1e-10);
    let want = [0.729, 0.81, 0.9, 1.0, 0.0];
    for s in 0..5 {
        assert!((v[s] - want[s]).abs() < 1e-8, "V({s}) should be {}, got {}; all values {v:?}", want[s], v[s]);
    }
    assert_eq!(policy, vec![1, 1, 1, 1, 0], "go right everywhere; in the goal all actions tie, so action 0");
}

#[test]
fn policy_iteration_on_a_corridor() {
    let (v, policy) = policy_iteration(&corridor(5), 0.9);
    let want = [0.729, 0.81, 0.9, 1.0, 0.0];
    for s in 0..5 {
        assert!((v[s] - want[s]).abs() < 1e-8, "V({s}) should be {}, got {}; all values {v:?}", want[s], v[s]);
    }
    assert_eq!(policy, vec![1, 1, 1, 1, 0], "go right everywhere; in the goal all actions tie, so action 0");
}
