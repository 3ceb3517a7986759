//! Neural-network building blocks with PyTorch's names: the [`Module`] trait,
//! layers ([`Linear`], [`Sequential`], [`Mlp`]), activations as modules
//! ([`ReLU`], [`Tanh`], …) and as functions ([`relu`], [`tanh`], …), and
//! losses ([`cross_entropy`], [`mse_loss`], …).
//!
//! ```
//! use nma_engine::prelude::*;
//!
//! let model = Mlp::new(&[2, 16, 3], Activation::Relu, 0);
//! let x = Tensor::randn(&[5, 2], 1);
//! let logits = model.forward(&x);
//! assert_eq!(logits.shape(), vec![5, 3]);
//! let loss = nn::cross_entropy(&logits, &[0, 1, 2, 0, 1]);
//! loss.backward();
//! assert!(model.parameters().iter().all(|p| p.grad().is_some()));
//! ```

mod functional;

pub use functional::*;

use crate::rng::Rng;
use crate::tensor::Tensor;

/// A layer or a whole model: something with a forward pass and parameters.
pub trait Module {
    /// Applies the module to a batch of inputs.
    fn forward(&self, x: &Tensor) -> Tensor;

    /// Every trainable tensor, in a fixed order (hand them to an optimizer).
    fn parameters(&self) -> Vec<Tensor> {
        Vec::new()
    }

    /// Switches between training and evaluation behaviour (for layers such
    /// as dropout); most modules ignore it.
    fn set_training(&mut self, _on: bool) {}

    /// Forgets the gradients of all parameters.
    fn zero_grad(&self) {
        for p in self.parameters() {
            p.zero_grad();
        }
    }

    /// The total number of trainable numbers.
    fn num_parameters(&self) -> usize {
        self.parameters().iter().map(Tensor::numel).sum()
    }

    /// Every trainable tensor with a name (like PyTorch's `named_parameters`),
    /// in the order of [`parameters`](Module::parameters). The names are what
    /// [`crate::io::save`] writes. By default the parameters are numbered
    /// (`"0"`, `"1"`, …); layers override it (`"weight"`, `"bias"`) and
    /// containers prefix their children's names (`"0.weight"`, `"layers.1.bias"`).
    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        self.parameters()
            .into_iter()
            .enumerate()
            .map(|(i, p)| (i.to_string(), p))
            .collect()
    }
}

// ------------------------------------------------------------------ Linear

/// A fully connected layer `y = x · Wᵀ + b`, with `W` of shape `[out, in]`
/// and `b` of shape `[out]` (PyTorch's `nn.Linear`).
///
/// Initialized like PyTorch: every weight and bias is uniform in
/// `[-1/√in, 1/√in)` (Kaiming-uniform with `a = √5`), drawn from
/// [`Rng`] seeded with `seed` (weights row by row, then biases).
pub struct Linear {
    pub weight: Tensor,
    pub bias: Option<Tensor>,
    in_features: usize,
    out_features: usize,
}

impl Linear {
    /// A layer from `in_features` to `out_features` with a bias.
    #[track_caller]
    pub fn new(in_features: usize, out_features: usize, seed: u64) -> Linear {
        Linear::build(in_features, out_features, true, seed)
    }

    /// The same layer without a bias.
    #[track_caller]
    pub fn without_bias(in_features: usize, out_features: usize, seed: u64) -> Linear {
        Linear::build(in_features, out_features, false, seed)
    }

    /// A layer with the given weight `[out, in]` and optional bias `[out]`
    /// (they are marked as parameters).
    #[track_caller]
    pub fn from_tensors(weight: Tensor, bias: Option<Tensor>) -> Linear {
        let w = weight.shape();
        if w.len() != 2 {
            panic!(
                "Linear::from_tensors: the weight must have shape [out, in], but has shape {w:?}"
            );
        }
        if let Some(b) = &bias {
            if b.shape() != [w[0]] {
                panic!(
                    "Linear::from_tensors: the weight has shape {w:?}, so the bias must have shape [{}], but it has shape {:?}",
                    w[0],
                    b.shape()
                );
            }
        }
        Linear {
            weight: weight.requires_grad(),
            bias: bias.map(Tensor::requires_grad),
            in_features: w[1],
            out_features: w[0],
        }
    }

