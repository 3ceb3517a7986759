use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

fn close(got: &[f32], want: &[f32], tol: f32) -> bool {
    got.len() == want.len() && got.iter().zip(want).all(|(g, w)| (g - w).abs() <= tol * (1.0 + w.abs()))
}

/// Returns-to-go in f64, forwards: for each t, the discounted sum up to the end of its episode.
fn by_the_definition(rewards: &[f32], dones: &[bool], gamma: f64) -> Vec<f32> {
    (0..rewards.len())
        .map(|t| {
            let mut g = 0.0;
            let mut k = t;
            loop {
                g += gamma.powi((k - t) as i32) * rewards[k] as f64;
                if dones[k] || k + 1 == rewards.len() {
                    break;
                }
                k += 1;
            }
            g as f32
        })
        .collect()
}

#[test]
fn gamma_zero_and_one() {
    let rewards = [1.0, -2.0, 0.5, 3.0, 1.0];
    let dones = [false, false, true, false, true];
    let g0 = returns_to_go(&rewards, &dones, 0.0);
    assert!(close(&g0, &rewards, 1e-6), "γ = 0: each return is its own reward, got {g0:?}");
    let g1 = returns_to_go(&rewards, &dones, 1.0);
    assert!(close(&g1, &[-0.5, -1.5, 0.5, 4.0, 1.0], 1e-6), "γ = 1: plain sums to the end of each episode, got {g1:?}");
}

#[test]
fn returns_on_many_random_episodes() {
    let mut rng = Rng::new(nma_harness::seed() + 11);
    for case in 0..20 {
        let n = 1 + rng.below(40);
        let rewards: Vec<f32> = (0..n).map(|_| rng.normal()).collect();
        // The last step need not end an episode: a batch may be cut mid-episode.
        let dones: Vec<bool> = (0..n).map(|_| rng.uniform() < 0.2).collect();
        let gamma = [0.0, 0.5, 0.9, 0.99, 1.0][case % 5];
        let got = returns_to_go(&rewards, &dones, gamma as f32);
        let want = by_the_definition(&rewards, &dones, gamma);
        assert!(close(&got, &want, 1e-4), "case {case} (γ = {gamma}, dones {dones:?}): got {got:?}, want {want:?}");
    }
}

#[test]
fn loss_and_gradient_on_a_random_batch() {
    let (t, a) = (7, 3);
    let logits = Tensor::randn(&[t, a], nma_harness::seed() + 3).requires_grad();
    let mut rng = Rng::new(nma_harness::seed() + 4);
    let actions: Vec<usize> = (0..t).map(|_| rng.below(a)).collect();
    let returns: Vec<f32> = (0..t).map(|_| 5.0 * rng.uniform()).collect();
    let b = 2.5;
    let loss = reinforce_loss(&logits, &actions, &returns, b);
    loss.backward();
    let x = logits.to_vec();
    let grad = logits.grad().expect("gradients must reach the logits").to_vec();
    let mut want = 0.0f64;
    for i in 0..t {
        let row = &x[i * a..(i + 1) * a];
        let lse = row.iter().map(|&v| (v as f64).exp()).sum::<f64>().ln();
        let adv = (returns[i] - b) as f64;
        want -= (row[actions[i]] as f64 - lse) * adv / t as f64;
        for j in 0..a {
            // ∂/∂logit_j of −log π(a_i)·adv/T = (π_j − [j = a_i])·adv/T
            let p = ((row[j] as f64) - lse).exp();
            let ind = if j == actions[i] { 1.0 } else { 0.0 };
            let g = (p - ind) * adv / t as f64;
            assert!((grad[i * a + j] as f64 - g).abs() < 1e-5, "∂loss/∂logits[{i}][{j}] should be {g:.6}, got {}", grad[i * a + j]);
        }
    }
    assert!((loss.item() as f64 - want).abs() < 1e-5, "loss should be {want:.6}, got {}", loss.item());
}

#[test]
fn a_baseline_equal_to_every_return_gives_no_signal() {
    let logits = Tensor::from_vec(vec![0.3, -0.7, 1.1, 0.4], &[2, 2]).requires_grad();
    let loss = reinforce_loss(&logits, &[1, 0], &[4.0, 4.0], 4.0);
    loss.backward();
    assert!(loss.item().abs() < 1e-6, "with G − b = 0 at every step the loss is 0, got {}", loss.item());
    let g = logits.grad().map(|g| g.to_vec()).unwrap_or_default();
    assert!(g.iter().all(|v| v.abs() < 1e-6), "with G − b = 0 nothing should move, got gradients {g:?}");
}

/// Mean length of `episodes` greedy episodes (the most likely action each step).
fn greedy_length(policy: &Sequential, seed: u64, episodes: usize) -> f64 {
    let mut env = CartPole::new(seed);
    let mut total = 0;
    for _ in 0..episodes {
        let mut obs = env.reset();
        for step in 0..MAX_STEPS {
            let logits = policy.forward(&Tensor::from_vec(obs.to_vec(), &[1, 4])).to_vec();
            let (next, _, fell) = env.step(if logits[1] > logits[0] { 1 } else { 0 });
            obs = next;
            total += 1;
            if fell || step + 1 == MAX_STEPS {
                break;
            }
        }
    }
    total as f64 / episodes as f64
}

#[test]
fn balances_the_pole_after_training() {
    // A random policy keeps the pole up about 22 steps, an untrained greedy one about 9.
    let seed = nma_harness::seed();
    let mut run = Training::new("mean greedy episode length", 60.0, Goal::AtLeast);
    let policy = train_reinforce(seed, 25, |it, len| run.step(it, len));
    run.finish(greedy_length(&policy, seed.wrapping_add(500), 10));
}
