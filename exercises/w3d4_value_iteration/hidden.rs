use super::*;

/// A grid MDP from a map (`.` free, `#` wall, `G` goal), as in the GridWorld exercise.
fn grid(lines: &[&str]) -> (Mdp, Vec<bool>, usize, usize) {
    let cells: Vec<char> = lines.iter().flat_map(|l| l.chars()).collect();
    let (h, w) = (lines.len(), cells.len() / lines.len());
    let n = h * w;
    let goal = cells.iter().position(|&c| c == 'G').unwrap();
    let walls: Vec<bool> = cells.iter().map(|&c| c == '#').collect();
    let mut p = vec![vec![vec![0.0; n]; 4]; n];
    let mut r = vec![vec![0.0; 4]; n];
    for s in 0..n {
        for a in 0..4 {
            let (row, col) = ((s / w) as isize, (s % w) as isize);
            let (dr, dc) = [(-1, 0), (0, 1), (1, 0), (0, -1)][a];
            let (nr, nc) = (row + dr, col + dc);
            let mut t = s;
            if s != goal && !walls[s] && nr >= 0 && nc >= 0 && nr < h as isize && nc < w as isize {
                let cand = nr as usize * w + nc as usize;
                if !walls[cand] {
                    t = cand;
                }
            }
            p[s][a][t] = 1.0;
            if t == goal && s != goal {
                r[s][a] = 1.0;
            }
        }
    }
    (Mdp { n_states: n, n_actions: 4, p, r }, walls, goal, w)
}

fn q(m: &Mdp, v: &[f64], gamma: f64, s: usize, a: usize) -> f64 {
    m.r[s][a] + gamma * (0..m.n_states).map(|t| m.p[s][a][t] * v[t]).sum::<f64>()
}

#[test]
fn both_agree_on_a_maze() {
    let map = ["..#...", ".##.#.", "......", "#.##.#", "...#.G"];
    let (m, walls, goal, w) = grid(&map);
    let gamma = 0.8;
    let (v1, p1) = value_iteration(&m, gamma, 1e-12);
    let (v2, p2) = policy_iteration(&m, gamma);
    // Moves to the goal by breadth-first search, written here on its own.
    let mut d = vec![usize::MAX; m.n_states];
    d[goal] = 0;
    let mut frontier = vec![goal];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for &s in &frontier {
            for t in 0..m.n_states {
                let adjacent = (s / w).abs_diff(t / w) + (s % w).abs_diff(t % w) == 1;
                if adjacent && !walls[t] && d[t] == usize::MAX {
                    d[t] = d[s] + 1;
                    next.push(t);
                }
            }
        }
        frontier = next;
    }
    for s in 0..m.n_states {
        let want = if walls[s] || s == goal || d[s] == usize::MAX { 0.0 } else { gamma.powi(d[s] as i32 - 1) };
        assert!((v1[s] - want).abs() < 1e-8, "value iteration: V({s}) should be {want}, got {}", v1[s]);
        assert!((v2[s] - want).abs() < 1e-8, "policy iteration: V({s}) should be {want}, got {}", v2[s]);
    }
    assert_eq!(p1, p2, "value iteration and policy iteration should give the same policy");
}

#[test]
fn a_slippery_chain_satisfies_bellman() {
    // 4 states in a ring; action 0 tries to move forward (succeeds with 0.7, else stays),
    // action 1 jumps back one state for sure. Rewards differ by state and action.
    let n = 4;
    let mut p = vec![vec![vec![0.0; n]; 2]; n];
    for s in 0..n {
        p[s][0][(s + 1) % n] += 0.7;
        p[s][0][s] += 0.3;
        p[s][1][(s + n - 1) % n] = 1.0;
    }
    let r = vec![vec![0.0, 0.5], vec![0.2, 0.0], vec![-1.0, 0.3], vec![2.0, 0.0]];
    let m = Mdp { n_states: n, n_actions: 2, p, r };
    let gamma = 0.9;
    let (v1, p1) = value_iteration(&m, gamma, 1e-12);
    let (v2, p2) = policy_iteration(&m, gamma);
    for s in 0..n {
        let best = (0..2).map(|a| q(&m, &v1, gamma, s, a)).fold(f64::NEG_INFINITY, f64::max);
        assert!((v1[s] - best).abs() < 1e-8, "value iteration: V({s}) = {} does not satisfy V = max q ({best})", v1[s]);
        assert!((v1[s] - v2[s]).abs() < 1e-7, "the two methods disagree at state {s}: {} vs {}", v1[s], v2[s]);
    }
    assert_eq!(p1, p2, "value iteration and policy iteration should give the same policy");
}

#[test]
fn the_discount_decides_between_near_and_far() {
    // State 0: action 0 pays 1 and ends (state 6); action 1 walks 1 → 2 → 3 → 4 → 5,
    // and the last step pays 10. Every other action stays where it is for nothing.
    let n = 7;
    let mut p = vec![vec![vec![0.0; n]; 2]; n];
    let mut r = vec![vec![0.0; 2]; n];
    p[0][0][6] = 1.0;
    r[0][0] = 1.0;
    p[0][1][1] = 1.0;
    for s in 1..n {
        p[s][0][s] = 1.0;
        p[s][1][if (1..5).contains(&s) { s + 1 } else { s }] = 1.0;
    }
    r[4][1] = 10.0;
    let m = Mdp { n_states: n, n_actions: 2, p, r };
    // Far reward worth γ⁴·10: 0.625 at γ = 0.5 (take the 1 now), 6.561 at γ = 0.9 (walk).
    for (gamma, action, value) in [(0.5, 0usize, 1.0), (0.9, 1, 6.561)] {
        let (v, pol) = value_iteration(&m, gamma, 1e-12);
        assert_eq!(pol[0], action, "with γ = {gamma} the best first action is {action}");
        assert!((v[0] - value).abs() < 1e-8, "with γ = {gamma}, V(0) should be {value}, got {}", v[0]);
        let (v, pol) = policy_iteration(&m, gamma);
        assert_eq!(pol[0], action, "policy iteration, γ = {gamma}: the best first action is {action}");
        assert!((v[0] - value).abs() < 1e-8, "policy iteration, γ = {gamma}: V(0) should be {value}, got {}", v[0]);
    }
}
