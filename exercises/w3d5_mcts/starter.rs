//! W3D5 — random rollouts and Monte Carlo tree search for tic-tac-toe.
use nma_engine::prelude::*;

/// Nine cells, row by row: 1 and −1 are the two players' marks, 0 an empty cell.
pub type Board = [i8; 9];

const LINES: [[usize; 3]; 8] = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];

/// `Some(1)` or `Some(-1)` when that player has three in a row, `Some(0)` for a full board
/// with no line (a draw), `None` while the game goes on. Given.
pub fn result(board: &Board) -> Option<i8> {
    for [a, b, c] in LINES {
        if board[a] != 0 && board[a] == board[b] && board[a] == board[c] {
            return Some(board[a]);
        }
    }
    if board.iter().all(|&cell| cell != 0) {
        Some(0)
    } else {
        None
    }
}

/// The empty cells, in increasing order; none once the game is over. Given.
pub fn legal_moves(board: &Board) -> Vec<usize> {
    if result(board).is_some() {
        return Vec::new();
    }
    (0..9).filter(|&i| board[i] == 0).collect()
}

/// The board after `player` marks cell `mv`. Given.
pub fn play(board: &Board, mv: usize, player: i8) -> Board {
    let mut next = *board;
    next[mv] = player;
    next
}

/// The mean result, as `player` sees it, of `rollouts` uniformly random games played from
/// `board` with `player` to move.
pub fn mc_simulate(board: &Board, player: i8, rollouts: usize, rng: &mut Rng) -> f32 {
    // TODO: play random games to the end and average their results. This placeholder
    // thinks every position is a draw.
    let _ = (board, player, rollouts, rng);
    0.0
}

/// The move chosen by `sims` simulations of MCTS with PUCT and uniform priors, from `board`
/// with `player` to move.
pub fn mcts_search(board: &Board, player: i8, sims: usize, c_puct: f32, rng: &mut Rng) -> usize {
    // TODO: build the search tree. This placeholder plays the first free cell.
    let _ = (player, sims, c_puct, rng);
    legal_moves(board)[0]
}
