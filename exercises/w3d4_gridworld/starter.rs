//! W3D4 — a grid world: planning with breadth-first search, and the same world as an MDP.

/// Moves of the four actions as (row change, column change): 0 up, 1 right, 2 down, 3 left.
pub const ACTIONS: [(isize, isize); 4] = [(-1, 0), (0, 1), (1, 0), (0, -1)];

/// A grid world. Cell (row, col) is state `row * cols + col`. Given.
pub struct Grid {
    pub rows: usize,
    pub cols: usize,
    /// `walls[s]` is true when state s is a wall.
    pub walls: Vec<bool>,
    /// The goal state.
    pub goal: usize,
}

impl Grid {
    /// Reads a map: `.` free, `#` wall, `G` the goal (exactly one), one string per row.
    pub fn parse(lines: &[&str]) -> Grid {
        let rows = lines.len();
        let cols = lines[0].chars().count();
        let (mut walls, mut goal) = (Vec::new(), None);
        for line in lines {
            assert_eq!(line.chars().count(), cols, "every row of the map needs {cols} cells");
            for ch in line.chars() {
                if ch == 'G' {
                    goal = Some(walls.len());
                }
                walls.push(ch == '#');
            }
        }
        Grid { rows, cols, walls, goal: goal.expect("the map needs a goal `G`") }
    }

    pub fn n_states(&self) -> usize {
        self.rows * self.cols
    }

    pub fn state(&self, row: usize, col: usize) -> usize {
        row * self.cols + col
    }

    pub fn coords(&self, s: usize) -> (usize, usize) {
        (s / self.cols, s % self.cols)
    }
}

/// A finite MDP as tables. Given.
pub struct Mdp {
    pub n_states: usize,
    pub n_actions: usize,
    /// `p[s][a][t]`: the probability of landing in state t after action a in state s.
    pub p: Vec<Vec<Vec<f64>>>,
    /// `r[s][a]`: the expected reward of action a in state s.
    pub r: Vec<Vec<f64>>,
}

/// A shortest path of states from `start` to `goal` (both included), stepping between
/// free cells that share a side; `None` when there is none.
pub fn bfs_plan(grid: &Grid, start: usize, goal: usize) -> Option<Vec<usize>> {
    // TODO: breadth-first search from `start`, remembering each state's parent, then walk
    // back from `goal`. This placeholder returns just the two end points.
    let _ = grid;
    Some(vec![start, goal])
}

/// The grid as an MDP: deterministic moves, blocked by walls and edges; reward 1 for
/// entering the goal; the goal and the wall cells keep you where you are.
pub fn build_mdp(grid: &Grid) -> Mdp {
    // TODO: fill p and r. This placeholder makes every action stay put with no reward.
    let n = grid.n_states();
    let stay = |s: usize| (0..n).map(|t| if t == s { 1.0 } else { 0.0 }).collect::<Vec<f64>>();
    Mdp {
        n_states: n,
        n_actions: 4,
        p: (0..n).map(|s| (0..4).map(|_| stay(s)).collect()).collect(),
        r: vec![vec![0.0; 4]; n],
    }
}
