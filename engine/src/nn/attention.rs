//! Attention and the transformer encoder block (PyTorch's
//! `F.scaled_dot_product_attention`, `nn.MultiheadAttention` and
//! `nn.TransformerEncoderLayer` with `batch_first=True`, no dropout).
//!
//! Masks use `F.scaled_dot_product_attention`'s boolean meaning: **1 = may
//! attend, 0 = blocked** (note `nn.MultiheadAttention`'s boolean `attn_mask`
//! means the opposite). A blocked score gets `-1e9` added before the softmax,
//! so its weight is exactly 0 and every row still sums to 1.
//!
//! ```
//! use nma_engine::prelude::*;
//!
//! let block = nn::TransformerEncoderBlock::new(16, 4, 32, 0);
//! let x = Tensor::randn(&[2, 5, 16], 1) + nn::positional_encoding(5, 16);
//! let y = block.forward(&x);
//! assert_eq!(y.shape(), vec![2, 5, 16]);
//! ```

use crate::nn::{Activation, LayerNorm, Linear, Module};
use crate::rng::Rng;
use crate::tensor::Tensor;

/// What a blocked position adds to its score.
const BLOCKED: f32 = -1e9;

/// Sinusoidal position encodings `[seq_len, dim]` ("Attention is all you
/// need"): `PE[p, 2i] = sin(p / 10000^(2i/dim))`, `PE[p, 2i+1] = cos(p / 10000^(2i/dim))`,
/// computed in `f64`. Add it to `[batch, seq_len, dim]` embeddings (it broadcasts).
pub fn positional_encoding(seq_len: usize, dim: usize) -> Tensor {
    let mut data = Vec::with_capacity(seq_len * dim);
    for p in 0..seq_len {
        for j in 0..dim {
            let i2 = (j - j % 2) as f64;
            let angle = p as f64 / 10000f64.powf(i2 / dim as f64);
            data.push(if j % 2 == 0 { angle.sin() } else { angle.cos() } as f32);
        }
    }
    Tensor::from_vec(data, &[seq_len, dim])
}

/// The `[n, n]` causal mask: 1 on and below the diagonal (position `i` may
/// attend to positions `0..=i`), 0 above.
pub fn causal_mask(n: usize) -> Tensor {
    let data = (0..n * n).map(|k| if k % n <= k / n { 1.0 } else { 0.0 }).collect();
    Tensor::from_vec(data, &[n, n])
}

#[track_caller]
fn check_qk(who: &str, q: &Tensor, k: &Tensor) -> usize {
    let (qs, ks) = (q.shape(), k.shape());
    if qs.len() < 2 || ks.len() < 2 || qs[qs.len() - 1] != ks[ks.len() - 1] {
        panic!("{who}: q and k must be [..., length, d] with the same d, but got shapes {qs:?} and {ks:?}");
    }
    qs[qs.len() - 1]
}

/// The attention weights `softmax(q · kᵀ / √d + blocked)` along the last
/// dimension, `[..., Lq, Lk]`, for `q` `[..., Lq, d]` and `k` `[..., Lk, d]`.
/// `mask` (1 = attend, 0 = blocked) must broadcast to `[..., Lq, Lk]`.
#[track_caller]
pub fn attention_weights(q: &Tensor, k: &Tensor, mask: Option<&Tensor>) -> Tensor {
    let d = check_qk("attention_weights", q, k);
    let nd = k.ndim();
    let mut scores = q.matmul(&k.transpose(nd - 2, nd - 1)).mul(1.0 / (d as f32).sqrt());
    if let Some(m) = mask {
        // (m - 1) · 1e9: 0 where allowed, -1e9 where blocked.
        scores = scores.add(m.sub(1.0).mul(-BLOCKED));
    }
    let last = scores.ndim() - 1;
    super::softmax(&scores, last)
}

/// `softmax(q · kᵀ / √d + blocked) · v`: `q` `[..., Lq, d]`, `k` `[..., Lk, d]`,
/// `v` `[..., Lk, dv]` → `[..., Lq, dv]` (see [`attention_weights`]).
#[track_caller]
pub fn scaled_dot_product_attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>) -> Tensor {
    attention_weights(q, k, mask).matmul(v)
}

// --------------------------------------------------------- multi-head

