// My next_state splits a state into (row, col) by the number of rows instead of the number of columns.
use std::collections::VecDeque;

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

/// The state reached from free state s by action a: walls and edges block the move.
fn next_state(grid: &Grid, s: usize, a: usize) -> usize {
    let (r, c) = (s / grid.rows, s % grid.rows); // should divide by cols
    let (dr, dc) = ACTIONS[a];
    let (nr, nc) = (r as isize + dr, c as isize + dc);
    if nr < 0 || nc < 0 || nr >= grid.rows as isize || nc >= grid.cols as isize {
        return s;
    }
    let t = grid.state(nr as usize, nc as usize);
    if grid.walls[t] {
        s
    } else {
        t
    }
}

pub fn bfs_plan(grid: &Grid, start: usize, goal: usize) -> Option<Vec<usize>> {
    if grid.walls[start] || grid.walls[goal] {
        return None;
    }
    let mut parent: Vec<Option<usize>> = vec![None; grid.n_states()];
    let mut seen = vec![false; grid.n_states()];
    let mut queue = VecDeque::from([start]);
    seen[start] = true;
    while let Some(s) = queue.pop_front() {
        if s == goal {
            let mut path = vec![goal];
            let mut at = goal;
            while let Some(p) = parent[at] {
                path.push(p);
                at = p;
            }
            path.reverse();
            return Some(path);
        }
        for a in 0..4 {
            let t = next_state(grid, s, a);
            if !seen[t] {
                seen[t] = true;
                parent[t] = Some(s);
                queue.push_back(t);
            }
        }
    }
    None
}

pub fn build_mdp(grid: &Grid) -> Mdp {
    let n = grid.n_states();
    let mut p = vec![vec![vec![0.0; n]; 4]; n];
    let mut r = vec![vec![0.0; 4]; n];
    for s in 0..n {
        for a in 0..4 {
            let t = if s == grid.goal || grid.walls[s] { s } else { next_state(grid, s, a) };
            p[s][a][t] = 1.0;
            if t == grid.goal && s != grid.goal {
                r[s][a] = 1.0;
            }
        }
    }
    Mdp { n_states: n, n_actions: 4, p, r }
}
