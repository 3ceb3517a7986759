// I weighted the probability π(a|s) by the advantage instead of its logarithm.
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

pub fn returns_to_go(rewards: &[f32], dones: &[bool], gamma: f32) -> Vec<f32> {
    let mut out = vec![0.0; rewards.len()];
    let mut g = 0.0;
    for t in (0..rewards.len()).rev() {
        if dones[t] {
            // Step t ends its episode: nothing after it belongs to the same episode.
            g = 0.0;
        }
        g = rewards[t] + gamma * g;
        out[t] = g;
    }
    out
}

pub fn reinforce_loss(logits: &Tensor, actions: &[usize], returns: &[f32], baseline: f32) -> Tensor {
    let n = actions.len();
    let log_probs = nn::softmax(logits, 1);
    let chosen = log_probs.mul(&Tensor::one_hot(actions, logits.shape()[1])).sum_dim(1, false);
    let advantages: Vec<f32> = returns.iter().map(|g| g - baseline).collect();
    chosen.mul(&Tensor::from_vec(advantages, &[n])).mean().neg()
}

pub fn train_reinforce(seed: u64, iterations: usize, mut on_step: impl FnMut(usize, f32)) -> Sequential {
    let policy = policy_net(seed);
    let mut opt = Adam::new(policy.parameters(), 0.03);
    let mut env = CartPole::new(seed.wrapping_add(1));
    let mut rng = Rng::new(seed.wrapping_add(2));
    for it in 0..iterations {
        let batch = rollout(&policy, &mut env, EPISODES_PER_UPDATE, &mut rng);
        let returns = returns_to_go(&batch.rewards, &batch.dones, GAMMA);
        let baseline = returns.iter().sum::<f32>() / returns.len() as f32;
        let n = batch.actions.len();
        let x: Vec<f32> = batch.observations.iter().flatten().copied().collect();
        let logits = policy.forward(&Tensor::from_vec(x, &[n, 4]));
        let loss = reinforce_loss(&logits, &batch.actions, &returns, baseline);
        opt.zero_grad();
        loss.backward();
        opt.step();
        let mean_length = batch.episode_lengths.iter().sum::<usize>() as f32 / batch.episode_lengths.len() as f32;
        on_step(it, mean_length);
    }
    policy
}