/// Multi-head self-attention (PyTorch's `nn.MultiheadAttention` with
/// `batch_first=True`, used as `mha(x, x, x)`): one input projection
/// `in_proj` (`[3·D, D]` weight: rows for q, then k, then v), `num_heads`
/// heads of `D / num_heads` each, split with reshape/permute to
/// `[batch, heads, seq, head_dim]`, attention per head, heads merged back and
/// `out_proj` (`[D, D]`).
///
/// Initialized like PyTorch: `in_proj` weight Xavier-uniform, `out_proj`
/// weight like [`Linear`], both biases zero.
pub struct MultiHeadAttention {
    pub in_proj: Linear,
    pub out_proj: Linear,
    num_heads: usize,
    embed_dim: usize,
}

impl MultiHeadAttention {
    #[track_caller]
    pub fn new(embed_dim: usize, num_heads: usize, seed: u64) -> MultiHeadAttention {
        if num_heads == 0 || embed_dim == 0 || !embed_dim.is_multiple_of(num_heads) {
            panic!("MultiHeadAttention: embed_dim ({embed_dim}) must be a positive multiple of num_heads ({num_heads})");
        }
        let mut rng = Rng::new(seed);
        let bound = (6.0 / (embed_dim + 3 * embed_dim) as f32).sqrt();
        let w: Vec<f32> = (0..3 * embed_dim * embed_dim)
            .map(|_| (2.0 * rng.uniform() - 1.0) * bound)
            .collect();
        let in_proj = Linear::from_tensors(
            Tensor::from_vec(w, &[3 * embed_dim, embed_dim]),
            Some(Tensor::zeros(&[3 * embed_dim])),
        );
        let out = Linear::new(embed_dim, embed_dim, rng.next_u64());
        let out_proj = Linear::from_tensors(out.weight.detach(), Some(Tensor::zeros(&[embed_dim])));
        MultiHeadAttention {
            in_proj,
            out_proj,
            num_heads,
            embed_dim,
        }
    }

    pub fn num_heads(&self) -> usize {
        self.num_heads
    }

    pub fn embed_dim(&self) -> usize {
        self.embed_dim
    }

    /// `[B, T, D]` → `[B, heads, T, D/heads]`.
    fn split_heads(&self, t: &Tensor, b: usize, n: usize) -> Tensor {
        let h = self.num_heads;
        t.reshape(&[b, n, h, self.embed_dim / h]).permute(&[0, 2, 1, 3])
    }

    /// Self-attention over `x` `[batch, seq, D]` with an optional mask (1 =
    /// attend) broadcastable to `[batch, heads, seq, seq]` (e.g. [`causal_mask`]).
    /// Returns `[batch, seq, D]`.
    #[track_caller]
    pub fn forward_masked(&self, x: &Tensor, mask: Option<&Tensor>) -> Tensor {
        self.attend(x, mask).0
    }

    /// Like [`forward_masked`](MultiHeadAttention::forward_masked), also
    /// returning the attention weights `[batch, heads, seq, seq]`.
    #[track_caller]
    pub fn attend(&self, x: &Tensor, mask: Option<&Tensor>) -> (Tensor, Tensor) {
        let s = x.shape();
        if s.len() != 3 || s[2] != self.embed_dim {
            panic!(
                "MultiHeadAttention: expects inputs of shape [batch, seq, {}], but got shape {s:?}",
                self.embed_dim
            );
        }
        let (b, n, d) = (s[0], s[1], self.embed_dim);
        let qkv = self.in_proj.forward(x);
        let q = self.split_heads(&qkv.slice(2, 0, d), b, n);
        let k = self.split_heads(&qkv.slice(2, d, 2 * d), b, n);
        let v = self.split_heads(&qkv.slice(2, 2 * d, 3 * d), b, n);
        let weights = attention_weights(&q, &k, mask);
        let heads = weights.matmul(&v); // [B, H, T, dh]
        let merged = heads.permute(&[0, 2, 1, 3]).reshape(&[b, n, d]);
        (self.out_proj.forward(&merged), weights)
    }
}

impl Module for MultiHeadAttention {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        self.forward_masked(x, None)
    }

    /// `in_proj` weight and bias, `out_proj` weight and bias (PyTorch's order).
    fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.in_proj.parameters();
        p.extend(self.out_proj.parameters());
        p
    }

    /// PyTorch's names: `in_proj_weight`, `in_proj_bias`, `out_proj.weight`, `out_proj.bias`.
    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let names = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"];
        names.iter().map(|n| n.to_string()).zip(self.parameters()).collect()
    }
}

