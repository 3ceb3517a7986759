//! Normalisation layers (PyTorch's `nn.BatchNorm1d`, `nn.BatchNorm2d`,
//! `nn.LayerNorm`, `nn.GroupNorm`) and their functional forms. All use
//! `eps = 1e-5` and the biased variance to normalise, like PyTorch.
//!
//! Batch norm in training mode normalises with the batch's statistics and
//! updates running averages (momentum 0.1, the *unbiased* batch variance, as
//! PyTorch): `running = 0.9 · running + 0.1 · batch`. Those need numbers, so
//! the layer computes the batch mean and variance (and its input) when
//! `forward` is called; gradients still flow through them as usual. In
//! evaluation mode (`set_training(false)`) it uses the running averages.

use std::cell::RefCell;

use crate::nn::Module;
use crate::tensor::Tensor;

const EPS: f32 = 1e-5;

/// Mean and biased variance of `x` over every axis except `keep`, with the
/// reduced axes kept (size 1).
fn stats_except(x: &Tensor, keep: usize) -> (Tensor, Tensor) {
    let rank = x.ndim();
    let mut mean = x.clone();
    for a in (0..rank).rev().filter(|&a| a != keep) {
        mean = mean.mean_dim(a, true);
    }
    let centered = x.sub(&mean);
    let mut var = centered.square();
    for a in (0..rank).rev().filter(|&a| a != keep) {
        var = var.mean_dim(a, true);
    }
    (mean, var)
}

/// `[C]` reshaped to broadcast along axis 1 of a rank-`rank` tensor.
fn per_channel(t: &Tensor, rank: usize) -> Tensor {
    let c = t.numel();
    let mut shape = vec![1; rank];
    shape[1] = c;
    t.reshape(&shape)
}

/// Batch normalisation with the batch's own statistics over every axis but
/// 1 (channels), then `· weight + bias` (each `[C]`) if given: PyTorch's
/// `F.batch_norm(x, None, None, weight, bias, training=True)`.
#[track_caller]
pub fn batch_norm(x: &Tensor, weight: Option<&Tensor>, bias: Option<&Tensor>, eps: f32) -> Tensor {
    let shape = x.shape();
    if shape.len() < 2 {
        panic!("batch_norm: expects an input [batch, channels, ...], but got shape {shape:?}");
    }
    let (mean, var) = stats_except(x, 1);
    affine(
        &x.sub(&mean).div(var.add(eps).sqrt()),
        weight,
        bias,
        shape.len(),
    )
}

fn affine(y: &Tensor, weight: Option<&Tensor>, bias: Option<&Tensor>, rank: usize) -> Tensor {
    let y = match weight {
        Some(w) => y.mul(per_channel(w, rank)),
        None => y.clone(),
    };
    match bias {
        Some(b) => y.add(per_channel(b, rank)),
        None => y,
    }
}

/// The state shared by [`BatchNorm1d`] and [`BatchNorm2d`].
struct BatchNormState {
    weight: Tensor,
    bias: Tensor,
    running_mean: RefCell<Vec<f32>>,
    running_var: RefCell<Vec<f32>>,
    momentum: f32,
    eps: f32,
    training: bool,
}

impl BatchNormState {
    fn new(c: usize) -> Self {
        if c == 0 {
            panic!("BatchNorm: num_features must be at least 1");
        }
        BatchNormState {
            weight: Tensor::ones(&[c]).requires_grad(),
            bias: Tensor::zeros(&[c]).requires_grad(),
            running_mean: RefCell::new(vec![0.0; c]),
            running_var: RefCell::new(vec![1.0; c]),
            momentum: 0.1,
            eps: EPS,
            training: true,
        }
    }

    fn forward(&self, name: &str, x: &Tensor) -> Tensor {
        let shape = x.shape();
        let c = self.weight.numel();
        let rank = shape.len();
        if !self.training {
            let rm = Tensor::from_vec(self.running_mean.borrow().clone(), &[c]);
            let inv = self
                .running_var
                .borrow()
                .iter()
                .map(|v| 1.0 / (v + self.eps).sqrt())
                .collect();
            let inv = Tensor::from_vec(inv, &[c]);
            let y = x.sub(per_channel(&rm, rank)).mul(per_channel(&inv, rank));
            return affine(&y, Some(&self.weight), Some(&self.bias), rank);
        }
        let n: usize = shape.iter().product::<usize>() / c;
        if n <= 1 {
            panic!("{name}: training needs more than one value per channel, but got shape {shape:?} (use set_training(false) to evaluate)");
        }
        let (mean, var) = stats_except(x, 1);
        Tensor::realize_all(&[x, &mean, &var]);
        let (m, v) = (mean.to_vec(), var.to_vec());
        let unbias = n as f32 / (n - 1) as f32;
        let k = self.momentum;
        for (r, b) in self.running_mean.borrow_mut().iter_mut().zip(&m) {
            *r = (1.0 - k) * *r + k * b;
        }
        for (r, b) in self.running_var.borrow_mut().iter_mut().zip(&v) {
            *r = (1.0 - k) * *r + k * b * unbias;
        }
        let y = x.sub(&mean).div(var.add(self.eps).sqrt());
        affine(&y, Some(&self.weight), Some(&self.bias), rank)
    }
}

