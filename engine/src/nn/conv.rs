//! Convolutions (PyTorch's `nn.Conv1d`, `nn.Conv2d`, `nn.ConvTranspose2d` and
//! their functional forms), plus [`flatten`]/[`unflatten`]. Layout is NCHW
//! (`[batch, channels, height, width]`), weights are `[out, in / groups, kh, kw]`.
//!
//! # How a convolution is computed
//!
//! With primitive operators and views only (so the CPU passes and the other
//! backends need nothing new): **im2col**, then one (batched) matrix product.
//!
//! The patches are the `kh·kw` shifted slices of the padded input, stacked
//! ([`patches_by_stacking`]): each slice is a plain view (slicing the two
//! spatial axes), and `Tensor::stack` pads each into its place along a new
//! tap axis and adds them, which the CPU backend runs as one pass that
//! copies each slice into its box of the patch matrix
//! `[N, C·kh·kw, ho·wo]`. The matrix product with the weight
//! `[groups, out/groups, C/groups·kh·kw]` then writes `[N, out, ho, wo]`
//! directly, as sgemm. The gradient of the patches carries its own rule
//! (col2im: each tap's gradient padded into the input's grid and summed in
//! one pass), instead of the stack's derived adjoint, which slices each tap
//! out and copies it. A stride keeps column 0 of `[o, s]` per tap (its
//! gradient is derived).
//!
//! A second way, kept as an independent check of the first (the tests
//! compare their values and gradients; `set_im2col(Im2col::Windows)`),
//! makes overlapping windows with the *pad–reshape–slice* trick
//! ([`windows`]), one spatial axis at a time: repeat the axis `k` times (a
//! broadcast view, then a copy), flatten, pad by `k·d` zeros and cut rows of
//! length `L + d`: row `i` is the signal shifted by `i·d`. It moves every
//! element through several copies, so it is slower; the measurements behind
//! the choice are in ARCHITECTURE.md (the engine's convolution paragraph).

use std::cell::Cell;

use crate::nn::{named_weight_and_bias, weight_and_bias, Module};
use crate::rng::Rng;
use crate::tensor::Tensor;

/// A size or a step given for both spatial axes (`3`) or for each (`(3, 5)`,
/// height first), like PyTorch's `int | tuple` arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size2(pub usize, pub usize);

impl From<usize> for Size2 {
    fn from(v: usize) -> Size2 {
        Size2(v, v)
    }
}

impl From<(usize, usize)> for Size2 {
    fn from((h, w): (usize, usize)) -> Size2 {
        Size2(h, w)
    }
}

impl From<[usize; 2]> for Size2 {
    fn from([h, w]: [usize; 2]) -> Size2 {
        Size2(h, w)
    }
}

/// How the patches of [`conv2d`] are gathered (for benchmarks and tests).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Im2col {
    /// The pad–reshape–slice window trick.
    Windows,
    /// `kh·kw` shifted slices stacked with `Tensor::stack` (the default).
    StackedSlices,
}

thread_local! {
    static IM2COL: Cell<Im2col> = const { Cell::new(Im2col::StackedSlices) };
}

/// Chooses how [`conv2d`] gathers patches on this thread (benchmarks only).
#[doc(hidden)]
pub fn set_im2col(method: Im2col) {
    IM2COL.with(|m| m.set(method));
}

/// The output length of a convolution or pooling window along one axis.
pub(crate) fn out_len(name: &str, len: usize, k: usize, s: usize, p: usize, d: usize) -> usize {
    let span = d * (k - 1) + 1;
    if len + 2 * p < span {
        panic!(
            "{name}: the input is too small: {len} (+ {p} padding on each side) is shorter than the kernel's span {span} \
             (kernel {k}, dilation {d})"
        );
    }
    (len + 2 * p - span) / s + 1
}

/// The padded length [`windows`] needs along an axis for `o` windows of `k`
/// taps with stride `s` and dilation `d`.
pub(crate) fn windows_len(k: usize, s: usize, d: usize, o: usize) -> usize {
    ((o - 1) * s + (k - 1) * d + 1).max((o * s).saturating_sub(d))
}

