//! Environments: grid world, cart-pole, tic-tac-toe.

use std::collections::{HashSet, VecDeque};

use nma_engine::env::{CartPole, Cell, GridWorld, Outcome, TicTacToe};

// ------------------------------------------------------------------ grid world

#[test]
fn grid_world_moves_blocks_and_ends_at_the_goal() {
    let mut g = GridWorld::classic();
    assert_eq!((g.num_states(), g.num_actions()), (25, 4));
    assert_eq!(g.reset(), 0);
    assert_eq!(g.step(GridWorld::UP), (0, -0.01, false)); // off the grid: stays
    assert_eq!(g.step(GridWorld::LEFT), (0, -0.01, false));
    assert_eq!(g.step(GridWorld::RIGHT), (1, -0.01, false));
    assert_eq!(g.step(GridWorld::DOWN), (1, -0.01, false)); // (1, 1) is a wall
    assert_eq!(g.transition(19, GridWorld::DOWN), (24, 1.0, true));
    assert_eq!(g.transition(23, GridWorld::RIGHT), (24, 1.0, true));
    assert_eq!(g.transition(24, GridWorld::LEFT), (24, 0.0, true)); // absorbing
    let table = g.transition_table();
    assert_eq!((table.len(), table[0].len()), (25, 4));
    for (s, row) in table.iter().enumerate() {
        for &(n, _, _) in row {
            assert!(!g.is_wall(n) || n == s);
        }
    }
}

#[test]
fn value_iteration_gives_discounted_shortest_paths() {
    let g = GridWorld::classic();
    let mut g0 = g.clone();
    g0.step_reward = 0.0;
    let v = g0.value_iteration(0.9);
    // independent reference: breadth-first distances to the goal
    let mut dist = [usize::MAX; 25];
    dist[g.goal] = 0;
    let mut queue = VecDeque::from([g.goal]);
    while let Some(s) = queue.pop_front() {
        let (r, c) = g.position(s);
        for (dr, dc) in [(-1i32, 0i32), (1, 0), (0, -1), (0, 1)] {
            let (nr, nc) = (r as i32 + dr, c as i32 + dc);
            if (0..5).contains(&nr) && (0..5).contains(&nc) {
                let n = (nr * 5 + nc) as usize;
                if !g.is_wall(n) && dist[n] == usize::MAX {
                    dist[n] = dist[s] + 1;
                    queue.push_back(n);
                }
            }
        }
    }
    for s in 0..25 {
        if g.is_wall(s) || s == g.goal {
            continue;
        }
        // reward 1 on the d-th move, discounted d - 1 times
        assert!((v[s] - 0.9f64.powi(dist[s] as i32 - 1)).abs() < 1e-6, "state {s}");
    }
    assert_eq!(dist[g.start], 8);
}

// ------------------------------------------------------------------ cart-pole

#[test]
fn cart_pole_steps_match_gym_equations() {
    // reference: OpenAI Gym's CartPole-v1 step (Euler) evaluated in Python (f64),
    // from [0.01, -0.02, 0.03, 0.04] with actions 1, 1, 0
    let expected = [
        [0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081],
        [0.013093583914951107, 0.3693479760579556, 0.025938625640799837, -0.5258796280501483],
        [0.02048054343611022, 0.17387081260481596, 0.01542103307979687, -0.22513741609237464],
    ];
    let mut s = [0.01, -0.02, 0.03, 0.04];
    for (a, e) in [1, 1, 0].into_iter().zip(expected) {
        s = CartPole::dynamics(s, a);
        for i in 0..4 {
            assert!((s[i] - e[i]).abs() < 1e-12, "{s:?} vs {e:?}");
        }
    }
}

#[test]
fn cart_pole_resets_are_seeded_and_small() {
    let mut a = CartPole::new(11);
    let mut b = CartPole::new(11);
    let first = a.observation();
    assert_eq!(first, b.observation());
    assert!(first.iter().all(|v| v.abs() <= 0.05));
    assert_ne!(a.reset(), first);
    assert_eq!(b.reset(), a.observation());
    assert_ne!(CartPole::new(12).observation(), first);
}

#[test]
fn cart_pole_falls_when_pushed_one_way_and_reports_done() {
    let mut env = CartPole::new(0);
    let mut steps = 0;
    loop {
        let (obs, reward, done) = env.step(1);
        assert_eq!(reward, 1.0);
        steps += 1;
        if done {
            // pushing right tips the pole left
            assert!(obs[2] < -CartPole::THETA_LIMIT as f32 || obs[0].abs() > 2.4);
            break;
        }
        assert!(steps < 200);
    }
    assert!((5..50).contains(&steps), "{steps}");
    assert_eq!(env.steps(), steps);
    // the upright pole at rest has no angular acceleration from gravity alone;
    // a push accelerates the cart the way it pushes
    let s = CartPole::dynamics([0.0; 4], 1);
    assert!(s[1] > 0.0 && s[3] < 0.0);
}

// ------------------------------------------------------------------ tic-tac-toe

#[test]
fn tic_tac_toe_rules() {
    let mut g = TicTacToe::new();
    assert_eq!(g.legal_moves(), (0..9).collect::<Vec<_>>());
    assert_eq!(g.to_move(), Cell::X);
    for sq in [0, 3, 1, 4] {
        assert_eq!(g.play(sq), Outcome::InProgress);
    }
    assert_eq!(g.play(2), Outcome::Won(Cell::X));
    assert!(g.legal_moves().is_empty());
    let mut d = TicTacToe::new();
    for sq in [0, 1, 2, 4, 3, 5, 7, 6, 8] {
        d.play(sq);
    }
    assert_eq!(d.outcome(), Outcome::Draw);
    assert_eq!(d.features()[4], 1.0); // O played 4, and O is "to move" (X has one more mark)
}

#[test]
#[should_panic(expected = "square 4 is not a legal move")]
fn tic_tac_toe_rejects_an_occupied_square() {
    let mut g = TicTacToe::new();
    g.play(4);
    g.play(4);
}

/// Every position reachable in play, and terminal outcomes.
fn explore(g: &TicTacToe, seen: &mut HashSet<TicTacToe>, games: &mut [usize; 3]) {
    seen.insert(g.clone());
    match g.outcome() {
        Outcome::Won(Cell::X) => games[0] += 1,
        Outcome::Won(_) => games[1] += 1,
        Outcome::Draw => games[2] += 1,
        Outcome::InProgress => {
            for m in g.legal_moves() {
                let mut next = g.clone();
                next.play(m);
                explore(&next, seen, games);
            }
        }
    }
}

#[test]
fn tic_tac_toe_counts_match_the_known_numbers() {
    // Known counts: 5,478 legal positions, 765 up to symmetry, 255,168 games
    // (131,184 won by X, 77,904 by O, 46,080 drawn).
    let mut seen = HashSet::new();
    let mut games = [0; 3];
    explore(&TicTacToe::new(), &mut seen, &mut games);
    assert_eq!(seen.len(), 5478);
    assert_eq!(games, [131_184, 77_904, 46_080]);
    let classes: HashSet<u32> = seen.iter().map(|g| g.canonical().0.encode()).collect();
    assert_eq!(classes.len(), 765);
    // the canonical board is one of the board's own symmetries and is shared by all of them
    let mut g = TicTacToe::new();
    g.play(2);
    g.play(4);
    let (c, k) = g.canonical();
    assert_eq!(g.transformed(k), c);
    for s in 0..8 {
        assert_eq!(g.transformed(s).canonical().0, c);
    }
}