macro_rules! batch_norm_module {
    ($(#[$doc:meta])* $name:ident, $ranks:expr, $what:expr) => {
        $(#[$doc])*
        pub struct $name(BatchNormState);

        impl $name {
            /// A layer for `num_features` channels: weight 1, bias 0, running mean 0, running variance 1.
            #[track_caller]
            pub fn new(num_features: usize) -> $name {
                $name(BatchNormState::new(num_features))
            }

            /// The weight of the running averages' update (PyTorch's `momentum`, default 0.1).
            pub fn momentum(mut self, momentum: f32) -> $name {
                self.0.momentum = momentum;
                self
            }

            /// The number added to the variance (default 1e-5).
            pub fn eps(mut self, eps: f32) -> $name {
                self.0.eps = eps;
                self
            }

            pub fn weight(&self) -> &Tensor {
                &self.0.weight
            }

            pub fn bias(&self) -> &Tensor {
                &self.0.bias
            }

            /// The running mean `[C]` (a copy).
            pub fn running_mean(&self) -> Tensor {
                let c = self.0.weight.numel();
                Tensor::from_vec(self.0.running_mean.borrow().clone(), &[c])
            }

            /// The running (unbiased) variance `[C]` (a copy).
            pub fn running_var(&self) -> Tensor {
                let c = self.0.weight.numel();
                Tensor::from_vec(self.0.running_var.borrow().clone(), &[c])
            }

            /// Replaces the running statistics (e.g. of a pretrained model).
            #[track_caller]
            pub fn set_running_stats(&self, mean: &[f32], var: &[f32]) {
                let c = self.0.weight.numel();
                if mean.len() != c || var.len() != c {
                    panic!("{}: running statistics need {c} values each, got {} and {}", stringify!($name), mean.len(), var.len());
                }
                *self.0.running_mean.borrow_mut() = mean.to_vec();
                *self.0.running_var.borrow_mut() = var.to_vec();
            }

            pub fn is_training(&self) -> bool {
                self.0.training
            }
        }

        impl Module for $name {
            #[track_caller]
            fn forward(&self, x: &Tensor) -> Tensor {
                let shape = x.shape();
                let c = self.0.weight.numel();
                if !$ranks.contains(&shape.len()) || shape[1] != c {
                    panic!(
                        "{}({c}): expects an input of shape {} with {c} channels, but got shape {shape:?}",
                        stringify!($name),
                        $what
                    );
                }
                self.0.forward(stringify!($name), x)
            }

            fn parameters(&self) -> Vec<Tensor> {
                vec![self.0.weight.clone(), self.0.bias.clone()]
            }

            fn named_parameters(&self) -> Vec<(String, Tensor)> {
                vec![
                    ("weight".to_string(), self.0.weight.clone()),
                    ("bias".to_string(), self.0.bias.clone()),
                ]
            }

            fn set_training(&mut self, on: bool) {
                self.0.training = on;
            }
        }
    };
}

batch_norm_module!(
    /// Batch normalisation of `[N, C]` or `[N, C, L]` inputs per channel
    /// (PyTorch's `nn.BatchNorm1d`): batch statistics and running averages (momentum 0.1) in training, the running averages in evaluation.
    BatchNorm1d,
    [2usize, 3],
    "[batch, channels] or [batch, channels, length]"
);
batch_norm_module!(
    /// Batch normalisation of `[N, C, H, W]` inputs per channel
    /// (PyTorch's `nn.BatchNorm2d`): batch statistics and running averages (momentum 0.1) in training, the running averages in evaluation.
    BatchNorm2d,
    [4usize],
    "[batch, channels, height, width]"
);

/// Layer normalisation over the last `normalized_shape.len()` axes, which
/// must equal `normalized_shape`, then `· weight + bias` (each of that shape)
/// if given: PyTorch's `F.layer_norm`.
#[track_caller]
pub fn layer_norm(
    x: &Tensor,
    normalized_shape: &[usize],
    weight: Option<&Tensor>,
    bias: Option<&Tensor>,
    eps: f32,
) -> Tensor {
    let shape = x.shape();
    let k = normalized_shape.len();
    if k == 0 || shape.len() < k || shape[shape.len() - k..] != *normalized_shape {
        panic!("layer_norm: the last axes of the input {shape:?} must be {normalized_shape:?}");
    }
    let inner: usize = normalized_shape.iter().product();
    let outer = x.numel() / inner;
    let flat = x.reshape(&[outer, inner]);
    let mut y = if crate::realize::fused_operators_here() {
        // One kernel on the CPU compiler, forward and back
        // (`cpu/kernels/layer_norm.rs`): the operators below within rounding.
        use crate::ir::Op;
        let x = flat.contiguous();
        let input = x.clone();
        let rule = move |g: &Tensor, _: &Tensor, y: &Tensor| {
            Tensor::from_op(Op::LayerNormRowsBackward { eps }, vec![input.clone(), y.clone(), g.contiguous()], y.shape())
        };
        Tensor::from_op(Op::LayerNormRows { eps }, vec![x], vec![outer, inner]).with_gradient(&flat, rule)
    } else {
        let mean = flat.mean_dim(1, true);
        let centered = flat.sub(&mean);
        let var = centered.square().mean_dim(1, true);
        centered.div(var.add(eps).sqrt())
    }
    .reshape(&shape);
    if let Some(w) = weight {
        y = y.mul(w);
    }
    if let Some(b) = bias {
        y = y.add(b);
    }
    y
}

/// Layer normalisation (PyTorch's `nn.LayerNorm`) with a learnable weight
/// (ones) and bias (zeros) of `normalized_shape`.
pub struct LayerNorm {
    pub weight: Tensor,
    pub bias: Tensor,
    pub normalized_shape: Vec<usize>,
    pub eps: f32,
}

impl LayerNorm {
    #[track_caller]
    pub fn new(normalized_shape: &[usize]) -> LayerNorm {
        if normalized_shape.is_empty() || normalized_shape.contains(&0) {
            panic!("LayerNorm: normalized_shape must be non-empty sizes of at least 1, got {normalized_shape:?}");
        }
        LayerNorm {
            weight: Tensor::ones(normalized_shape).requires_grad(),
            bias: Tensor::zeros(normalized_shape).requires_grad(),
            normalized_shape: normalized_shape.to_vec(),
            eps: EPS,
        }
    }
}

impl Module for LayerNorm {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        layer_norm(
            x,
            &self.normalized_shape,
            Some(&self.weight),
            Some(&self.bias),
            self.eps,
        )
    }

    fn parameters(&self) -> Vec<Tensor> {
        vec![self.weight.clone(), self.bias.clone()]
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        vec![
            ("weight".to_string(), self.weight.clone()),
            ("bias".to_string(), self.bias.clone()),
        ]
    }
}

/// Group normalisation: the `C` channels of `x` `[N, C, ...]` are split into
/// `num_groups` groups, each normalised over its channels and positions, then
/// `· weight + bias` (each `[C]`) if given: PyTorch's `F.group_norm`.
#[track_caller]
pub fn group_norm(
    x: &Tensor,
    num_groups: usize,
    weight: Option<&Tensor>,
    bias: Option<&Tensor>,
    eps: f32,
) -> Tensor {
    let shape = x.shape();
    if shape.len() < 2 || num_groups == 0 || !shape[1].is_multiple_of(num_groups) {
        panic!("group_norm: expects an input [batch, channels, ...] whose channels are divisible by num_groups = {num_groups}, but got shape {shape:?}");
    }
    let n = shape[0];
    let rest = x.numel() / (n * num_groups);
    let g = x.reshape(&[n, num_groups, rest]);
    let mean = g.mean_dim(2, true);
    let centered = g.sub(&mean);
    let var = centered.square().mean_dim(2, true);
    let y = centered.div(var.add(eps).sqrt()).reshape(&shape);
    affine(&y, weight, bias, shape.len())
}

/// Group normalisation (PyTorch's `nn.GroupNorm`) with a learnable weight
/// (ones) and bias (zeros) of `[num_channels]`.
pub struct GroupNorm {
    pub weight: Tensor,
    pub bias: Tensor,
    pub num_groups: usize,
    pub eps: f32,
}

impl GroupNorm {
    #[track_caller]
    pub fn new(num_groups: usize, num_channels: usize) -> GroupNorm {
        if num_groups == 0 || !num_channels.is_multiple_of(num_groups) {
            panic!(
                "GroupNorm: num_groups = {num_groups} must divide num_channels = {num_channels}"
            );
        }
        GroupNorm {
            weight: Tensor::ones(&[num_channels]).requires_grad(),
            bias: Tensor::zeros(&[num_channels]).requires_grad(),
            num_groups,
            eps: EPS,
        }
    }
}

impl Module for GroupNorm {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        let shape = x.shape();
        if shape.len() < 2 || shape[1] != self.weight.numel() {
            panic!(
                "GroupNorm: expects an input [batch, {}, ...], but got shape {shape:?}",
                self.weight.numel()
            );
        }
        group_norm(
            x,
            self.num_groups,
            Some(&self.weight),
            Some(&self.bias),
            self.eps,
        )
    }

    fn parameters(&self) -> Vec<Tensor> {
        vec![self.weight.clone(), self.bias.clone()]
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        vec![
            ("weight".to_string(), self.weight.clone()),
            ("bias".to_string(), self.bias.clone()),
        ]
    }
}
