// I took the max over Q(s, ·) of the state I am in, not of the state I moved to.
use nma_engine::rng::Rng;

/// Longest episode: after this many steps an episode ends even without reaching the goal.
pub const MAX_STEPS: usize = 100;

/// A grid world to act in (`.` free, `#` wall, `G` goal); cell (row, col) is state
/// row·cols + col; actions 0 up, 1 right, 2 down, 3 left. Given.
pub struct GridEnv {
    rows: usize,
    cols: usize,
    walls: Vec<bool>,
    goal: usize,
    starts: Vec<usize>,
}

impl GridEnv {
    pub fn new(lines: &[&str]) -> GridEnv {
        let cells: Vec<char> = lines.iter().flat_map(|l| l.chars()).collect();
        let (rows, cols) = (lines.len(), cells.len() / lines.len());
        let walls: Vec<bool> = cells.iter().map(|&c| c == '#').collect();
        let goal = cells.iter().position(|&c| c == 'G').expect("the map needs a goal `G`");
        let starts = (0..cells.len()).filter(|&s| !walls[s] && s != goal).collect();
        GridEnv { rows, cols, walls, goal, starts }
    }

    pub fn n_states(&self) -> usize {
        self.rows * self.cols
    }

    pub fn n_actions(&self) -> usize {
        4
    }

    /// The states an episode may start in: every free cell except the goal.
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// One move from state `s`: (next state, reward, done). Walls and edges block the move;
    /// entering the goal pays 1 and ends the episode.
    pub fn step(&self, s: usize, a: usize) -> (usize, f64, bool) {
        let (dr, dc) = [(-1isize, 0isize), (0, 1), (1, 0), (0, -1)][a];
        let (r, c) = ((s / self.cols) as isize + dr, (s % self.cols) as isize + dc);
        let mut next = s;
        if r >= 0 && c >= 0 && r < self.rows as isize && c < self.cols as isize {
            let t = r as usize * self.cols + c as usize;
            if !self.walls[t] {
                next = t;
            }
        }
        if next == self.goal {
            (next, 1.0, true)
        } else {
            (next, 0.0, false)
        }
    }
}

fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = i;
        }
    }
    best
}

pub fn pick_action(q: &[Vec<f64>], state: usize, epsilon: f64, rng: &mut Rng) -> usize {
    if (rng.uniform() as f64) < epsilon {
        rng.below(q[state].len())
    } else {
        argmax(&q[state])
    }
}

pub fn learn_q(world: &GridEnv, episodes: usize, alpha: f64, gamma: f64, epsilon: f64, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = Rng::new(seed);
    let mut q = vec![vec![0.0; world.n_actions()]; world.n_states()];
    for _ in 0..episodes {
        let mut s = world.starts()[rng.below(world.starts().len())];
        for _ in 0..MAX_STEPS {
            let a = pick_action(&q, s, epsilon, &mut rng);
            let (next, reward, done) = world.step(s, a);
            // The target uses the best next action, whatever the behaviour will do.
            let future = if done { 0.0 } else { q[s].iter().cloned().fold(f64::NEG_INFINITY, f64::max) /* the current state */ };
            q[s][a] += alpha * (reward + gamma * future - q[s][a]);
            s = next;
            if done {
                break;
            }
        }
    }
    q
}
