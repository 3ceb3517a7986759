use super::*;
use nma_engine::prelude::*;

#[test]
fn finished_games_are_scored_exactly() {
    let mut rng = Rng::new(nma_harness::seed());
    // Player 1 has the top row; whoever is "to move", the game is over.
    let won: Board = [1, 1, 1, -1, -1, 0, 0, 0, 0];
    assert_eq!(mc_simulate(&won, 1, 5, &mut rng), 1.0, "player 1 has already won: every rollout scores +1 for it");
    assert_eq!(mc_simulate(&won, -1, 5, &mut rng), -1.0, "seen by player −1 the same game is a loss");
    // One cell left: X plays it and the game is a draw.
    let last: Board = [1, -1, 1, 1, -1, -1, -1, 1, 0];
    assert_eq!(mc_simulate(&last, 1, 5, &mut rng), 0.0, "the last move draws");
}

#[test]
fn takes_a_winning_move() {
    // X (1) to move: cell 8 completes the bottom row at once; O threatens cell 5.
    let board: Board = [0, 0, 0, -1, -1, 0, 1, 1, 0];
    let mut rng = Rng::new(nma_harness::seed());
    let mv = mcts_search(&board, 1, 200, 1.0, &mut rng);
    assert_eq!(mv, 8, "X wins by playing cell 8 (bottom row); the search chose {mv}");
}

/// The exact expected result for `me` of uniformly random play from `b` with `p` to move.
fn random_play_value(b: &Board, p: i8, me: i8) -> f64 {
    if let Some(r) = result(b) {
        return (r * me) as f64;
    }
    let moves = legal_moves(b);
    moves.iter().map(|&m| random_play_value(&play(b, m, p), -p, me)).sum::<f64>() / moves.len() as f64
}

#[test]
fn rollouts_estimate_the_value_of_random_play() {
    // X (1) to move, O has taken the top middle. The players take turns in every rollout.
    let board: Board = [0, -1, 0, 0, 1, 0, 0, 0, 0];
    let want = random_play_value(&board, 1, 1);
    let mut rng = Rng::new(nma_harness::seed() + 4);
    let got = mc_simulate(&board, 1, 4000, &mut rng);
    assert!(
        (got as f64 - want).abs() < 0.06,
        "random games from {board:?} with X to move are worth {want:.3} to X on average; 4000 rollouts say {got:.3} (do the players alternate?)"
    );
}

#[test]
fn answers_a_corner_opening_in_the_centre() {
    // X took a corner; O's only reply that does not lose is the centre (4). With 2000
    // simulations a search finds it nearly every time; count 20 searches.
    let opening: Board = [1, 0, 0, 0, 0, 0, 0, 0, 0];
    let base = nma_harness::seed() * 100 + 50;
    let centre = (0..20u64).filter(|k| mcts_search(&opening, -1, 2000, 1.0, &mut Rng::new(base + k)) == 4).count();
    assert!(
        centre >= 12,
        "after X's corner opening, O should take the centre in at least 12 of 20 searches (2000 simulations each); it did in {centre}. Check that values change sign at every level of the backup and that each new leaf is valued for the player to move there"
    );
}
