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
