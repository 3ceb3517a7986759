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

#[test]
fn each_sweep_uses_the_previous_values() {
    // The goal is state 0 now, and action 3 (left) moves towards it. Sweep 1 gives
    // V = [0, 1, 0, 0] (largest change 1), sweep 2 [0, 1, 0.9, 0] (change 0.9 ≤ tol = 0.95:
    // stop). Every sweep computes all the new values from the previous sweep's values.
    let len = 4;
    let mut p = vec![vec![vec![0.0; len]; 4]; len];
    let mut r = vec![vec![0.0; 4]; len];
    for s in 0..len {
        for a in 0..4 {
            let t = if s != 0 && a == 3 { s - 1 } else { s };
            p[s][a][t] = 1.0;
            if t == 0 && s != 0 {
                r[s][a] = 1.0;
            }
        }
    }
    let (v, _) = value_iteration(&Mdp { n_states: len, n_actions: 4, p, r }, 0.9, 0.95);
    let want = [0.0, 1.0, 0.9, 0.0];
    for s in 0..len {
        assert!(
            (v[s] - want[s]).abs() < 1e-12,
            "with tol 0.95 value iteration stops after its second sweep, at V = {want:?}; got {v:?}. Compute each sweep's values from the previous sweep's (in a fresh vector, not in place) and return the last sweep's"
        );
    }
}

#[test]
fn a_random_move_averages_the_next_values() {
    // One action. State 0 pays 1 and then stays or moves to state 1 with probability ½ each;
    // state 1 pays 0.5 forever. With γ = 0.9: V(1) = 0.5 / 0.1 = 5 and
    // V(0) = 1 + 0.9·(½·V(0) + ½·V(1)), so V(0) = 3.25 / 0.55.
    let p = vec![vec![vec![0.5, 0.5]], vec![vec![0.0, 1.0]]];
    let m = Mdp { n_states: 2, n_actions: 1, p, r: vec![vec![1.0], vec![0.5]] };
    let want = [3.25 / 0.55, 5.0];
    let (v1, _) = value_iteration(&m, 0.9, 1e-12);
    let (v2, _) = policy_iteration(&m, 0.9);
    for s in 0..2 {
        assert!((v1[s] - want[s]).abs() < 1e-8, "value iteration: V({s}) should be {:.6} (the future is Σₜ p(t)·V(t)), got {}", want[s], v1[s]);
        assert!((v2[s] - want[s]).abs() < 1e-8, "policy iteration: V({s}) should be {:.6} (the future is Σₜ p(t)·V(t)), got {}", want[s], v2[s]);
    }
}