/// Sliding windows along `dim`: for `x` of shape `[..pre, L, ..post]`, the
/// result has shape `[..pre, k, o, ..post]` with
/// `out[.., i, j, ..] = x[.., j·s + i·d, ..]`. `L` must be at least
/// `windows_len(k, s, d, o)` (pad first). Built from views and copies only
/// (see the module docs); the result is a view (sliced).
pub(crate) fn windows(x: &Tensor, dim: usize, k: usize, s: usize, d: usize, o: usize) -> Tensor {
    let shape = x.shape();
    let l = shape[dim];
    debug_assert!(l >= windows_len(k, s, d, o));
    if k == 1 {
        let taken = if s == 1 {
            x.slice(dim, 0, o)
        } else {
            strided_slice(x, dim, s, o)
        };
        return taken.unsqueeze(dim);
    }
    // k copies of the axis, one after the other: [.., k, L, ..] -> [.., k·L, ..].
    let mut repeated = shape.clone();
    repeated.insert(dim, k);
    let rep = x.unsqueeze(dim).expand(&repeated).contiguous();
    let mut flat = shape.clone();
    flat[dim] = k * l;
    // Padding by k·d and cutting rows of L + d shifts row i by i·d.
    let rows = rep.reshape(&flat).padded(dim, 0, k * d);
    let mut rows_shape = shape.clone();
    rows_shape[dim] = l + d;
    rows_shape.insert(dim, k);
    let rows = rows.reshape(&rows_shape);
    if s == 1 {
        return rows.slice(dim + 1, 0, o);
    }
    strided_slice(&rows, dim + 1, s, o)
}

/// Elements `0, s, 2s, …` (`o` of them) along `dim` (`o·s` must fit the axis or
/// its padding): a reshape to `[o, s]` and column 0.
fn strided_slice(x: &Tensor, dim: usize, s: usize, o: usize) -> Tensor {
    let shape = x.shape();
    let len = shape[dim];
    let x = if len >= o * s {
        x.slice(dim, 0, o * s)
    } else {
        x.padded(dim, 0, o * s - len)
    };
    let mut split = shape.clone();
    split[dim] = o;
    split.insert(dim + 1, s);
    let mut out = shape;
    out[dim] = o;
    x.reshape(&split).slice(dim + 1, 0, 1).reshape(&out)
}

/// Pads several axes in one view (the crate's `padded` copies before padding
/// an already padded view).
pub(crate) fn pad_axes(x: &Tensor, pads: &[(usize, usize, usize)]) -> Tensor {
    let pads: Vec<_> = pads.iter().filter(|p| p.1 + p.2 > 0).copied().collect();
    if pads.is_empty() {
        return x.clone();
    }
    let mut r = x.clone();
    if r.view.is_sliced()
        || r.view.is_padded()
        || pads
            .iter()
            .any(|&(dim, _, _)| r.view.fake[r.view.indexes[dim]])
    {
        r = r.contiguous();
    }
    for &(dim, before, after) in &pads {
        let p = r.view.indexes[dim];
        r.view.padding[p] = (before, after);
    }
    r
}

#[track_caller]
fn check_conv_shapes(name: &str, x: &[usize], w: &[usize], groups: usize, bias: Option<&Tensor>) {
    if x.len() != 4 {
        panic!("{name}: expects an input of shape [batch, channels, height, width], but got shape {x:?}");
    }
    if w.len() != 4 {
        panic!("{name}: expects a weight of shape [out_channels, in_channels / groups, kh, kw], but got shape {w:?}");
    }
    if groups == 0 || !x[1].is_multiple_of(groups) || !w[0].is_multiple_of(groups) {
        panic!(
            "{name}: groups = {groups} must divide both the input channels ({}) and the output channels ({})",
            x[1], w[0]
        );
    }
    if w[1] * groups != x[1] {
        panic!(
            "{name}: the weight {w:?} expects {} input channels (in_channels / groups = {} with groups = {groups}), \
             but the input {x:?} has {}",
            w[1] * groups,
            w[1],
            x[1]
        );
    }
    if let Some(b) = bias {
        if b.shape() != [w[0]] {
            panic!("{name}: the bias must have shape [{}] (one per output channel), but has shape {:?}", w[0], b.shape());
        }
    }
}