// --------------------------------------------------------- encoder block

/// One transformer encoder layer (PyTorch's `nn.TransformerEncoderLayer`,
/// `batch_first=True`, dropout 0). With the default **post-LN**
/// (`norm_first = false`, PyTorch's default):
///
/// ```text
/// x = norm1(x + self_attn(x))
/// x = norm2(x + linear2(activation(linear1(x))))
/// ```
///
/// and with pre-LN (`norm_first = true`): `x = x + self_attn(norm1(x))`,
/// `x = x + ff(norm2(x))`. The activation is ReLU by default;
/// [`Activation::Gelu`] is the engine's tanh-approximate GELU (PyTorch's
/// `activation="gelu"` is the exact erf form; they differ by < 5e-4).
/// The layer norms are [`LayerNorm`]s over `d_model` (eps 1e-5).
pub struct TransformerEncoderBlock {
    pub self_attn: MultiHeadAttention,
    pub linear1: Linear,
    pub linear2: Linear,
    pub norm1: LayerNorm,
    pub norm2: LayerNorm,
    pub activation: Activation,
    pub norm_first: bool,
}

impl TransformerEncoderBlock {
    /// Post-LN with ReLU: `d_model`, `num_heads`, feed-forward width `dim_feedforward`.
    #[track_caller]
    pub fn new(d_model: usize, num_heads: usize, dim_feedforward: usize, seed: u64) -> TransformerEncoderBlock {
        TransformerEncoderBlock::with_options(d_model, num_heads, dim_feedforward, Activation::Relu, false, seed)
    }

    /// Any activation and pre-/post-LN. The attention, `linear1` and
    /// `linear2` are seeded with the first three numbers drawn from `Rng::new(seed)`.
    #[track_caller]
    pub fn with_options(
        d_model: usize,
        num_heads: usize,
        dim_feedforward: usize,
        activation: Activation,
        norm_first: bool,
        seed: u64,
    ) -> TransformerEncoderBlock {
        let mut rng = Rng::new(seed);
        TransformerEncoderBlock {
            self_attn: MultiHeadAttention::new(d_model, num_heads, rng.next_u64()),
            linear1: Linear::new(d_model, dim_feedforward, rng.next_u64()),
            linear2: Linear::new(dim_feedforward, d_model, rng.next_u64()),
            norm1: LayerNorm::new(&[d_model]),
            norm2: LayerNorm::new(&[d_model]),
            activation,
            norm_first,
        }
    }

    fn feed_forward(&self, x: &Tensor) -> Tensor {
        self.linear2.forward(&self.activation.apply(&self.linear1.forward(x)))
    }

    /// The block over `x` `[batch, seq, d_model]` with an optional attention
    /// mask (1 = attend), e.g. [`causal_mask`].
    #[track_caller]
    pub fn forward_masked(&self, x: &Tensor, mask: Option<&Tensor>) -> Tensor {
        if self.norm_first {
            let x = x.add(self.self_attn.forward_masked(&self.norm1.forward(x), mask));
            x.add(self.feed_forward(&self.norm2.forward(&x)))
        } else {
            let x = self.norm1.forward(&x.add(self.self_attn.forward_masked(x, mask)));
            self.norm2.forward(&x.add(self.feed_forward(&x)))
        }
    }
}

impl Module for TransformerEncoderBlock {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        self.forward_masked(x, None)
    }

    /// PyTorch's order: attention (in_proj weight, bias, out_proj weight,
    /// bias), linear1 weight, bias, linear2 weight, bias, norm1 weight, bias,
    /// norm2 weight, bias.
    fn parameters(&self) -> Vec<Tensor> {
        let mut p = self.self_attn.parameters();
        p.extend(self.linear1.parameters());
        p.extend(self.linear2.parameters());
        p.extend(self.norm1.parameters());
        p.extend(self.norm2.parameters());
        p
    }

    /// PyTorch's names (`self_attn.in_proj_weight`, …, `linear1.weight`, …, `norm2.bias`).
    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let mut names: Vec<String> = self
            .self_attn
            .named_parameters()
            .into_iter()
            .map(|(n, _)| format!("self_attn.{n}"))
            .collect();
        for layer in ["linear1", "linear2", "norm1", "norm2"] {
            names.push(format!("{layer}.weight"));
            names.push(format!("{layer}.bias"));
        }
        names.into_iter().zip(self.parameters()).collect()
    }
}
