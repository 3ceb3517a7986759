//! Activations and losses as plain functions (PyTorch's `torch.nn.functional`).
//! All are built from differentiable tensor operations, so
//! [`backward`](crate::Tensor::backward) works through them.

use std::f32::consts::FRAC_2_PI;

use crate::shape_checks::check_dim;
use crate::tensor::Tensor;

// ------------------------------------------------------------- activations

/// `max(x, 0)`; its gradient at exactly 0 is 0 (as in PyTorch).
pub fn relu(x: &Tensor) -> Tensor {
    x.relu()
}

/// `x` where `x > 0`, else `slope · x` (PyTorch's default slope is 0.01).
/// The gradient at exactly 0 is `slope`, as in PyTorch.
pub fn leaky_relu(x: &Tensor, slope: f32) -> Tensor {
    let positive = x.gt(0.0);
    let factor = positive.mul(1.0 - slope).add(slope);
    x.mul(&factor)
}

/// Logistic sigmoid `1 / (1 + e^-x)`.
pub fn sigmoid(x: &Tensor) -> Tensor {
    x.sigmoid()
}

/// Hyperbolic tangent.
pub fn tanh(x: &Tensor) -> Tensor {
    x.tanh()
}

/// GELU with the **tanh approximation** (PyTorch's `gelu(x, approximate="tanh")`):
/// `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`. It differs from the
/// exact erf form by less than 5e-4.
pub fn gelu(x: &Tensor) -> Tensor {
    let cube = x.mul(x).mul(x);
    let inner = x.add(cube.mul(0.044715)).mul(FRAC_2_PI.sqrt());
    x.mul(inner.tanh().add(1.0)).mul(0.5)
}

/// `softmax(x)_i = e^(x_i) / Σ_j e^(x_j)` along `dim`, computed stably by
/// first subtracting the maximum along `dim` (which does not change the result).
#[track_caller]
pub fn softmax(x: &Tensor, dim: usize) -> Tensor {
    let shape = x.shape();
    check_dim("softmax", dim, &shape);
    // The gradient from the output y alone, `y·(g − Σ g·y)`: one row dot and
    // one pass, where the derived chain recomputes the exponentials and
    // carries the sum's own gradient (two passes of ten instructions).
    let rule = move |g: &Tensor, _: &Tensor, y: &Tensor| y.mul(&g.sub(&g.mul(y).sum_dim(dim, true)));
    if dim + 1 == shape.len() && crate::realize::fused_operators_here() {
        // One pass per eight rows on the CPU compiler, forward and back, the
        // same bits as below.
        use crate::ir::Op;
        let fused_rule = |g: &Tensor, _: &Tensor, y: &Tensor| Tensor::from_op(Op::SoftmaxRowsBackward, vec![y.clone(), g.contiguous()], y.shape());
        return Tensor::from_op(Op::SoftmaxRows, vec![x.contiguous()], shape).with_gradient(x, fused_rule);
    }
    let shifted = shift_by_max(x, dim);
    let e = shifted.exp();
    let total = e.sum_dim(dim, true);
    e.div(&total).with_gradient(x, rule)
}

/// `log(softmax(x))` along `dim`, computed stably as
/// `(x - m) - log Σ_j e^(x_j - m)` with `m` the maximum along `dim`.
#[track_caller]
pub fn log_softmax(x: &Tensor, dim: usize) -> Tensor {
    check_dim("log_softmax", dim, &x.shape());
    let shifted = shift_by_max(x, dim);
    let log_total = shifted.exp().sum_dim(dim, true).log();
    shifted.sub(&log_total)
}

/// `x - max(x)` along `dim`. The maximum is a constant shift that cancels in
/// softmax, so no gradient is sent through it (saving work; the result is
/// mathematically the same).
fn shift_by_max(x: &Tensor, dim: usize) -> Tensor {
    let max = x.max_dim(dim, true).stop_gradient();
    x.sub(&max)
}

// ------------------------------------------------------------------ losses

/// Mean squared error `mean((prediction - target)²)`. The shapes must be equal.
#[track_caller]
pub fn mse_loss(prediction: &Tensor, target: &Tensor) -> Tensor {
    let (p, t) = (prediction.shape(), target.shape());
    if p != t {
        panic!("mse_loss: the prediction has shape {p:?} but the target has shape {t:?}; they must be equal");
    }
    prediction.sub(target).square().mean()
}

/// Checks `[N, C]` scores against `N` labels below `C`.
#[track_caller]
fn check_class_scores(name: &str, what: &str, scores: &Tensor, labels: &[usize]) -> (usize, usize) {
    let shape = scores.shape();
    if shape.len() != 2 {
        panic!("{name}: expects {what} of shape [batch, classes], but got shape {shape:?}");
    }
    let (n, c) = (shape[0], shape[1]);
    if labels.len() != n {
        panic!(
            "{name}: the {what} have shape {shape:?} ({n} rows), but {} labels were given; there must be one label per row",
            labels.len()
        );
    }
    if let Some((i, &bad)) = labels.iter().enumerate().find(|(_, &l)| l >= c) {
        panic!(
            "{name}: label {bad} (at position {i}) is too big for {c} classes ({what} of shape {shape:?}); labels must be between 0 and {}",
            c.saturating_sub(1)
        );
    }
    (n, c)
}