/// 2-D convolution (cross-correlation, as PyTorch's `F.conv2d`):
/// `x` `[N, C, H, W]`, `weight` `[O, C/groups, kh, kw]`, optional `bias` `[O]`;
/// returns `[N, O, Ho, Wo]` with `Ho = (H + 2·pad - dil·(kh-1) - 1) / stride + 1`.
/// `stride`, `padding` and `dilation` take a number or a `(height, width)` pair.
/// With `groups = C = O` every channel has its own filter (depthwise).
///
/// ```
/// use nma_engine::prelude::*;
/// let x = Tensor::ones(&[1, 1, 3, 3]);
/// let w = Tensor::ones(&[1, 1, 2, 2]);
/// let y = nn::conv2d(&x, &w, None, 1, 0, 1, 1);
/// assert_eq!(y.to_vec(), vec![4.0; 4]);
/// ```
#[track_caller]
pub fn conv2d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    dilation: impl Into<Size2>,
    groups: usize,
) -> Tensor {
    let (xs, ws) = (x.shape(), weight.shape());
    check_conv_shapes("conv2d", &xs, &ws, groups, bias);
    let (Size2(sh, sw), Size2(ph, pw), Size2(dh, dw)) =
        (stride.into(), padding.into(), dilation.into());
    if sh == 0 || sw == 0 || dh == 0 || dw == 0 {
        panic!("conv2d: stride and dilation must be at least 1");
    }
    let (n, c, h, w) = (xs[0], xs[1], xs[2], xs[3]);
    let (o, kh, kw) = (ws[0], ws[2], ws[3]);
    let ho = out_len("conv2d", h, kh, sh, ph, dh);
    let wo = out_len("conv2d", w, kw, sw, pw, dw);
    let g = groups;
    let kg = c / g * kh * kw;
    let patches = match IM2COL.with(Cell::get) {
        Im2col::Windows => patches_by_windows(x, (kh, kw), (sh, sw), (ph, pw), (dh, dw), (ho, wo)),
        Im2col::StackedSlices => {
            patches_by_stacking(x, (kh, kw), (sh, sw), (ph, pw), (dh, dw), (ho, wo))
        }
    };
    // patches: [N, g, C/g·kh·kw, ho·wo]; weight as [g, O/g, C/g·kh·kw].
    let patches = patches.reshape(&[n, g, kg, ho * wo]);
    let wmat = weight.reshape(&[g, o / g, kg]);
    let y = wmat.matmul(&patches).reshape(&[n, o, ho, wo]);
    match bias {
        Some(b) => y.add(b.reshape(&[o, 1, 1])),
        None => y,
    }
}

/// Patches `[N, C·kh·kw, ho·wo]` (channel-major, then kernel row, then column)
/// by the window trick.
fn patches_by_windows(
    x: &Tensor,
    (kh, kw): (usize, usize),
    (sh, sw): (usize, usize),
    (ph, pw): (usize, usize),
    (dh, dw): (usize, usize),
    (ho, wo): (usize, usize),
) -> Tensor {
    let xs = x.shape();
    let (n, c, h, w) = (xs[0], xs[1], xs[2], xs[3]);
    let x3 = x.reshape(&[n * c, h, w]);
    let need_h = windows_len(kh, sh, dh, ho).max(h + 2 * ph);
    let need_w = windows_len(kw, sw, dw, wo).max(w + 2 * pw);
    let xp = pad_axes(&x3, &[(1, ph, need_h - h - ph), (2, pw, need_w - w - pw)]);
    let rows = windows(&xp, 1, kh, sh, dh, ho); // [NC, kh, ho, Wp]
    let cols = windows(&rows, 3, kw, sw, dw, wo); // [NC, kh, ho, kw, wo]
    cols.permute(&[0, 1, 3, 2, 4])
        .reshape(&[n, c * kh * kw, ho * wo])
}

