use super::*;
use nma_engine::prelude::*;
use nma_harness::{Goal, Training};

fn tagged(k: usize) -> Transition {
    Transition { state: [k as f32, 0.0, 0.0, 0.0], action: k % 2, reward: k as f32, next_state: [0.0; 4], done: false }
}

#[test]
fn the_buffer_keeps_the_newest_over_many_wraps() {
    let mut buffer = ReplayBuffer::new(7, nma_harness::seed() + 5);
    for k in 0..7 {
        buffer.push(tagged(k));
        assert_eq!(buffer.len(), k + 1, "before it is full, the buffer grows by one per push");
    }
    for k in 7..40 {
        buffer.push(tagged(k));
        assert_eq!(buffer.len(), 7, "once full, the buffer stays at its capacity");
    }
    let mut seen = std::collections::BTreeSet::new();
    for t in buffer.sample(500) {
        seen.insert(t.reward as usize);
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), (33..40).collect::<Vec<_>>(), "after 40 pushes into capacity 7 the buffer holds transitions 33..40");
}

#[test]
fn sampling_follows_the_seed() {
    let fill = |seed| {
        let mut b = ReplayBuffer::new(50, seed);
        for k in 0..50 {
            b.push(tagged(k));
        }
        b
    };
    let (mut a, mut b, mut c) = (fill(9), fill(9), fill(10));
    let (sa, sb, sc) = (a.sample(20), b.sample(20), c.sample(20));
    assert_eq!(sa, sb, "two buffers made with the same seed must sample the same transitions");
    assert_ne!(sa, sc, "buffers with different seeds should sample differently");
    let again = a.sample(20);
    assert_ne!(sa, again, "each call to sample draws afresh (the Rng lives in the buffer)");
}

#[test]
fn loss_and_gradient_on_a_random_batch() {
    let (online, target) = (q_network(nma_harness::seed() + 20), q_network(nma_harness::seed() + 21));
    let mut rng = Rng::new(nma_harness::seed() + 22);
    let batch: Vec<Transition> = (0..6)
        .map(|i| Transition {
            state: [rng.normal(), rng.normal(), rng.normal(), rng.normal()],
            action: rng.below(2),
            reward: rng.normal(),
            next_state: [rng.normal(), rng.normal(), rng.normal(), rng.normal()],
            done: i % 3 == 0,
        })
        .collect();
    let gamma = 0.8;
    let row = |net: &Sequential, s: [f32; 4]| net.forward(&Tensor::from_vec(s.to_vec(), &[1, 4])).to_vec();
    let mut want = 0.0f64;
    let mut ys = Vec::new();
    for t in &batch {
        let next = row(&target, t.next_state);
        let y = t.reward as f64 + if t.done { 0.0 } else { gamma * next[0].max(next[1]) as f64 };
        ys.push(y);
        want += (row(&online, t.state)[t.action] as f64 - y).powi(2) / batch.len() as f64;
    }
    let loss = dqn_loss(&online, &target, &batch, gamma as f32);
    assert!((loss.item() as f64 - want).abs() < 1e-4 * (1.0 + want), "loss should be {want:.5}, got {}", loss.item());
    online.zero_grad();
    target.zero_grad();
    loss.backward();
    // The last layer's bias: ∂loss/∂b_a = (2/B)·∑ over transitions with action a of (Q(s, a) − y).
    let mut want_db = [0.0f64; 2];
    for (t, y) in batch.iter().zip(&ys) {
        want_db[t.action] += 2.0 * (row(&online, t.state)[t.action] as f64 - y) / batch.len() as f64;
    }
    let params = online.parameters();
    let db = params.last().unwrap().grad().expect("the loss must reach the online network's weights").to_vec();
    for a in 0..2 {
        assert!((db[a] as f64 - want_db[a]).abs() < 1e-4, "∂loss/∂(last bias)[{a}] should be {:.5}, got {}", want_db[a], db[a]);
    }
}

#[test]
fn sync_is_a_copy_not_a_link() {
    let online = q_network(3);
    let target = q_network(4);
    sync_target(&online, &target);
    let x = Tensor::randn(&[3, 4], 8);
    let before = target.forward(&x).to_vec();
    assert_eq!(before, online.forward(&x).to_vec(), "after sync_target both networks should compute the same Q-values");
    for p in online.parameters() {
        p.set_data(&p.detach().add(1.0));
    }
    assert_eq!(target.forward(&x).to_vec(), before, "training the online network after a sync must not change the target network");
}

/// Mean length of `episodes` greedy episodes.
fn greedy_length(q: &Sequential, seed: u64, episodes: usize) -> f64 {
    let mut env = CartPole::new(seed);
    let mut total = 0;
    for _ in 0..episodes {
        let mut s = env.reset();
        for step in 0..MAX_STEPS {
            let (next, _, fell) = env.step(greedy_action(q, s));
            s = next;
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
    // Acting at random keeps the pole up about 22 steps; an untrained greedy network about 9.
    let seed = nma_harness::seed();
    let mut run = Training::new("mean greedy episode length", 60.0, Goal::AtLeast);
    let q = train_dqn(seed, 3000, |episode, length| run.step(episode, length));
    run.finish(greedy_length(&q, seed.wrapping_add(500), 10));
}
