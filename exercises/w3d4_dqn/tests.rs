use super::*;
use nma_engine::prelude::*;

/// A transition whose reward tags it, so a test can tell which one came back.
fn tagged(k: usize) -> Transition {
    Transition { state: [k as f32, 0.0, 0.0, 0.0], action: k % 2, reward: k as f32, next_state: [0.0; 4], done: false }
}

/// A one-layer network Q(s) = W·s + b, with W [2, 4] and b [2] as given.
fn linear_q(w: Vec<f32>, b: Vec<f32>) -> Sequential {
    Sequential::default().add(Linear::from_tensors(Tensor::from_vec(w, &[2, 4]), Some(Tensor::from_vec(b, &[2]))))
}

#[test]
fn a_full_buffer_forgets_its_oldest_transitions() {
    let mut buffer = ReplayBuffer::new(3, nma_harness::seed());
    for k in 0..5 {
        buffer.push(tagged(k));
    }
    assert_eq!(buffer.len(), 3, "capacity 3: after 5 pushes the buffer holds 3 transitions");
    let mut seen = [false; 5];
    for t in buffer.sample(300) {
        seen[t.reward as usize] = true;
    }
    assert!(!seen[0] && !seen[1], "transitions 0 and 1 were the oldest and should have been overwritten by 3 and 4; sampling still returned {seen:?}");
    assert!(seen[2] && seen[3] && seen[4], "the buffer should hold transitions 2, 3 and 4 and sample all of them in 300 draws; saw {seen:?}");
}

#[test]
fn sampling_is_uniform() {
    let mut buffer = ReplayBuffer::new(10, nma_harness::seed() + 1);
    for k in 0..4 {
        buffer.push(tagged(k));
    }
    let draws = 8000;
    let batch = buffer.sample(draws);
    assert_eq!(batch.len(), draws, "sample(n) returns n transitions (drawn with replacement)");
    for k in 0..4 {
        let f = batch.iter().filter(|t| t.reward as usize == k).count() as f64 / draws as f64;
        assert!((f - 0.25).abs() < 0.025, "4 stored transitions: each should come up about 25% of the time, transition {k} came up {:.1}%", 100.0 * f);
    }
    let again = buffer.sample(20);
    assert_ne!(again, batch[..20].to_vec(), "each call to sample should draw afresh from the buffer's Rng; two calls returned the same transitions in the same order");
}

#[test]
fn loss_by_hand_with_a_separate_target_network() {
    // Online Q(s) = W·s + b; the target network has other weights, so the two give other values.
    let online = linear_q(vec![1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0], vec![0.0, 0.5]);
    let target = linear_q(vec![0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, -1.0], vec![1.0, 0.0]);
    let batch = [
        // Q_online(s, 0) = 1; next: Q_target = (1 + 2·0.5, 0) = (2, 0), max 2; y = 1 + 0.9·2 = 2.8
        Transition { state: [1.0, 2.0, 0.0, 0.0], action: 0, reward: 1.0, next_state: [0.0, 0.0, 0.5, 0.0], done: false },
        // Q_online(s, 1) = 3 + 0.5 = 3.5; done: y = r = 1, whatever the next state is worth
        Transition { state: [0.0, 3.0, 0.0, 0.0], action: 1, reward: 1.0, next_state: [0.0, 0.0, 4.0, 0.0], done: true },
    ];
    let loss = dqn_loss(&online, &target, &batch, 0.9);
    let want = ((1.0f64 - 2.8).powi(2) + (3.5f64 - 1.0).powi(2)) / 2.0;
    assert!(
        (loss.item() as f64 - want).abs() < 1e-4,
        "loss should be ((1 − 2.8)² + (3.5 − 1)²) / 2 = {want:.4}: Q from the online network, max Q(s′, ·) from the target network, no future after done; got {}",
        loss.item()
    );
}

#[test]
fn sync_copies_the_weights() {
    let online = q_network(1);
    let target = q_network(2);
    let x = Tensor::randn(&[5, 4], nma_harness::seed());
    assert_ne!(online.forward(&x).to_vec(), target.forward(&x).to_vec(), "(two differently seeded networks should differ)");
    sync_target(&online, &target);
    assert_eq!(target.forward(&x).to_vec(), online.forward(&x).to_vec(), "after sync_target the target network should compute exactly what the online one does");
}

#[test]
fn training_reports_each_episode() {
    let mut lengths = Vec::new();
    let q = train_dqn(nma_harness::seed(), 300, |episode, length| lengths.push((episode, length)));
    assert!(!lengths.is_empty(), "300 steps hold several episodes: on_step should be called when each one ends");
    for (i, (episode, length)) in lengths.iter().enumerate() {
        assert_eq!(*episode, i, "episodes are numbered 0, 1, 2, … in the order they end");
        assert!(*length >= 1.0 && *length <= MAX_STEPS as f32, "episode {i}: its length should be between 1 and MAX_STEPS, got {length}");
    }
    let total: f32 = lengths.iter().map(|l| l.1).sum();
    assert!(total <= 300.0, "the episodes that ended within 300 steps cannot add up to more than 300 steps, got {total}");
    assert_eq!(q.forward(&Tensor::zeros(&[3, 4])).shape(), vec![3, 2], "the returned network maps [n, 4] states to [n, 2] Q-values");
}