/// Patches as [`patches_by_windows`], by stacking shifted slices.
fn patches_by_stacking(
    x: &Tensor,
    (kh, kw): (usize, usize),
    (sh, sw): (usize, usize),
    (ph, pw): (usize, usize),
    (dh, dw): (usize, usize),
    (ho, wo): (usize, usize),
) -> Tensor {
    let xs = x.shape();
    let (n, c, h, w) = (xs[0], xs[1], xs[2], xs[3]);
    let hp = (h + 2 * ph)
        .max((ho - 1) * sh + (kh - 1) * dh + 1)
        .max(ho * sh + (kh - 1) * dh);
    let wp = (w + 2 * pw)
        .max((wo - 1) * sw + (kw - 1) * dw + 1)
        .max(wo * sw + (kw - 1) * dw);
    let xp = pad_axes(x, &[(2, ph, hp - h - ph), (3, pw, wp - w - pw)]).contiguous();
    let mut parts = Vec::with_capacity(kh * kw);
    for i in 0..kh {
        for j in 0..kw {
            let rows = xp.slice(2, i * dh, i * dh + ho * sh);
            let cols = rows.slice(3, j * dw, j * dw + wo * sw);
            let part = if sh == 1 && sw == 1 {
                cols
            } else {
                cols.reshape(&[n, c, ho, sh, wo, sw])
                    .slice(3, 0, 1)
                    .slice(5, 0, 1)
                    .reshape(&[n, c, ho, wo])
            };
            parts.push(part);
        }
    }
    let refs: Vec<&Tensor> = parts.iter().collect();
    let stacked = Tensor::stack(&refs, 2); // [N, C, kh·kw, ho, wo]
    if sh != 1 || sw != 1 || kh * kw == 1 {
        // Strided taps: the derived gradient (interleaving them needs copies).
        // A 1×1 kernel has one tap: the stack is a view of the input, not an
        // operator to attach a rule to, and its derived gradient is the rule.
        return stacked.reshape(&[n, c * kh * kw, ho * wo]);
    }
    // col2im: each tap's gradient placed at its offset in the padded grid,
    // summed (one sum of padded views), then the padding cut away. Derived
    // through the stack, each tap's gradient is sliced out and copied first.
    let stacked = stacked.with_gradient(x, move |g, _, _| {
        let grid = (0..kh)
            .flat_map(|i| (0..kw).map(move |j| (i, j)))
            .map(|(i, j)| {
                let (t, top, left) = (i * kw + j, i * dh, j * dw);
                g.slice(2, t, t + 1).padded(3, top, hp - top - ho).padded(4, left, wp - left - wo)
            })
            .reduce(|acc, part| acc.add(&part))
            .expect("a kernel has at least one tap")
            .reshape(&[n, c, hp, wp]);
        grid.slice(2, ph, ph + h).slice(3, pw, pw + w)
    });
    stacked.reshape(&[n, c * kh * kw, ho * wo])
}

/// 1-D convolution (PyTorch's `F.conv1d`): `x` `[N, C, L]`, `weight`
/// `[O, C/groups, k]`, optional `bias` `[O]`; returns `[N, O, Lo]`.
#[track_caller]
pub fn conv1d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: usize,
    padding: usize,
    dilation: usize,
    groups: usize,
) -> Tensor {
    let (xs, ws) = (x.shape(), weight.shape());
    if xs.len() != 3 {
        panic!("conv1d: expects an input of shape [batch, channels, length], but got shape {xs:?}");
    }
    if ws.len() != 3 {
        panic!("conv1d: expects a weight of shape [out_channels, in_channels / groups, k], but got shape {ws:?}");
    }
    let y = conv2d(
        &x.unsqueeze(2),
        &weight.unsqueeze(2),
        bias,
        (1, stride),
        (0, padding),
        (1, dilation),
        groups,
    );
    y.squeeze(2)
}

