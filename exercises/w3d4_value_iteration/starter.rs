//! W3D4 — solving an MDP: value iteration and policy iteration.

/// A finite MDP as tables. Given.
pub struct Mdp {
    pub n_states: usize,
    pub n_actions: usize,
    /// `p[s][a][t]`: the probability of landing in state t after action a in state s.
    pub p: Vec<Vec<Vec<f64>>>,
    /// `r[s][a]`: the expected reward of action a in state s.
    pub r: Vec<Vec<f64>>,
}

/// Optimal values by value iteration (stop when no value changes by more than `tol`),
/// and the greedy policy of the final values (lowest action within 1e-9 of the best).
pub fn value_iteration(mdp: &Mdp, gamma: f64, tol: f64) -> (Vec<f64>, Vec<usize>) {
    // TODO: repeat V(s) ← maxₐ [r(s,a) + γ Σₜ p(t|s,a) V(t)] until the largest change is
    // below tol, then act greedily. This placeholder returns zeros and action 0 everywhere.
    let _ = (gamma, tol);
    (vec![0.0; mdp.n_states], vec![0; mdp.n_states])
}

/// Policy iteration from the all-zeros policy: evaluate, improve greedily (same tie rule),
/// until the policy stops changing. Returns the values of the final policy and the policy.
pub fn policy_iteration(mdp: &Mdp, gamma: f64) -> (Vec<f64>, Vec<usize>) {
    // TODO: alternate policy evaluation and greedy improvement.
    // This placeholder evaluates nothing and returns action 0 everywhere.
    let _ = gamma;
    (vec![0.0; mdp.n_states], vec![0; mdp.n_states])
}
