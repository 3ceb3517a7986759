// Once my buffer is full I ignore new transitions, so it keeps the oldest ones forever.
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
        if self.items.len() < self.capacity {
            self.items.push(t);
        }
        self.next = (self.next + 1) % self.capacity;
    }

    /// `batch` transitions drawn uniformly at random, with replacement: each one is
    /// `self.rng.below(self.len())`-th of those stored.
    pub fn sample(&mut self, batch: usize) -> Vec<Transition> {
        (0..batch).map(|_| self.items[self.rng.below(self.items.len())]).collect()
    }
}

/// The DQN loss of a minibatch: the mean over its transitions of (Q(s, a) − y)², where Q is
/// the `online` network and y = r + γ·(1 − done)·maxₐ′ Q_target(s′, a′) comes from the
/// `target` network and is a constant (no gradient flows into it).
pub fn dqn_loss(online: &Sequential, target: &Sequential, batch: &[Transition], gamma: f32) -> Tensor {
    let n = batch.len();
    let states: Vec<f32> = batch.iter().flat_map(|t| t.state).collect();
    let next_states: Vec<f32> = batch.iter().flat_map(|t| t.next_state).collect();
    let actions: Vec<usize> = batch.iter().map(|t| t.action).collect();
    // The targets: read out as plain numbers, so they are constants for backward.
    let next_best = target.forward(&Tensor::from_vec(next_states, &[n, 4])).max_dim(1, false).to_vec();
    let y: Vec<f32> = batch
        .iter()
        .zip(next_best)
        .map(|(t, q)| t.reward + gamma * if t.done { 0.0 } else { q })
        .collect();
    let q = online.forward(&Tensor::from_vec(states, &[n, 4]));
    let q_taken = q.mul(&Tensor::one_hot(&actions, 2)).sum_dim(1, false);
    nn::mse_loss(&q_taken, &Tensor::from_vec(y, &[n]))
}

/// Copies every weight of `online` into `target` (same architecture): afterwards both compute
/// the same function, and later changes to `online` leave `target` as it is.
pub fn sync_target(online: &Sequential, target: &Sequential) {
    for (o, t) in online.parameters().iter().zip(target.parameters()) {
        t.set_data(&o.detach());
    }
}

/// Trains `q_network(seed)` by DQN for `steps` environment steps and returns it. See the
/// exercise for the recipe. Calls `on_step(episode, its length)` when each episode ends.
pub fn train_dqn(seed: u64, steps: usize, mut on_step: impl FnMut(usize, f32)) -> Sequential {
    let online = q_network(seed);
    let target = q_network(seed.wrapping_add(10));
    sync_target(&online, &target);
    let mut opt = Adam::new(online.parameters(), 0.002);
    let mut buffer = ReplayBuffer::new(CAPACITY, seed.wrapping_add(3));
    let mut env = CartPole::new(seed.wrapping_add(1));
    let mut rng = Rng::new(seed.wrapping_add(2));
    let (mut state, mut length, mut episode) = (env.reset(), 0, 0);
    for step in 0..steps {
        // ε falls from 1 to 0.05 over the first half of training, then stays there.
        let epsilon = (1.0 - step as f32 / (0.5 * steps as f32)).max(0.05);
        let action = if rng.uniform() < epsilon { rng.below(2) } else { greedy_action(&online, state) };
        let (next_state, reward, done) = env.step(action);
        buffer.push(Transition { state, action, reward, next_state, done });
        state = next_state;
        length += 1;
        if done || length == MAX_STEPS {
            on_step(episode, length as f32);
            episode += 1;
            state = env.reset();
            length = 0;
        }
        if buffer.len() >= BATCH {
            let batch = buffer.sample(BATCH);
            let loss = dqn_loss(&online, &target, &batch, GAMMA);
            opt.zero_grad();
            loss.backward();
            opt.step();
        }
        if (step + 1) % SYNC_EVERY == 0 {
            sync_target(&online, &target);
        }
    }
    online
}