/// Transposed 2-D convolution (PyTorch's `F.conv_transpose2d`, the gradient of
/// [`conv2d`] with respect to its input): `x` `[N, C, H, W]`, `weight`
/// `[C, O/groups, kh, kw]`, optional `bias` `[O]`; returns `[N, O, Ho, Wo]` with
/// `Ho = (H - 1)·stride - 2·padding + dilation·(kh - 1) + output_padding + 1`.
///
/// Computed as a [`conv2d`] of the input with `stride - 1` zeros inserted
/// between elements, padded by `dilation·(k - 1) - padding`, with the weight
/// flipped spatially and its channel axes swapped.
#[allow(clippy::too_many_arguments)]
#[track_caller]
pub fn conv_transpose2d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
    output_padding: impl Into<Size2>,
    groups: usize,
    dilation: impl Into<Size2>,
) -> Tensor {
    let (xs, ws) = (x.shape(), weight.shape());
    if xs.len() != 4 || ws.len() != 4 {
        panic!(
            "conv_transpose2d: expects an input [batch, channels, height, width] and a weight \
             [in_channels, out_channels / groups, kh, kw], but got shapes {xs:?} and {ws:?}"
        );
    }
    let (Size2(sh, sw), Size2(ph, pw), Size2(oph, opw), Size2(dh, dw)) = (
        stride.into(),
        padding.into(),
        output_padding.into(),
        dilation.into(),
    );
    if sh == 0 || sw == 0 || dh == 0 || dw == 0 {
        panic!("conv_transpose2d: stride and dilation must be at least 1");
    }
    if oph >= sh.max(dh) || opw >= sw.max(dw) {
        panic!("conv_transpose2d: output_padding must be smaller than stride or dilation");
    }
    let g = groups;
    let (n, c, h, w) = (xs[0], xs[1], xs[2], xs[3]);
    if g == 0 || !c.is_multiple_of(g) || ws[0] != c {
        panic!(
            "conv_transpose2d: the weight {ws:?} must have in_channels = {c} rows (the input {xs:?} has {c} channels) \
             and groups = {g} must divide them"
        );
    }
    let (og, kh, kw) = (ws[1], ws[2], ws[3]);
    let o = og * g;
    if let Some(b) = bias {
        if b.shape() != [o] {
            panic!(
                "conv_transpose2d: the bias must have shape [{o}], but has shape {:?}",
                b.shape()
            );
        }
    }
    let (eh, ew) = (dh * (kh - 1), dw * (kw - 1));
    // Zeros between the input's elements: [N, C, H, 1, W, 1] padded to s, reshaped, trailing zeros cut.
    let up = if sh == 1 && sw == 1 {
        x.clone()
    } else {
        let spread = x.reshape(&[n, c, h, 1, w, 1]);
        let spread = pad_axes(&spread, &[(3, 0, sh - 1), (5, 0, sw - 1)]);
        spread
            .reshape(&[n, c, h * sh, w * sw])
            .slice(2, 0, (h - 1) * sh + 1)
            .slice(3, 0, (w - 1) * sw + 1)
    };
    // Padding: dilation·(k-1) - padding on both sides, plus output_padding
    // after; where that is negative, the input is cropped instead.
    let side = |e: usize, p: usize, extra: usize| {
        (
            e as isize - p as isize,
            e as isize - p as isize + extra as isize,
        )
    };
    let (bh, ah) = side(eh, ph, oph);
    let (bw, aw) = side(ew, pw, opw);
    let mut up = up;
    for (dim, before, after) in [(2, bh, ah), (3, bw, aw)] {
        let len = up.shape()[dim] as isize;
        let start = (-before).max(0);
        let end = len - (-after).max(0);
        if start >= end {
            panic!("conv_transpose2d: padding {:?} leaves no output", (ph, pw));
        }
        up = up.slice(dim, start as usize, end as usize);
    }
    let up = pad_axes(
        &up,
        &[
            (2, bh.max(0) as usize, ah.max(0) as usize),
            (3, bw.max(0) as usize, aw.max(0) as usize),
        ],
    );
    // Weight [C, O/g, kh, kw] -> [O, C/g, kh, kw], flipped in both spatial axes.
    let cg = c / g;
    let wt = weight
        .reshape(&[g, cg, og, kh, kw])
        .permute(&[0, 2, 1, 3, 4])
        .reshape(&[o, cg, kh, kw]);
    let wt = flip_last(&flip_last(&wt).transpose(2, 3)).transpose(2, 3);
    conv2d(&up, &wt, bias, 1, 0, (dh, dw), g)
}

/// Reverses the last axis (a product with the anti-diagonal matrix, so it is
/// differentiable with existing operators).
fn flip_last(x: &Tensor) -> Tensor {
    let k = *x.shape().last().expect("flip_last of a scalar");
    if k == 1 {
        return x.clone();
    }
    let mut data = vec![0.0; k * k];
    for i in 0..k {
        data[i * k + (k - 1 - i)] = 1.0;
    }
    x.matmul(&Tensor::from_vec(data, &[k, k]))
}

/// Kaiming-uniform (`a = √5`) as PyTorch's `reset_parameters`: every weight and
/// bias uniform in `[-1/√fan_in, 1/√fan_in)`, weights first.
fn uniform_init(
    shape: &[usize],
    bias: Option<usize>,
    fan_in: usize,
    seed: u64,
) -> (Tensor, Option<Tensor>) {
    let bound = 1.0 / (fan_in as f32).sqrt();
    let mut rng = Rng::new(seed);
    let mut draw = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| (2.0 * rng.uniform() - 1.0) * bound)
            .collect()
    };
    let numel: usize = shape.iter().product();
    let weight = Tensor::from_vec(draw(numel), shape).requires_grad();
    let bias = bias.map(|b| Tensor::from_vec(draw(b), &[b]).requires_grad());
    (weight, bias)
}

