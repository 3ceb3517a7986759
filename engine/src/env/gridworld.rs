//! A deterministic grid world.

/// A `width × height` grid (row 0 at the top) with walls and one goal cell.
///
/// * States are cells, numbered `row · width + col` (walls included, but
///   never entered), so `num_states() = width · height`.
/// * Actions: [`UP`](GridWorld::UP) 0, [`RIGHT`](GridWorld::RIGHT) 1,
///   [`DOWN`](GridWorld::DOWN) 2, [`LEFT`](GridWorld::LEFT) 3. A move into a
///   wall or off the grid leaves the agent where it is.
/// * Rewards: `goal_reward` for a move that enters the goal, `step_reward`
///   for every other move. The episode ends on reaching the goal; the goal
///   is absorbing (every action from it stays there with reward 0).
/// * Deterministic: [`transition`](GridWorld::transition) is a pure function
///   and [`transition_table`](GridWorld::transition_table) lists it whole.
#[derive(Debug, Clone, PartialEq)]
pub struct GridWorld {
    pub width: usize,
    pub height: usize,
    /// `true` for wall cells, row-major.
    pub walls: Vec<bool>,
    pub start: usize,
    pub goal: usize,
    pub goal_reward: f32,
    pub step_reward: f32,
    state: usize,
}

impl GridWorld {
    pub const UP: usize = 0;
    pub const RIGHT: usize = 1;
    pub const DOWN: usize = 2;
    pub const LEFT: usize = 3;
    /// Action names, by action number.
    pub const ACTION_NAMES: [&'static str; 4] = ["up", "right", "down", "left"];

    /// A grid with walls at `(row, col)` cells, start and goal as `(row, col)`,
    /// goal reward 1 and step reward 0.
    #[track_caller]
    pub fn new(
        width: usize,
        height: usize,
        walls: &[(usize, usize)],
        start: (usize, usize),
        goal: (usize, usize),
    ) -> GridWorld {
        if width == 0 || height == 0 {
            panic!("GridWorld: width and height must be at least 1, but got {width}×{height}");
        }
        let cell = |(r, c): (usize, usize), what: &str| {
            if r >= height || c >= width {
                panic!("GridWorld: the {what} ({r}, {c}) is outside the {width}×{height} grid");
            }
            r * width + c
        };
        let mut wall_map = vec![false; width * height];
        for &w in walls {
            wall_map[cell(w, "wall")] = true;
        }
        let (start, goal) = (cell(start, "start"), cell(goal, "goal"));
        if wall_map[start] || wall_map[goal] {
            panic!("GridWorld: the start and the goal must not be walls");
        }
        GridWorld {
            width,
            height,
            walls: wall_map,
            start,
            goal,
            goal_reward: 1.0,
            step_reward: 0.0,
            state: start,
        }
    }

    /// The 5×5 layout used in the course (`#` wall, `S` start, `G` goal),
    /// with step reward -0.01 and goal reward 1:
    ///
    /// ```text
    /// S . . . .
    /// . # # . .
    /// . . # . .
    /// # . # . #
    /// . . . . G
    /// ```
    pub fn classic() -> GridWorld {
        let mut g = GridWorld::new(
            5,
            5,
            &[(1, 1), (1, 2), (2, 2), (3, 0), (3, 2), (3, 4)],
            (0, 0),
            (4, 4),
        );
        g.step_reward = -0.01;
        g
    }

    pub fn num_states(&self) -> usize {
        self.width * self.height
    }

    pub fn num_actions(&self) -> usize {
        4
    }

    /// `(row, col)` of a state.
    pub fn position(&self, state: usize) -> (usize, usize) {
        (state / self.width, state % self.width)
    }

    pub fn is_wall(&self, state: usize) -> bool {
        self.walls[state]
    }

    /// The current state.
    pub fn state(&self) -> usize {
        self.state
    }

    /// Puts the agent back at the start and returns that state.
    pub fn reset(&mut self) -> usize {
        self.state = self.start;
        self.state
    }

    /// `(next state, reward, done)` for taking `action` in `state`.
    #[track_caller]
    pub fn transition(&self, state: usize, action: usize) -> (usize, f32, bool) {
        if state >= self.num_states() || action >= 4 {
            panic!(
                "GridWorld::transition: state {state} or action {action} out of range ({} states, 4 actions)",
                self.num_states()
            );
        }
        if state == self.goal {
            return (state, 0.0, true);
        }
        let (r, c) = self.position(state);
        let (nr, nc) = match action {
            GridWorld::UP => (r.wrapping_sub(1), c),
            GridWorld::RIGHT => (r, c + 1),
            GridWorld::DOWN => (r + 1, c),
            _ => (r, c.wrapping_sub(1)),
        };
        let next = if nr < self.height && nc < self.width && !self.walls[nr * self.width + nc] {
            nr * self.width + nc
        } else {
            state
        };
        if next == self.goal {
            (next, self.goal_reward, true)
        } else {
            (next, self.step_reward, false)
        }
    }

    /// Takes `action` from the current state: `(next state, reward, done)`.
    #[track_caller]
    pub fn step(&mut self, action: usize) -> (usize, f32, bool) {
        let result = self.transition(self.state, action);
        self.state = result.0;
        result
    }

    /// `table[s][a] = (next state, reward, done)` for every state and action.
    pub fn transition_table(&self) -> Vec<Vec<(usize, f32, bool)>> {
        (0..self.num_states())
            .map(|s| (0..4).map(|a| self.transition(s, a)).collect())
            .collect()
    }

    /// Optimal state values by value iteration with discount `gamma`
    /// (terminal goal value 0), iterated until no value changes by more than
    /// `1e-9`, in `f64`.
    pub fn value_iteration(&self, gamma: f64) -> Vec<f64> {
        let table = self.transition_table();
        let mut v = vec![0.0f64; self.num_states()];
        loop {
            let mut change = 0.0f64;
            for s in 0..self.num_states() {
                if s == self.goal || self.walls[s] {
                    continue;
                }
                let best = table[s]
                    .iter()
                    .map(|&(n, r, done)| r as f64 + if done { 0.0 } else { gamma * v[n] })
                    .fold(f64::NEG_INFINITY, f64::max);
                change = change.max((best - v[s]).abs());
                v[s] = best;
            }
            if change < 1e-9 {
                return v;
            }
        }
    }
}
