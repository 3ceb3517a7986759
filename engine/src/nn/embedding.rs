//! Embeddings: a table of learned vectors looked up by integer id (PyTorch's
//! `nn.Embedding` and `nn.EmbeddingBag(mode="mean")`).
//!
//! A lookup is built as a matrix product `one_hot(ids) · W`: its gradient is
//! `one_hot(ids)ᵀ · g`, which adds each row of `g` into the row of `W` it came
//! from (PyTorch's scatter-add), with no new primitive. The alternative, one
//! slice of `W` per id joined with `cat`, builds a graph whose size grows with
//! the number of ids and whose backward pads every slice back to the full
//! table; it is kept as [`Embedding::lookup_by_slices`] for comparison
//! (`cargo run --release -p nma-engine --example bench_seq` measures both).

use crate::nn::Module;
use crate::tensor::Tensor;

/// A table of `num_embeddings` vectors of size `embedding_dim`; `weight` is
/// `[num_embeddings, embedding_dim]`, initialized standard normal (as in
/// PyTorch) from `Rng::new(seed)`.
pub struct Embedding {
    pub weight: Tensor,
    num_embeddings: usize,
    embedding_dim: usize,
}

impl Embedding {
    #[track_caller]
    pub fn new(num_embeddings: usize, embedding_dim: usize, seed: u64) -> Embedding {
        if num_embeddings == 0 || embedding_dim == 0 {
            panic!("Embedding: sizes must be at least 1, but got num_embeddings={num_embeddings}, embedding_dim={embedding_dim}");
        }
        Embedding::from_tensor(Tensor::randn(&[num_embeddings, embedding_dim], seed))
    }

    /// An embedding with the given `[num_embeddings, embedding_dim]` table
    /// (marked as a parameter).
    #[track_caller]
    pub fn from_tensor(weight: Tensor) -> Embedding {
        let s = weight.shape();
        if s.len() != 2 {
            panic!("Embedding::from_tensor: the table must have shape [num_embeddings, embedding_dim], but has shape {s:?}");
        }
        Embedding {
            weight: weight.requires_grad(),
            num_embeddings: s[0],
            embedding_dim: s[1],
        }
    }

    pub fn num_embeddings(&self) -> usize {
        self.num_embeddings
    }

    pub fn embedding_dim(&self) -> usize {
        self.embedding_dim
    }

    #[track_caller]
    fn check_ids(&self, who: &str, ids: &[usize]) {
        if let Some((i, &bad)) = ids.iter().enumerate().find(|(_, &id)| id >= self.num_embeddings) {
            panic!(
                "{who}: id {bad} (at position {i}) is out of range for an embedding of {} vectors; ids must be between 0 and {}",
                self.num_embeddings,
                self.num_embeddings - 1
            );
        }
    }

    /// The vectors of `ids`, as `[ids.len(), embedding_dim]`.
    #[track_caller]
    pub fn lookup(&self, ids: &[usize]) -> Tensor {
        self.check_ids("Embedding::lookup", ids);
        Tensor::one_hot(ids, self.num_embeddings).matmul(&self.weight)
    }

    /// The vectors of `ids` arranged as `shape` + `[embedding_dim]` (e.g.
    /// `shape = [batch, seq]` for token sequences). `ids` is row-major.
    #[track_caller]
    pub fn lookup_shaped(&self, ids: &[usize], shape: &[usize]) -> Tensor {
        let n: usize = shape.iter().product();
        if n != ids.len() {
            panic!("Embedding::lookup_shaped: shape {shape:?} needs {n} ids, but {} were given", ids.len());
        }
        let mut out_shape = shape.to_vec();
        out_shape.push(self.embedding_dim);
        self.lookup(ids).reshape(&out_shape)
    }

    /// The same lookup as [`lookup`](Embedding::lookup), built from one slice
    /// of the table per id (slower: kept for comparison).
    #[track_caller]
    pub fn lookup_by_slices(&self, ids: &[usize]) -> Tensor {
        self.check_ids("Embedding::lookup_by_slices", ids);
        if ids.is_empty() {
            return Tensor::zeros(&[0, self.embedding_dim]);
        }
        let rows: Vec<Tensor> = ids.iter().map(|&id| self.weight.slice(0, id, id + 1)).collect();
        let refs: Vec<&Tensor> = rows.iter().collect();
        Tensor::cat(&refs, 0)
    }

    /// The mean vector of each bag of ids, `[bags.len(), embedding_dim]`
    /// (PyTorch's `EmbeddingBag(mode="mean")`); an empty bag gives zeros.
    #[track_caller]
    pub fn bag_mean(&self, bags: &[Vec<usize>]) -> Tensor {
        embedding_bag_mean(&self.weight, bags)
    }
}

/// The mean of the rows of `weight` (`[num, dim]`) listed in each bag, as
/// `[bags.len(), dim]`, built as `M · weight` with `M[b, id] = count / len`.
/// An id repeated in a bag counts each time; an empty bag gives zeros.
#[track_caller]
pub fn embedding_bag_mean(weight: &Tensor, bags: &[Vec<usize>]) -> Tensor {
    let s = weight.shape();
    if s.len() != 2 {
        panic!("embedding_bag_mean: the table must have shape [num_embeddings, embedding_dim], but has shape {s:?}");
    }
    let num = s[0];
    let mut m = vec![0.0f32; bags.len() * num];
    for (b, bag) in bags.iter().enumerate() {
        for &id in bag {
            if id >= num {
                panic!("embedding_bag_mean: id {id} in bag {b} is out of range for a table of {num} vectors");
            }
            m[b * num + id] += 1.0 / bag.len() as f32;
        }
    }
    Tensor::from_vec(m, &[bags.len(), num]).matmul(weight)
}

/// Reads ids stored as numbers in a tensor (`0.0, 1.0, …`).
#[track_caller]
fn ids_of(x: &Tensor, num: usize) -> Vec<usize> {
    x.to_vec()
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v < 0.0 || v.fract() != 0.0 || v as usize >= num {
                panic!("Embedding: element {i} of the input is {v}, which is not an id between 0 and {}", num - 1);
            }
            v as usize
        })
        .collect()
}

impl Module for Embedding {
    /// Ids given as numbers in a tensor of any shape `S`; returns `S + [embedding_dim]`.
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        let ids = ids_of(x, self.num_embeddings);
        self.lookup_shaped(&ids, &x.shape())
    }

    fn parameters(&self) -> Vec<Tensor> {
        vec![self.weight.clone()]
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        vec![("weight".to_string(), self.weight.clone())]
    }
}