// ------------------------------------------------------------------ Conv2d

/// A 2-D convolution layer (PyTorch's `nn.Conv2d`): weight
/// `[out, in/groups, kh, kw]`, bias `[out]`, initialized like PyTorch
/// (uniform in `±1/√(in/groups·kh·kw)`, from [`Rng`] seeded with `seed`).
///
/// Options are set builder-style:
/// `Conv2d::new(3, 16, 3, 0).padding(1).stride(2)`; `groups` re-draws the
/// weight (its shape changes), `without_bias` drops the bias.
pub struct Conv2d {
    pub weight: Tensor,
    pub bias: Option<Tensor>,
    pub stride: Size2,
    pub padding: Size2,
    pub dilation: Size2,
    pub groups: usize,
    in_channels: usize,
    out_channels: usize,
    kernel: Size2,
    seed: u64,
}

impl Conv2d {
    #[track_caller]
    pub fn new(
        in_channels: usize,
        out_channels: usize,
        kernel_size: impl Into<Size2>,
        seed: u64,
    ) -> Conv2d {
        let kernel = kernel_size.into();
        if in_channels == 0 || out_channels == 0 || kernel.0 == 0 || kernel.1 == 0 {
            panic!("Conv2d: channels and kernel sizes must be at least 1");
        }
        let mut conv = Conv2d {
            weight: Tensor::scalar(0.0),
            bias: None,
            stride: Size2(1, 1),
            padding: Size2(0, 0),
            dilation: Size2(1, 1),
            groups: 1,
            in_channels,
            out_channels,
            kernel,
            seed,
        };
        conv.init(true);
        conv
    }

    fn init(&mut self, bias: bool) {
        let cg = self.in_channels / self.groups;
        let Size2(kh, kw) = self.kernel;
        let (w, b) = uniform_init(
            &[self.out_channels, cg, kh, kw],
            bias.then_some(self.out_channels),
            cg * kh * kw,
            self.seed,
        );
        self.weight = w;
        self.bias = b;
    }

    pub fn stride(mut self, stride: impl Into<Size2>) -> Conv2d {
        self.stride = stride.into();
        self
    }

    pub fn padding(mut self, padding: impl Into<Size2>) -> Conv2d {
        self.padding = padding.into();
        self
    }

    pub fn dilation(mut self, dilation: impl Into<Size2>) -> Conv2d {
        self.dilation = dilation.into();
        self
    }

    /// Splits the channels into `groups` independent groups (re-draws the weight).
    #[track_caller]
    pub fn groups(mut self, groups: usize) -> Conv2d {
        if groups == 0
            || !self.in_channels.is_multiple_of(groups)
            || !self.out_channels.is_multiple_of(groups)
        {
            panic!(
                "Conv2d: groups = {groups} must divide in_channels = {} and out_channels = {}",
                self.in_channels, self.out_channels
            );
        }
        self.groups = groups;
        let bias = self.bias.is_some();
        self.init(bias);
        self
    }

    pub fn without_bias(mut self) -> Conv2d {
        self.bias = None;
        self
    }

    /// A layer with the given weight `[out, in/groups, kh, kw]` and bias (marked as parameters).
    #[track_caller]
    pub fn from_tensors(weight: Tensor, bias: Option<Tensor>, groups: usize) -> Conv2d {
        let ws = weight.shape();
        if ws.len() != 4 {
            panic!("Conv2d::from_tensors: the weight must have shape [out, in/groups, kh, kw], but has shape {ws:?}");
        }
        Conv2d {
            weight: weight.requires_grad(),
            bias: bias.map(Tensor::requires_grad),
            stride: Size2(1, 1),
            padding: Size2(0, 0),
            dilation: Size2(1, 1),
            groups,
            in_channels: ws[1] * groups,
            out_channels: ws[0],
            kernel: Size2(ws[2], ws[3]),
            seed: 0,
        }
    }

    pub fn in_channels(&self) -> usize {
        self.in_channels
    }

    pub fn out_channels(&self) -> usize {
        self.out_channels
    }

