// In my random games the same player makes every move: I forgot to swap to_move.
use nma_engine::prelude::*;
use std::collections::HashMap;

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

pub fn mc_simulate(board: &Board, player: i8, rollouts: usize, rng: &mut Rng) -> f32 {
    let mut total = 0.0;
    for _ in 0..rollouts {
        let (mut b, mut to_move) = (*board, player);
        let outcome = loop {
            if let Some(r) = result(&b) {
                break r;
            }
            let moves = legal_moves(&b);
            b = play(&b, moves[rng.below(moves.len())], to_move);
        };
        total += (outcome * player) as f32;
    }
    total / rollouts as f32
}

/// Statistics of one position in the tree, one entry per legal move.
struct Node {
    moves: Vec<usize>,
    visits: Vec<f32>,
    value_sum: Vec<f32>,
    total_visits: f32,
}

/// One simulation from `b` with `p` to move; returns the value of `b` for `p`.
fn simulate(b: &Board, p: i8, c_puct: f32, tree: &mut HashMap<Board, Node>, rng: &mut Rng) -> f32 {
    if let Some(r) = result(b) {
        return (r * p) as f32;
    }
    let Some(node) = tree.get(b) else {
        // A new leaf: add it, and estimate its value with one random game.
        let moves = legal_moves(b);
        let k = moves.len();
        tree.insert(*b, Node { moves, visits: vec![0.0; k], value_sum: vec![0.0; k], total_visits: 0.0 });
        return mc_simulate(b, p, 1, rng);
    };
    // PUCT: exploit good moves, explore rarely visited ones.
    let prior = 1.0 / node.moves.len() as f32;
    let mut best = 0;
    let mut best_score = f32::NEG_INFINITY;
    for a in 0..node.moves.len() {
        let q = if node.visits[a] > 0.0 { node.value_sum[a] / node.visits[a] } else { 0.0 };
        let u = q + c_puct * prior * node.total_visits.sqrt() / (1.0 + node.visits[a]);
        if u > best_score {
            best_score = u;
            best = a;
        }
    }
    let child = play(b, node.moves[best], p);
    // The child is seen by the opponent: its value for us is the negative of its value for them.
    let v = -simulate(&child, -p, c_puct, tree, rng);
    let node = tree.get_mut(b).expect("the node was just read");
    node.visits[best] += 1.0;
    node.value_sum[best] += v;
    node.total_visits += 1.0;
    v
}

pub fn mcts_search(board: &Board, player: i8, sims: usize, c_puct: f32, rng: &mut Rng) -> usize {
    let mut tree = HashMap::new();
    for _ in 0..sims.max(2) {
        simulate(board, player, c_puct, &mut tree, rng);
    }
    let root = &tree[board];
    let mut best = 0;
    for a in 1..root.moves.len() {
        if root.visits[a] > root.visits[best] {
            best = a;
        }
    }
    root.moves[best]
}