    #[track_caller]
    fn build(in_features: usize, out_features: usize, bias: bool, seed: u64) -> Linear {
        if in_features == 0 || out_features == 0 {
            panic!("Linear: sizes must be at least 1, but got in_features={in_features}, out_features={out_features}");
        }
        let bound = 1.0 / (in_features as f32).sqrt();
        let mut rng = Rng::new(seed);
        let mut uniform = |n: usize| -> Vec<f32> {
            (0..n)
                .map(|_| (2.0 * rng.uniform() - 1.0) * bound)
                .collect()
        };
        let weight = Tensor::from_vec(
            uniform(in_features * out_features),
            &[out_features, in_features],
        );
        let bias = bias.then(|| Tensor::from_vec(uniform(out_features), &[out_features]));
        Linear::from_tensors(weight, bias)
    }

    pub fn in_features(&self) -> usize {
        self.in_features
    }

    pub fn out_features(&self) -> usize {
        self.out_features
    }
}

impl Module for Linear {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        let shape = x.shape();
        if shape.last() != Some(&self.in_features) {
            panic!(
                "Linear({} -> {}): expects inputs whose last dimension is {}, but got shape {shape:?}",
                self.in_features, self.out_features, self.in_features
            );
        }
        let y = x.matmul(&self.weight.t());
        match &self.bias {
            Some(b) => y.add(b),
            None => y,
        }
    }

    fn parameters(&self) -> Vec<Tensor> {
        weight_and_bias(&self.weight, self.bias.as_ref())
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        named_weight_and_bias(&self.weight, self.bias.as_ref())
    }
}

// -------------------------------------------------------------- Sequential

/// Modules applied one after another (PyTorch's `nn.Sequential`).
#[derive(Default)]
pub struct Sequential {
    pub layers: Vec<Box<dyn Module>>,
}

impl Sequential {
    pub fn new(layers: Vec<Box<dyn Module>>) -> Sequential {
        Sequential { layers }
    }

    /// Appends a module (builder style): `Sequential::default().add(Linear::new(2, 8, 0)).add(ReLU)`.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, layer: impl Module + 'static) -> Sequential {
        self.layers.push(Box::new(layer));
        self
    }

    pub fn len(&self) -> usize {
        self.layers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

impl Module for Sequential {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        let mut h = x.clone();
        for layer in &self.layers {
            h = layer.forward(&h);
        }
        h
    }

    fn parameters(&self) -> Vec<Tensor> {
        self.layers.iter().flat_map(|l| l.parameters()).collect()
    }

    fn set_training(&mut self, on: bool) {
        for layer in &mut self.layers {
            layer.set_training(on);
        }
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        prefixed(self.layers.iter().map(|l| l.named_parameters()), "")
    }
}

/// `"{prefix}{i}.{name}"` for the `i`-th child's named parameters.
pub(crate) fn prefixed(
    children: impl Iterator<Item = Vec<(String, Tensor)>>,
    prefix: &str,
) -> Vec<(String, Tensor)> {
    children
        .enumerate()
        .flat_map(|(i, ps)| {
            ps.into_iter()
                .map(move |(name, p)| (format!("{prefix}{i}.{name}"), p))
        })
        .collect()
}

// --------------------------------------------------------------------- Mlp

/// A multi-layer perceptron: [`Linear`] layers of the given sizes with
/// `activation` between them (not after the last layer, which outputs raw
/// scores / logits).
pub struct Mlp {
    pub layers: Vec<Linear>,
    pub activation: Activation,
}

impl Mlp {
    /// `sizes = [inputs, hidden1, …, outputs]` (at least two numbers). Layer
    /// `i` is seeded with the `i`-th number drawn from `Rng::new(seed)`.
    #[track_caller]
    pub fn new(sizes: &[usize], activation: Activation, seed: u64) -> Mlp {
        if sizes.len() < 2 {
            panic!("Mlp::new: needs at least an input and an output size, but got sizes {sizes:?}");
        }
        let mut rng = Rng::new(seed);
        let layers = sizes
            .windows(2)
            .map(|w| Linear::new(w[0], w[1], rng.next_u64()))
            .collect();
        Mlp { layers, activation }
    }
}

impl Module for Mlp {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        let mut h = x.clone();
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h);
            if i < last {
                h = self.activation.forward(&h);
            }
        }
        h
    }

    fn parameters(&self) -> Vec<Tensor> {
        self.layers.iter().flat_map(|l| l.parameters()).collect()
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        prefixed(self.layers.iter().map(|l| l.named_parameters()), "layers.")
    }
}

// -------------------------------------------------------------- activations

/// An activation function, chosen by value (e.g. for [`Mlp::new`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    Relu,
    /// Leaky ReLU with this negative slope.
    LeakyRelu(f32),
    Sigmoid,
    Tanh,
    /// GELU, tanh approximation (see [`gelu`]).
    Gelu,
    /// No activation: `f(x) = x`.
    Identity,
}