    pub fn kernel_size(&self) -> Size2 {
        self.kernel
    }
}

impl Module for Conv2d {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        conv2d(
            x,
            &self.weight,
            self.bias.as_ref(),
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
        )
    }

    fn parameters(&self) -> Vec<Tensor> {
        weight_and_bias(&self.weight, self.bias.as_ref())
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        named_weight_and_bias(&self.weight, self.bias.as_ref())
    }
}

// ------------------------------------------------------------------ Conv1d

/// A 1-D convolution layer (PyTorch's `nn.Conv1d`) on `[N, C, L]`: weight
/// `[out, in/groups, k]`, bias `[out]`, PyTorch's initialization.
pub struct Conv1d {
    pub weight: Tensor,
    pub bias: Option<Tensor>,
    pub stride: usize,
    pub padding: usize,
    pub dilation: usize,
    pub groups: usize,
}

impl Conv1d {
    #[track_caller]
    pub fn new(in_channels: usize, out_channels: usize, kernel_size: usize, seed: u64) -> Conv1d {
        Conv1d::build(in_channels, out_channels, kernel_size, 1, seed)
    }

    /// The layer with `groups` channel groups (weight `[out, in/groups, k]`).
    #[track_caller]
    pub fn with_groups(
        in_channels: usize,
        out_channels: usize,
        kernel_size: usize,
        groups: usize,
        seed: u64,
    ) -> Conv1d {
        Conv1d::build(in_channels, out_channels, kernel_size, groups, seed)
    }

    #[track_caller]
    fn build(
        in_channels: usize,
        out_channels: usize,
        k: usize,
        groups: usize,
        seed: u64,
    ) -> Conv1d {
        if in_channels == 0 || out_channels == 0 || k == 0 {
            panic!("Conv1d: channels and kernel size must be at least 1");
        }
        if groups == 0
            || !in_channels.is_multiple_of(groups)
            || !out_channels.is_multiple_of(groups)
        {
            panic!("Conv1d: groups = {groups} must divide in_channels = {in_channels} and out_channels = {out_channels}");
        }
        let cg = in_channels / groups;
        let (weight, bias) = uniform_init(&[out_channels, cg, k], Some(out_channels), cg * k, seed);
        Conv1d {
            weight,
            bias,
            stride: 1,
            padding: 0,
            dilation: 1,
            groups,
        }
    }

    pub fn stride(mut self, stride: usize) -> Conv1d {
        self.stride = stride;
        self
    }

    pub fn padding(mut self, padding: usize) -> Conv1d {
        self.padding = padding;
        self
    }

    pub fn dilation(mut self, dilation: usize) -> Conv1d {
        self.dilation = dilation;
        self
    }

    pub fn without_bias(mut self) -> Conv1d {
        self.bias = None;
        self
    }
}

impl Module for Conv1d {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        conv1d(
            x,
            &self.weight,
            self.bias.as_ref(),
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
        )
    }

    fn parameters(&self) -> Vec<Tensor> {
        weight_and_bias(&self.weight, self.bias.as_ref())
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        named_weight_and_bias(&self.weight, self.bias.as_ref())
    }
}

// --------------------------------------------------------- ConvTranspose2d

/// A transposed 2-D convolution layer (PyTorch's `nn.ConvTranspose2d`):
/// weight `[in, out/groups, kh, kw]`, bias `[out]`, initialized like PyTorch
/// (uniform in `±1/√(out/groups·kh·kw)`).
pub struct ConvTranspose2d {
    pub weight: Tensor,
    pub bias: Option<Tensor>,
    pub stride: Size2,
    pub padding: Size2,
    pub output_padding: Size2,
    pub dilation: Size2,
    pub groups: usize,
}

impl ConvTranspose2d {
    #[track_caller]
    pub fn new(
        in_channels: usize,
        out_channels: usize,
        kernel_size: impl Into<Size2>,
        seed: u64,
    ) -> ConvTranspose2d {
        ConvTranspose2d::with_groups(in_channels, out_channels, kernel_size, 1, seed)
    }

