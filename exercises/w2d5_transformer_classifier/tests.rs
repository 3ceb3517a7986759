use super::*;
use nma_engine::prelude::*;
use nma_engine::testing::assert_close;

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
fn one_row_of_scores_per_sequence() {
    let model = Transformer::new(10, 8, 2, 3, 1);
    let ids = vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5];
    let out = model.forward(&ids, 3);
    assert_eq!(out.shape(), vec![3, 3], "3 sequences of 5 tokens in: one row of 3 class scores per sequence out");
}

#[test]
fn embed_add_positions_encode_average_score() {
    let model = Transformer::new(12, 8, 2, 4, 7);
    let ids = vec![3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
    let want = expected_logits(&model, &ids, 2);
    assert_close(&model.forward(&ids, 2), &[2, 4], &want, 1e-4);
}
