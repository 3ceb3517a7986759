use super::*;
use nma_engine::rng::Rng;

#[test]
fn greedy_when_epsilon_is_zero() {
    let q = vec![vec![0.1, 0.5, -0.2, 0.3], vec![0.2, 0.2, 0.1, 0.2]];
    let mut rng = Rng::new(nma_harness::seed());
    for _ in 0..50 {
        assert_eq!(pick_action(&q, 0, 0.0, &mut rng), 1, "with ε = 0, state 0 must take its best action, 1");
        assert_eq!(pick_action(&q, 1, 0.0, &mut rng), 0, "state 1: actions 0, 1, 3 tie; the lowest index (0) wins");
    }
}

#[test]
fn epsilon_sets_how_often_we_explore() {
    // With ε = 0.4 the best action comes from exploiting (0.6) or from exploring (0.4 / 4).
    let q = vec![vec![0.0, 0.0, 1.0, 0.0]];
    let mut rng = Rng::new(nma_harness::seed() + 5);
    let draws = 8000;
    let mut counts = [0usize; 4];
    for _ in 0..draws {
        counts[pick_action(&q, 0, 0.4, &mut rng)] += 1;
    }
    let best = counts[2] as f64 / draws as f64;
    assert!((best - 0.7).abs() < 0.03, "ε = 0.4: the best action should be taken about 70% of the time, got {best:.3} (counts {counts:?})");
    for a in [0, 1, 3] {
        let f = counts[a] as f64 / draws as f64;
        assert!((f - 0.1).abs() < 0.025, "ε = 0.4: action {a} should come up about 10% of the time, got {f:.3}");
    }
}

#[test]
fn q_learning_on_a_short_corridor() {
    // "....G": from state s the goal is 4 − s moves away. Entering it pays 1, so the best
    // value of moving right is γ^(3 − s): the reward, discounted once per move after the first.
    // Q-learning learns these values however much it explores (here ε = 0.5).
    let world = GridEnv::new(&["....G"]);
    let gamma = 0.9;
    let q = learn_q(&world, 400, 0.5, gamma, 0.5, nma_harness::seed() + 2);
    assert_eq!(q.len(), 5, "one row of Q per state");
    for s in 0..4 {
        let want = gamma.powi(3 - s as i32);
        assert!(
            (q[s][1] - want).abs() < 0.02,
            "Q({s}, right) should approach γ^{} = {want:.3} (the target is r + γ·max Q(next, ·)), got {:.4}",
            3 - s,
            q[s][1]
        );
    }
}
