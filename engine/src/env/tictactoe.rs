//! Tic-tac-toe.

/// What a square holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cell {
    Empty,
    X,
    O,
}

/// How a game stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    InProgress,
    Won(Cell),
    Draw,
}

/// The eight lines of three.
const LINES: [[usize; 3]; 8] = [
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
    [0, 3, 6],
    [1, 4, 7],
    [2, 5, 8],
    [0, 4, 8],
    [2, 4, 6],
];

/// The 8 symmetries of the square: `SYMMETRIES[k][i]` is the square whose
/// content moves to square `i` (identity, rotations by 90°, 180°, 270°
/// clockwise, then the four reflections).
const SYMMETRIES: [[usize; 9]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
    [6, 3, 0, 7, 4, 1, 8, 5, 2],
    [8, 7, 6, 5, 4, 3, 2, 1, 0],
    [2, 5, 8, 1, 4, 7, 0, 3, 6],
    [2, 1, 0, 5, 4, 3, 8, 7, 6],
    [8, 5, 2, 7, 4, 1, 6, 3, 0],
    [6, 7, 8, 3, 4, 5, 0, 1, 2],
    [0, 3, 6, 1, 4, 7, 2, 5, 8],
];

/// A game of tic-tac-toe. Squares are numbered 0..9 row by row; X moves
/// first. Fully deterministic (no seed needed).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TicTacToe {
    pub board: [Cell; 9],
}

impl Default for TicTacToe {
    fn default() -> Self {
        TicTacToe::new()
    }
}

impl TicTacToe {
    /// An empty board.
    pub fn new() -> TicTacToe {
        TicTacToe { board: [Cell::Empty; 9] }
    }

    /// Whose turn it is (X when the counts are equal). Meaningless once the game is over.
    pub fn to_move(&self) -> Cell {
        let xs = self.board.iter().filter(|&&c| c == Cell::X).count();
        let os = self.board.iter().filter(|&&c| c == Cell::O).count();
        if xs == os {
            Cell::X
        } else {
            Cell::O
        }
    }

    /// The player with three in a row, if any.
    pub fn winner(&self) -> Option<Cell> {
        LINES.iter().find_map(|l| {
            let c = self.board[l[0]];
            (c != Cell::Empty && c == self.board[l[1]] && c == self.board[l[2]]).then_some(c)
        })
    }

    pub fn outcome(&self) -> Outcome {
        match self.winner() {
            Some(p) => Outcome::Won(p),
            None if self.board.iter().all(|&c| c != Cell::Empty) => Outcome::Draw,
            None => Outcome::InProgress,
        }
    }

    pub fn is_over(&self) -> bool {
        self.outcome() != Outcome::InProgress
    }

    /// The empty squares, ascending; none once the game is over.
    pub fn legal_moves(&self) -> Vec<usize> {
        if self.is_over() {
            return Vec::new();
        }
        (0..9).filter(|&i| self.board[i] == Cell::Empty).collect()
    }

    /// The player to move takes `square`; returns the outcome after it.
    #[track_caller]
    pub fn play(&mut self, square: usize) -> Outcome {
        if self.is_over() {
            panic!("TicTacToe::play: the game is already over ({:?})", self.outcome());
        }
        if square >= 9 || self.board[square] != Cell::Empty {
            panic!("TicTacToe::play: square {square} is not a legal move; legal moves are {:?}", self.legal_moves());
        }
        self.board[square] = self.to_move();
        self.outcome()
    }

    /// The board as a number in base 3 (square 0 most significant; empty 0, X 1, O 2).
    pub fn encode(&self) -> u32 {
        self.board.iter().fold(0, |acc, &c| acc * 3 + c as u32)
    }

    /// The board after symmetry `k` (0..8, see the source for the order).
    #[track_caller]
    pub fn transformed(&self, k: usize) -> TicTacToe {
        let map = SYMMETRIES[k];
        TicTacToe {
            board: std::array::from_fn(|i| self.board[map[i]]),
        }
    }

    /// The canonical representative of this board's symmetry class — the one
    /// of its 8 rotations and reflections with the smallest [`encode`](TicTacToe::encode)
    /// — and the symmetry `k` that produces it (the smallest such `k`).
    /// Boards that are rotations or reflections of each other share it.
    pub fn canonical(&self) -> (TicTacToe, usize) {
        (0..8)
            .map(|k| (self.transformed(k), k))
            .min_by_key(|(b, k)| (b.encode(), *k))
            .expect("eight symmetries")
    }

    /// The board as 9 numbers from the view of the player to move: 1 for
    /// their marks, -1 for the opponent's, 0 for empty (a network's input).
    pub fn features(&self) -> [f32; 9] {
        let me = self.to_move();
        self.board.map(|c| match c {
            Cell::Empty => 0.0,
            c if c == me => 1.0,
            _ => -1.0,
        })
    }
}
