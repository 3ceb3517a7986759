//! W3D4 — REINFORCE with a baseline on CartPole.
use nma_engine::prelude::*;

/// Longest episode: a policy that balances the pole this long has solved the task here.
pub const MAX_STEPS: usize = 100;
/// The discount of the returns.
pub const GAMMA: f32 = 0.99;
/// Episodes played with the current policy before each update.
pub const EPISODES_PER_UPDATE: usize = 8;

/// The policy: 4 observations → 16 tanh units → 2 logits (0 push left, 1 push right). Given.
pub fn policy_net(seed: u64) -> Sequential {
    Sequential::default()
        .add(Linear::new(4, 16, seed))
        .add(Tanh)
        .add(Linear::new(16, 2, seed.wrapping_add(1)))
}

/// Draws an action from π(· | obs) = softmax(policy(obs)). Given.
pub fn sample_action(policy: &Sequential, obs: [f32; 4], rng: &mut Rng) -> usize {
    let p = nn::softmax(&policy.forward(&Tensor::from_vec(obs.to_vec(), &[1, 4])), 1).to_vec();
    if rng.uniform() < p[0] {
        0
    } else {
        1
    }
}

/// Every step of a batch of episodes, in order. Given.
pub struct Rollout {
    pub observations: Vec<[f32; 4]>,
    pub actions: Vec<usize>,
    pub rewards: Vec<f32>,
    /// `dones[t]` is true when step t was the last of its episode (the pole fell, the cart
    /// left the track, or the episode reached MAX_STEPS).
    pub dones: Vec<bool>,
    /// How many steps each episode lasted.
    pub episode_lengths: Vec<usize>,
}

/// Plays `episodes` episodes of `env` with actions from `sample_action`. Given.
pub fn rollout(policy: &Sequential, env: &mut CartPole, episodes: usize, rng: &mut Rng) -> Rollout {
    let mut out = Rollout {
        observations: Vec::new(),
        actions: Vec::new(),
        rewards: Vec::new(),
        dones: Vec::new(),
        episode_lengths: Vec::new(),
    };
    for _ in 0..episodes {
        let mut obs = env.reset();
        for step in 0..MAX_STEPS {
            let action = sample_action(policy, obs, rng);
            let (next, reward, fell) = env.step(action);
            let last = fell || step + 1 == MAX_STEPS;
            out.observations.push(obs);
            out.actions.push(action);
            out.rewards.push(reward);
            out.dones.push(last);
            obs = next;
            if last {
                out.episode_lengths.push(step + 1);
                break;
            }
        }
    }
    out
}

/// The discounted return from each step to the end of its episode:
/// G_t = r_t + γ·G_{t+1}, where G_{t+1} counts only when step t is not the last of its episode
/// (`dones[t]` false). The rewards may hold several episodes one after another.
pub fn returns_to_go(rewards: &[f32], dones: &[bool], gamma: f32) -> Vec<f32> {
    // TODO: walk backwards from the last step, restarting at every episode end.
    // This placeholder returns each step's own reward (right only when γ = 0).
    let _ = (dones, gamma);
    rewards.to_vec()
}

/// The REINFORCE loss with a baseline, averaged over the T steps:
/// −(1/T)·∑_t log π(a_t | s_t)·(G_t − b), where π(· | s_t) = softmax of row t of `logits`
/// [T, actions], `returns[t]` = G_t and `baseline` = b. A scalar tensor with gradients.
pub fn reinforce_loss(logits: &Tensor, actions: &[usize], returns: &[f32], baseline: f32) -> Tensor {
    // TODO: the log-probability of each action taken, weighted by its advantage G − b.
    // This placeholder is the mean logit: it ignores the actions and the returns.
    let _ = (actions, returns, baseline);
    logits.mean()
}

/// Trains `policy_net(seed)` for `iterations` updates and returns it. Each update plays
/// EPISODES_PER_UPDATE episodes with `rollout`, computes the returns-to-go (GAMMA), takes
/// their mean as the baseline, and makes one optimizer step on `reinforce_loss`. Calls
/// `on_step(iteration, mean episode length of that batch)` after every update (from 0).
/// Make the environment and the action Rng from the seed too.
pub fn train_reinforce(seed: u64, iterations: usize, mut on_step: impl FnMut(usize, f32)) -> Sequential {
    // TODO: the training loop. This placeholder plays one batch, never learns and never
    // calls on_step.
    let policy = policy_net(seed);
    let mut env = CartPole::new(seed.wrapping_add(1));
    let mut rng = Rng::new(seed.wrapping_add(2));
    let _ = (iterations, &mut on_step);
    let _batch = rollout(&policy, &mut env, EPISODES_PER_UPDATE, &mut rng);
    policy
}
