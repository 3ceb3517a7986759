use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;
use nma_harness::{Goal, Training};

/// sin/cos position codes computed here, one number at a time.
fn positions(seq: usize, d: usize) -> Vec<f64> {
    let mut pe = Vec::new();
    for p in 0..seq {
        for j in 0..d {
            let angle = p as f64 / 10000f64.powf((j - j % 2) as f64 / d as f64);
            pe.push(if j % 2 == 0 { angle.sin() } else { angle.cos() });
        }
    }
    pe
}

/// The expected logits, built from the model's own parts step by step.
fn expected_logits(model: &Transformer, ids: &[usize], batch: usize) -> Vec<f32> {
    let (seq, d) = (ids.len() / batch, model.d_model);
    let table = model.embedding.weight.to_vec();
    let pe = positions(seq, d);
    let mut x = Vec::new();
    for (k, &id) in ids.iter().enumerate() {
        let p = k % seq;
        for j in 0..d {
            x.push((table[id * d + j] as f64 + pe[p * d + j]) as f32);
        }
    }
    let h = model.block.forward(&Tensor::from_vec(x, &[batch, seq, d])).to_vec();
    let mut pooled = vec![0f32; batch * d];
    for b in 0..batch {
        for j in 0..d {
            pooled[b * d + j] = (0..seq).map(|p| h[(b * seq + p) * d + j] as f64).sum::<f64>() as f32 / seq as f32;
        }
    }
    model.head.forward(&Tensor::from_vec(pooled, &[batch, d])).to_vec()
}


#[test]
fn wider_model_longer_sequences() {
    let model = Transformer::new(16, 16, 4, 3, 21);
    let mut rng = Rng::new(22);
    let ids: Vec<usize> = (0..4 * 9).map(|_| rng.below(16)).collect();
    let want = expected_logits(&model, &ids, 4);
    assert_close(&model.forward(&ids, 4), &[4, 3], &want, 1e-4);
}

#[test]
fn order_of_tokens_matters() {
    // Without positions, attention and averaging ignore the order of the tokens.
    let model = Transformer::new(8, 8, 2, 3, 5);
    let a = model.forward(&[1, 2, 3, 4, 5, 6], 1).to_vec();
    let b = model.forward(&[6, 5, 4, 3, 2, 1], 1).to_vec();
    let diff: f32 = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum();
    assert!(diff > 1e-3, "a sequence and its reverse get the same scores {a:?}: the positions are missing");
}

#[test]
fn classifies_topics() {
    let seed = nma_harness::seed();
    let (seq, batch) = (16, 32);
    let train_set = data::topic_classification(1000, seq, seed.wrapping_add(1));
    let test_set = data::topic_classification(300, seq, seed.wrapping_add(2));
    let model = Transformer::new(16, 16, 2, 3, seed);
    let mut opt = Adam::new(model.parameters(), 0.003);
    let mut rng = Rng::new(seed.wrapping_add(3));
    let mut run = Training::new("test accuracy", 0.9, Goal::AtLeast);
    for step in 0..300 {
        let idx: Vec<usize> = (0..batch).map(|_| rng.below(train_set.len())).collect();
        let (x, y) = train_set.batch(&idx);
        let loss = nn::cross_entropy(&model.forward(&x, batch), &y);
        opt.zero_grad();
        loss.backward();
        opt.step();
        run.step(step, loss.item());
    }
    let all: Vec<usize> = (0..test_set.len()).collect();
    let (x, y) = test_set.batch(&all);
    let pred = model.forward(&x, all.len()).argmax_dim(1);
    let correct = pred.iter().zip(&y).filter(|(p, t)| p == t).count();
    run.finish(correct as f64 / y.len() as f64);
}