/// Cross-entropy between raw scores `logits` `[N, C]` and class labels
/// (`N` numbers in `0..C`), averaged over the batch, like
/// `torch.nn.functional.cross_entropy`: `mean_i(-log_softmax(logits)[i, labels[i]])`.
#[track_caller]
pub fn cross_entropy(logits: &Tensor, labels: &[usize]) -> Tensor {
    check_class_scores("cross_entropy", "logits", logits, labels);
    nll_of(&log_softmax(logits, 1), labels)
}

/// Negative log-likelihood of class labels given log-probabilities `[N, C]`
/// (e.g. from [`log_softmax`]), averaged over the batch:
/// `mean_i(-log_probs[i, labels[i]])`, like `torch.nn.functional.nll_loss`.
#[track_caller]
pub fn nll_loss(log_probs: &Tensor, labels: &[usize]) -> Tensor {
    check_class_scores("nll_loss", "log-probabilities", log_probs, labels);
    nll_of(log_probs, labels)
}

fn nll_of(log_probs: &Tensor, labels: &[usize]) -> Tensor {
    let shape = log_probs.shape();
    let picked = log_probs.mul(Tensor::one_hot(labels, shape[1]));
    picked.sum().mul(-1.0 / shape[0] as f32)
}

#[track_caller]
fn check_same(name: &str, what: &str, a: &Tensor, targets: &Tensor) {
    let (p, t) = (a.shape(), targets.shape());
    if p != t {
        panic!("{name}: the {what} have shape {p:?} but the targets have shape {t:?}; they must be equal");
    }
}

/// Binary cross-entropy between probabilities in `[0, 1]` and targets in
/// `[0, 1]` of the same shape, averaged:
/// `mean(-(t · log p + (1 - t) · log(1 - p)))`. Like PyTorch, each log is
/// kept above about -100 (the probabilities are clamped to at least e^-100),
/// so a confident wrong answer costs 100, not infinity.
/// Prefer [`bce_with_logits`], which is more accurate.
#[track_caller]
pub fn bce_loss(probabilities: &Tensor, targets: &Tensor) -> Tensor {
    check_same("bce_loss", "probabilities", probabilities, targets);
    let tiny = (-100.0f32).exp(); // 3.7e-44, a subnormal f32
    let log_p = probabilities.maximum(tiny).log();
    let log_not_p = probabilities.neg().add(1.0).maximum(tiny).log();
    let not_t = targets.neg().add(1.0);
    targets.mul(&log_p).add(not_t.mul(&log_not_p)).mean().neg()
}

/// Binary cross-entropy on raw scores (`sigmoid` applied inside), averaged,
/// like `torch.nn.functional.binary_cross_entropy_with_logits`:
/// `mean(softplus(x) - t · x)`, where `softplus(x) = log(1 + e^x)` is
/// computed stably as `x·m + log(1 + e^(x·(1 - 2m)))` with `m = (x > 0)`
/// (the exponent is never positive), so its gradient is `sigmoid(x) - t`
/// everywhere, including at 0.
#[track_caller]
pub fn bce_with_logits(logits: &Tensor, targets: &Tensor) -> Tensor {
    check_same("bce_with_logits", "logits", logits, targets);
    let m = logits.gt(0.0);
    let minus_abs = logits.mul(m.mul(-2.0).add(1.0));
    let softplus = logits.mul(&m).add(softplus_nonpositive(&minus_abs));
    softplus.sub(targets.mul(logits)).mean()
}

/// `log(1 + e^z)` for `z <= 0` (so `e^z` is in (0, 1]).
fn softplus_nonpositive(z: &Tensor) -> Tensor {
    z.exp().add(1.0).log()
}

// ------------------------------------------------------------------ metrics

/// The fraction of rows of `logits` (`[N, C]`) whose largest score is at the
/// label's position (ties go to the first maximum). With a single column
/// (`[N, 1]`, one logit per example for binary classification) the
/// prediction is class 1 where the logit is above 0, else class 0.
/// Evaluates `logits`.
#[track_caller]
pub fn accuracy(logits: &Tensor, labels: &[usize]) -> f32 {
    let shape = logits.shape();
    let binary = shape.len() == 2 && shape[1] == 1;
    let (n, _) = if binary {
        check_class_scores("accuracy", "scores", &logits.expand(&[shape[0], 2]), labels)
    } else {
        check_class_scores("accuracy", "scores", logits, labels)
    };
    if n == 0 {
        return f32::NAN;
    }
    let predicted: Vec<usize> = if binary {
        logits
            .to_vec()
            .iter()
            .map(|&z| usize::from(z > 0.0))
            .collect()
    } else {
        logits.argmax_dim(1)
    };
    let correct = predicted.iter().zip(labels).filter(|(p, l)| p == l).count();
    correct as f32 / n as f32
}
