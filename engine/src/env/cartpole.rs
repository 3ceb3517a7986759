//! The cart-pole balancing task.

use crate::rng::Rng;

/// Cart-pole with the classic equations of Barto, Sutton & Anderson (1983),
/// the constants and Euler integration of OpenAI Gym's `CartPole-v1`:
/// gravity 9.8, cart mass 1.0, pole mass 0.1, pole half-length 0.5, force
/// ±10 N, time step 0.02 s. The state is `[x, ẋ, θ, θ̇]` (θ = 0 upright,
/// positive leaning right); action 0 pushes left, 1 pushes right:
///
/// ```text
/// temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
/// θ̈   = (g sin θ - cos θ · temp) / (l (4/3 - m_p cos² θ / (m_c + m_p)))
/// ẍ   = temp - m_p l θ̈ cos θ / (m_c + m_p)
/// x += τ ẋ,  ẋ += τ ẍ,  θ += τ θ̇,  θ̇ += τ θ̈
/// ```
///
/// Every step returns reward 1; the episode is done when `|x| > 2.4` or
/// `|θ| > 12°` (after the step that crosses). [`reset`](CartPole::reset)
/// draws the four numbers uniformly in `[-0.05, 0.05)` from the
/// environment's [`Rng`], seeded at construction, so a seed fixes every
/// episode. Computed in `f64`, observed as `f32`.
#[derive(Debug, Clone)]
pub struct CartPole {
    /// `[x, x_dot, theta, theta_dot]`.
    pub state: [f64; 4],
    rng: Rng,
    steps: usize,
}

impl CartPole {
    pub const GRAVITY: f64 = 9.8;
    pub const MASS_CART: f64 = 1.0;
    pub const MASS_POLE: f64 = 0.1;
    /// Half the pole's length.
    pub const LENGTH: f64 = 0.5;
    pub const FORCE: f64 = 10.0;
    pub const TAU: f64 = 0.02;
    pub const X_LIMIT: f64 = 2.4;
    /// 12 degrees, in radians.
    pub const THETA_LIMIT: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;

    /// An environment seeded with `seed`, already reset.
    pub fn new(seed: u64) -> CartPole {
        let mut env = CartPole {
            state: [0.0; 4],
            rng: Rng::new(seed),
            steps: 0,
        };
        env.reset();
        env
    }

    pub fn num_actions(&self) -> usize {
        2
    }

    /// Steps since the last reset.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// A new episode; returns the observation.
    pub fn reset(&mut self) -> [f32; 4] {
        for v in &mut self.state {
            *v = (self.rng.uniform() as f64 - 0.5) * 0.1;
        }
        self.steps = 0;
        self.observation()
    }

    pub fn observation(&self) -> [f32; 4] {
        self.state.map(|v| v as f32)
    }

    /// The state after applying `action` (0 left, 1 right) to `state`.
    #[track_caller]
    pub fn dynamics(state: [f64; 4], action: usize) -> [f64; 4] {
        if action > 1 {
            panic!("CartPole: action must be 0 (push left) or 1 (push right), but got {action}");
        }
        let [x, x_dot, theta, theta_dot] = state;
        let force = if action == 1 { CartPole::FORCE } else { -CartPole::FORCE };
        let total_mass = CartPole::MASS_CART + CartPole::MASS_POLE;
        let polemass_length = CartPole::MASS_POLE * CartPole::LENGTH;
        let (sin, cos) = theta.sin_cos();
        let temp = (force + polemass_length * theta_dot * theta_dot * sin) / total_mass;
        let theta_acc = (CartPole::GRAVITY * sin - cos * temp)
            / (CartPole::LENGTH * (4.0 / 3.0 - CartPole::MASS_POLE * cos * cos / total_mass));
        let x_acc = temp - polemass_length * theta_acc * cos / total_mass;
        [
            x + CartPole::TAU * x_dot,
            x_dot + CartPole::TAU * x_acc,
            theta + CartPole::TAU * theta_dot,
            theta_dot + CartPole::TAU * theta_acc,
        ]
    }

    /// Whether `state` ends the episode.
    pub fn is_terminal(state: [f64; 4]) -> bool {
        state[0].abs() > CartPole::X_LIMIT || state[2].abs() > CartPole::THETA_LIMIT
    }

    /// Applies `action`: `(observation, reward 1.0, done)`.
    #[track_caller]
    pub fn step(&mut self, action: usize) -> ([f32; 4], f32, bool) {
        self.state = CartPole::dynamics(self.state, action);
        self.steps += 1;
        (self.observation(), 1.0, CartPole::is_terminal(self.state))
    }
}