impl Activation {
    pub fn apply(self, x: &Tensor) -> Tensor {
        match self {
            Activation::Relu => relu(x),
            Activation::LeakyRelu(slope) => leaky_relu(x, slope),
            Activation::Sigmoid => sigmoid(x),
            Activation::Tanh => tanh(x),
            Activation::Gelu => gelu(x),
            Activation::Identity => x.clone(),
        }
    }
}

impl Module for Activation {
    fn forward(&self, x: &Tensor) -> Tensor {
        self.apply(x)
    }
}

macro_rules! activation_module {
    ($(#[$doc:meta])* $name:ident, $f:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;
        impl Module for $name {
            fn forward(&self, x: &Tensor) -> Tensor {
                $f(x)
            }
        }
    };
}

activation_module!(
    /// [`relu`] as a module (PyTorch's `nn.ReLU`).
    ReLU, relu
);
activation_module!(
    /// [`sigmoid`] as a module.
    Sigmoid, sigmoid
);
activation_module!(
    /// [`tanh`] as a module.
    Tanh, tanh
);
activation_module!(
    /// [`gelu`] (tanh approximation) as a module.
    GELU, gelu
);

/// [`leaky_relu`] with the given slope, as a module.
#[derive(Debug, Clone, Copy)]
pub struct LeakyReLU(pub f32);

impl Default for LeakyReLU {
    /// PyTorch's default negative slope, 0.01.
    fn default() -> Self {
        LeakyReLU(0.01)
    }
}

impl Module for LeakyReLU {
    fn forward(&self, x: &Tensor) -> Tensor {
        leaky_relu(x, self.0)
    }
}

/// [`softmax`] along the given dimension, as a module.
#[derive(Debug, Clone, Copy)]
pub struct Softmax(pub usize);

impl Module for Softmax {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        softmax(x, self.0)
    }
}

/// [`log_softmax`] along the given dimension, as a module.
#[derive(Debug, Clone, Copy)]
pub struct LogSoftmax(pub usize);

impl Module for LogSoftmax {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        log_softmax(x, self.0)
    }
}

/// `Box<dyn Module>` is a module too, so boxed models can be passed around.
impl Module for Box<dyn Module> {
    fn forward(&self, x: &Tensor) -> Tensor {
        (**self).forward(x)
    }
    fn parameters(&self) -> Vec<Tensor> {
        (**self).parameters()
    }
    fn set_training(&mut self, on: bool) {
        (**self).set_training(on)
    }
    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        (**self).named_parameters()
    }
}

// ------------------------------------------------ weeks 2–3: CNN building blocks
mod conv;
mod dropout;
mod norm;
pub(crate) mod pool;

pub use conv::{
    conv1d, conv2d, conv_transpose2d, flatten, unflatten, Conv1d, Conv2d, ConvTranspose2d, Flatten,
    Size2, Unflatten,
};
#[doc(hidden)]
pub use conv::{set_im2col, Im2col};
pub use dropout::{dropout, Dropout};
pub use dropout::{l1_penalty, l2_penalty};
pub use norm::{
    batch_norm, group_norm, layer_norm, BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm,
};
pub use pool::{
    adaptive_avg_pool2d, avg_pool2d, max_pool2d, AdaptiveAvgPool2d, AvgPool2d, MaxPool2d,
};

// ------------------------------------ weeks 2–3: sequences, attention, generative models
mod attention;
mod embedding;
mod generative;
pub(crate) mod lstm_loop;
mod rnn;

pub use attention::{
    attention_weights, causal_mask, positional_encoding, scaled_dot_product_attention, MultiHeadAttention,
    TransformerEncoderBlock,
};
pub use embedding::{embedding_bag_mean, Embedding};
pub use generative::{freeze, kl_divergence_normal, reparameterize, unfreeze, Frozen};
pub use rnn::{Gru, GruCell, Lstm, LstmCell, Rnn, RnnCell};

/// A layer's weight and optional bias, in PyTorch's order (Linear, the convolutions).
pub(crate) fn weight_and_bias(weight: &Tensor, bias: Option<&Tensor>) -> Vec<Tensor> {
    std::iter::once(weight.clone()).chain(bias.cloned()).collect()
}

/// [`weight_and_bias`] with PyTorch's names, `weight` and `bias`.
pub(crate) fn named_weight_and_bias(weight: &Tensor, bias: Option<&Tensor>) -> Vec<(String, Tensor)> {
    std::iter::once(("weight".to_string(), weight.clone())).chain(bias.map(|b| ("bias".to_string(), b.clone()))).collect()
}