    #[track_caller]
    pub fn with_groups(
        in_channels: usize,
        out_channels: usize,
        kernel_size: impl Into<Size2>,
        groups: usize,
        seed: u64,
    ) -> ConvTranspose2d {
        let Size2(kh, kw) = kernel_size.into();
        if in_channels == 0 || out_channels == 0 || kh == 0 || kw == 0 {
            panic!("ConvTranspose2d: channels and kernel sizes must be at least 1");
        }
        if groups == 0
            || !in_channels.is_multiple_of(groups)
            || !out_channels.is_multiple_of(groups)
        {
            panic!("ConvTranspose2d: groups = {groups} must divide in_channels = {in_channels} and out_channels = {out_channels}");
        }
        let og = out_channels / groups;
        let (weight, bias) = uniform_init(
            &[in_channels, og, kh, kw],
            Some(out_channels),
            og * kh * kw,
            seed,
        );
        ConvTranspose2d {
            weight,
            bias,
            stride: Size2(1, 1),
            padding: Size2(0, 0),
            output_padding: Size2(0, 0),
            dilation: Size2(1, 1),
            groups,
        }
    }

    pub fn stride(mut self, stride: impl Into<Size2>) -> ConvTranspose2d {
        self.stride = stride.into();
        self
    }

    pub fn padding(mut self, padding: impl Into<Size2>) -> ConvTranspose2d {
        self.padding = padding.into();
        self
    }

    pub fn output_padding(mut self, output_padding: impl Into<Size2>) -> ConvTranspose2d {
        self.output_padding = output_padding.into();
        self
    }

    pub fn dilation(mut self, dilation: impl Into<Size2>) -> ConvTranspose2d {
        self.dilation = dilation.into();
        self
    }

    pub fn without_bias(mut self) -> ConvTranspose2d {
        self.bias = None;
        self
    }
}

impl Module for ConvTranspose2d {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        conv_transpose2d(
            x,
            &self.weight,
            self.bias.as_ref(),
            self.stride,
            self.padding,
            self.output_padding,
            self.groups,
            self.dilation,
        )
    }

    fn parameters(&self) -> Vec<Tensor> {
        weight_and_bias(&self.weight, self.bias.as_ref())
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        named_weight_and_bias(&self.weight, self.bias.as_ref())
    }
}

// ------------------------------------------------------- flatten/unflatten

/// Merges dimensions `start_dim..` into one (PyTorch's `torch.flatten(x, start_dim)`);
/// `flatten(&x, 1)` turns `[N, C, H, W]` into `[N, C·H·W]`.
#[track_caller]
pub fn flatten(x: &Tensor, start_dim: usize) -> Tensor {
    let shape = x.shape();
    if start_dim >= shape.len().max(1) {
        panic!("flatten: start_dim {start_dim} is out of range for a tensor of shape {shape:?}");
    }
    let mut out: Vec<usize> = shape[..start_dim].to_vec();
    out.push(shape[start_dim..].iter().product());
    x.reshape(&out)
}

/// Splits dimension `dim` into `sizes` (PyTorch's `torch.unflatten`);
/// `unflatten(&x, 1, &[16, 7, 7])` turns `[N, 784]` into `[N, 16, 7, 7]`.
#[track_caller]
pub fn unflatten(x: &Tensor, dim: usize, sizes: &[usize]) -> Tensor {
    let shape = x.shape();
    if dim >= shape.len() {
        panic!("unflatten: dimension {dim} is out of range for a tensor of shape {shape:?}");
    }
    if sizes.iter().product::<usize>() != shape[dim] {
        panic!(
            "unflatten: sizes {sizes:?} multiply to {}, but dimension {dim} of shape {shape:?} has size {}",
            sizes.iter().product::<usize>(),
            shape[dim]
        );
    }
    let mut out: Vec<usize> = shape[..dim].to_vec();
    out.extend_from_slice(sizes);
    out.extend_from_slice(&shape[dim + 1..]);
    x.reshape(&out)
}

/// [`flatten`] from dimension `start_dim` as a module (PyTorch's `nn.Flatten`;
/// `Flatten::default()` starts at 1, keeping the batch dimension).
#[derive(Debug, Clone, Copy)]
pub struct Flatten(pub usize);

impl Default for Flatten {
    fn default() -> Self {
        Flatten(1)
    }
}

impl Module for Flatten {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        flatten(x, self.0)
    }
}

/// [`unflatten`] as a module (PyTorch's `nn.Unflatten`).
#[derive(Debug, Clone)]
pub struct Unflatten(pub usize, pub Vec<usize>);

impl Module for Unflatten {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        unflatten(x, self.0, &self.1)
    }
}
