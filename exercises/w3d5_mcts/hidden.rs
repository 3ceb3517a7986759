use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

/// The exact expected result for `me` of uniformly random play from `b` with `p` to move.
fn exact_random_value(b: &Board, p: i8, me: i8) -> f64 {
    if let Some(r) = result(b) {
        return (r * me) as f64;
    }
    let moves = legal_moves(b);
    moves.iter().map(|&m| exact_random_value(&play(b, m, p), -p, me)).sum::<f64>() / moves.len() as f64
}

#[test]
fn rollouts_average_to_the_exact_value() {
    // O (−1) to move with five empty cells; the mean of 4000 random games is within 0.06 of the exact value.
    let board: Board = [1, 0, 0, 0, -1, 0, 1, 0, 0];
    let mut check = |b: &Board, p: i8| {
        let want = exact_random_value(b, p, p);
        let mut rng = Rng::new(nma_harness::seed() + 7);
        let got = mc_simulate(b, p, 4000, &mut rng);
        assert!((got as f64 - want).abs() < 0.06, "from {b:?} with {p} to move, random play is worth {want:.3} to the mover; the rollouts say {got:.3}");
    };
    check(&board, -1);
    check(&[1, -1, 0, 0, 1, 0, 0, 0, -1], 1);
}

#[test]
fn o_finds_its_win_too() {
    // O (−1) to move: cell 5 completes the middle row; X threatens cell 2.
    let board: Board = [1, 1, 0, -1, -1, 0, 1, 0, 0];
    let mut rng = Rng::new(nma_harness::seed() + 1);
    let mv = mcts_search(&board, -1, 200, 1.0, &mut rng);
    assert_eq!(mv, 5, "O wins by playing cell 5; the search chose {mv}");
}

#[test]
fn blocks_the_opponents_threat() {
    // O (−1) to move, no win of its own: X threatens the right column at cell 8.
    let board: Board = [0, 0, 1, 0, -1, 1, 0, 0, 0];
    let mut rng = Rng::new(nma_harness::seed() + 2);
    let mv = mcts_search(&board, -1, 400, 1.0, &mut rng);
    assert_eq!(mv, 8, "O must block at cell 8; the search chose {mv}");
}

#[test]
fn beats_a_random_player() {
    // 40 games, MCTS (200 simulations a move) playing X in even games and O in odd ones.
    let mut rng = Rng::new(nma_harness::seed() + 3);
    let mut run = Training::new("win rate against a random player", 0.6, Goal::AtLeast);
    let games = 40;
    let mut wins = 0;
    for game in 0..games {
        let me: i8 = if game % 2 == 0 { 1 } else { -1 };
        let (mut board, mut to_move): (Board, i8) = ([0; 9], 1);
        while result(&board).is_none() {
            let mv = if to_move == me {
                mcts_search(&board, to_move, 200, 1.0, &mut rng)
            } else {
                let moves = legal_moves(&board);
                moves[rng.below(moves.len())]
            };
            assert!(board[mv] == 0, "the search chose cell {mv}, which is not empty in {board:?}");
            board = play(&board, mv, to_move);
            to_move = -to_move;
        }
        if result(&board) == Some(me) {
            wins += 1;
        }
        // The "loss" curve: the share of games not won so far.
        run.step(game, 1.0 - wins as f32 / (game + 1) as f32);
    }
    run.finish(wins as f64 / games as f64);
}
