//! W3D4 — DQN with a replay buffer and a target network, on CartPole.
use nma_engine::prelude::*;

/// Longest episode: a Q-network that balances the pole this long has solved the task here.
pub const MAX_STEPS: usize = 100;
/// The discount of future rewards.
pub const GAMMA: f32 = 0.99;
/// Transitions in each training minibatch.
pub const BATCH: usize = 64;
/// Transitions the replay buffer keeps.
pub const CAPACITY: usize = 5000;
/// The target network is refreshed from the online network every this many environment steps.
pub const SYNC_EVERY: usize = 100;

/// One step of experience: in `state` the agent took `action`, got `reward` and landed in
/// `next_state`; `done` is true when the pole fell or the cart left the track there (not when
/// the episode was merely cut at MAX_STEPS). Given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transition {
    pub state: [f32; 4],
    pub action: usize,
    pub reward: f32,
    pub next_state: [f32; 4],
    pub done: bool,
}

/// The Q-network: 4 observations → 32 ReLU units → one value per action (2). Given.
pub fn q_network(seed: u64) -> Sequential {
    Sequential::default()
        .add(Linear::new(4, 32, seed))
        .add(ReLU)
        .add(Linear::new(32, 2, seed.wrapping_add(1)))
}

/// The action with the larger Q-value in `state` (0 on a tie). Given.
pub fn greedy_action(q: &Sequential, state: [f32; 4]) -> usize {
    let v = q.forward(&Tensor::from_vec(state.to_vec(), &[1, 4])).to_vec();
    if v[1] > v[0] {
        1
    } else {
        0
    }
}

/// A fixed-size memory of transitions: once full, each new one replaces the oldest.
pub struct ReplayBuffer {
    items: Vec<Transition>,
    capacity: usize,
    next: usize,
    rng: Rng,
}

impl ReplayBuffer {
    /// An empty buffer for at most `capacity` transitions; `sample` draws from `Rng::new(seed)`.
    pub fn new(capacity: usize, seed: u64) -> ReplayBuffer {
        ReplayBuffer { items: Vec::with_capacity(capacity), capacity, next: 0, rng: Rng::new(seed) }
    }

    /// How many transitions it holds (never more than the capacity).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Stores `t`; when the buffer is full, `t` takes the place of the oldest transition.
    pub fn push(&mut self, t: Transition) {
        // TODO: once full, replace the oldest transition. This placeholder keeps everything.
        let _ = (self.capacity, self.next);
        self.items.push(t);
    }

    /// `batch` transitions drawn uniformly at random, with replacement: each one is
    /// `self.rng.below(self.len())`-th of those stored.
    pub fn sample(&mut self, batch: usize) -> Vec<Transition> {
        // TODO: draw each of the `batch` transitions with self.rng. This placeholder returns the
        // first ones, always the same.
        let _ = &mut self.rng;
        self.items.iter().take(batch).copied().collect()
    }
}

/// The DQN loss of a minibatch: the mean over its transitions of (Q(s, a) − y)², where Q is
/// the `online` network and y = r + γ·(1 − done)·maxₐ′ Q_target(s′, a′) comes from the
/// `target` network and is a constant (no gradient flows into it).
pub fn dqn_loss(online: &Sequential, target: &Sequential, batch: &[Transition], gamma: f32) -> Tensor {
    // TODO: y = r + γ·(1 − done)·max Q_target(s′, ·), then the mean of (Q_online(s, a) − y)².
    // This placeholder is 0, so nothing ever learns.
    let _ = (target, batch, gamma);
    online.forward(&Tensor::zeros(&[1, 4])).sum().mul(0.0)
}

/// Copies every weight of `online` into `target` (same architecture): afterwards both compute
/// the same function, and later changes to `online` leave `target` as it is.
pub fn sync_target(online: &Sequential, target: &Sequential) {
    // TODO: copy each parameter of `online` into the matching one of `target` (`set_data`).
    let _ = (online, target);
}

/// Trains `q_network(seed)` by DQN for `steps` environment steps and returns it. See the
/// exercise for the recipe. Calls `on_step(episode, its length)` when each episode ends.
pub fn train_dqn(seed: u64, steps: usize, mut on_step: impl FnMut(usize, f32)) -> Sequential {
    // TODO: the DQN loop (see the exercise). This placeholder acts at random, learns
    // nothing and never calls on_step.
    let online = q_network(seed);
    let mut env = CartPole::new(seed.wrapping_add(1));
    let mut rng = Rng::new(seed.wrapping_add(2));
    let _ = &mut on_step;
    env.reset();
    for _ in 0..steps {
        let (_, _, done) = env.step(rng.below(2));
        if done {
            env.reset();
        }
    }
    online
}
