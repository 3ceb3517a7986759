//! Pooling (PyTorch's `nn.MaxPool2d`, `nn.AvgPool2d`, `nn.AdaptiveAvgPool2d`
//! and their functional forms) on NCHW tensors.
//!
//! Non-overlapping windows that tile the input (the common `MaxPool2d(2)`)
//! are a free reshape to `[N, C, Ho, kh, Wo, kw]` and two reductions; other
//! cases gather windows with the same view trick as the convolutions
//! (`conv::windows`). Adaptive average pooling is two matrix products with
//! averaging matrices (`P_h · x · P_wᵀ`), so it needs no windows at all.
//!
//! On the engine's CPU compiler, tiled max pooling is one fused operator
//! ([`Op::MaxPoolTiles`]) with its own adjoint, one pass each (kernels in
//! `cpu/kernels/pooling.rs`, the same bits as the reductions they replace);
//! other backends run the reductions.
//!
//! Gradients of max pooling follow the engine's max reduction: on ties the
//! gradient is **split evenly** among the tied elements (PyTorch gives it all
//! to one of them). After a ReLU, all-zero windows are common ties, but the
//! ReLU's own gradient there is 0, so parameters get the same gradients.

use crate::ir::Op;
use crate::nn::conv::{out_len, pad_axes, windows, windows_len, Size2};
use crate::nn::Module;
use crate::tensor::Tensor;

/// Any real activation is above this; used as the value of max pooling's padding.
const MAX_POOL_PAD: f32 = -3.0e38;

#[track_caller]
fn check_nchw(name: &str, x: &Tensor) -> [usize; 4] {
    let s = x.shape();
    if s.len() != 4 {
        panic!("{name}: expects an input of shape [batch, channels, height, width], but got shape {s:?}");
    }
    [s[0], s[1], s[2], s[3]]
}

/// The windows of `x` as `[N·C, kh, ho, kw, wo]`, padded with `fill`.
fn pool_windows(
    name: &str,
    x: &Tensor,
    Size2(kh, kw): Size2,
    Size2(sh, sw): Size2,
    Size2(ph, pw): Size2,
    fill: f32,
) -> (Tensor, usize, usize) {
    let [n, c, h, w] = check_nchw(name, x);
    if kh == 0 || kw == 0 || sh == 0 || sw == 0 {
        panic!("{name}: kernel size and stride must be at least 1");
    }
    if 2 * ph > kh || 2 * pw > kw {
        panic!("{name}: padding ({ph}, {pw}) must be at most half the kernel size ({kh}, {kw})");
    }
    let ho = out_len(name, h, kh, sh, ph, 1);
    let wo = out_len(name, w, kw, sw, pw, 1);
    let need_h = windows_len(kh, sh, 1, ho).max(h + 2 * ph);
    let need_w = windows_len(kw, sw, 1, wo).max(w + 2 * pw);
    let x3 = x.reshape(&[n * c, h, w]);
    let mut xp = pad_axes(&x3, &[(1, ph, need_h - h - ph), (2, pw, need_w - w - pw)]);
    if fill != 0.0 && (need_h > h || need_w > w) {
        // Padding reads as zero; shift it to `fill` with a constant of the padded shape.
        let mut shift = vec![fill; need_h * need_w];
        for i in 0..h {
            for j in 0..w {
                shift[(i + ph) * need_w + j + pw] = 0.0;
            }
        }
        xp = xp.add(Tensor::from_vec(shift, &[need_h, need_w]));
    }
    let rows = windows(&xp, 1, kh, sh, 1, ho);
    (windows(&rows, 3, kw, sw, 1, wo), ho, wo)
}

/// Non-overlapping windows that tile the input exactly: `[N, C, Ho, kh, Wo, kw]`.
fn tiles(x: &Tensor, k: Size2, s: Size2, p: Size2) -> Option<Tensor> {
    let [n, c, h, w] = x.shape().try_into().ok()?;
    let Size2(kh, kw) = k;
    let tiles = k == s
        && p == Size2(0, 0)
        && kh > 0
        && kw > 0
        && h.is_multiple_of(kh)
        && w.is_multiple_of(kw);
    tiles.then(|| x.reshape(&[n, c, h / kh, kh, w / kw, kw]))
}

/// Max pooling (PyTorch's `F.max_pool2d` with dilation 1, floor mode):
/// the largest value of every `kernel_size` window, moving by `stride`;
/// `padding` (at most half the kernel) never wins.
#[track_caller]
pub fn max_pool2d(
    x: &Tensor,
    kernel_size: impl Into<Size2>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
) -> Tensor {
    let (k, s, p) = (kernel_size.into(), stride.into(), padding.into());
    if let Some(t) = tiles(x, k, s, p) {
        if crate::realize::fused_operators_here() {
            // `t` is `[N, C, Ho, kh, Wo, kw]`.
            let s = t.shape();
            let op = Op::MaxPoolTiles { kh: k.0, kw: k.1 };
            return Tensor::from_op(op, vec![x.contiguous()], vec![s[0], s[1], s[2], s[4]]);
        }
        return t.max_dim(5, false).max_dim(3, false).with_gradient(x, max_pool_tiles_gradient);
    }
    let [n, c, _, _] = check_nchw("max_pool2d", x);
    let (win, ho, wo) = pool_windows("max_pool2d", x, k, s, p, MAX_POOL_PAD);
    win.max_dim(3, false)
        .max_dim(1, false)
        .reshape(&[n, c, ho, wo])
}

/// The gradient of max pooling over tiles, `y` `[N, C, Ho, Wo]` from `x`
/// `[N, C, Ho·kh, Wo·kw]`: each window's gradient is split evenly among the
/// elements equal to its maximum. Derived through the two reductions it
/// would need a tie mask, a tie count and a share for each (6 passes over
/// the input); here the count is one fused pass over the `kh·kw` taps and
/// the result one more.
fn max_pool_tiles_gradient(g: &Tensor, x: &Tensor, y: &Tensor) -> Tensor {
    let ([n, c, h, w], [_, _, ho, wo]) = (check_nchw("max_pool2d", x), check_nchw("max_pool2d", y));
    let (kh, kw) = (h / ho, w / wo);
    let t = x.reshape(&[n, c, ho, kh, wo, kw]);
    let y = y.reshape(&[n, c, ho, 1, wo, 1]);
    // x ≤ max everywhere, so "not below the max" is "equal to it", and the
    // ties are the window's size less the elements below the max.
    let below = (0..kh)
        .flat_map(|a| (0..kw).map(move |b| (a, b)))
        .map(|(a, b)| t.slice(3, a, a + 1).slice(5, b, b + 1).lt(&y))
        .reduce(|sum, miss| sum.add(&miss))
        .expect("a window has at least one element");
    let ties = (kh * kw) as f32 - &below;
    let share = g.reshape(&[n, c, ho, 1, wo, 1]).div(&ties);
    (1.0 - &t.lt(&y)).mul(&share).reshape(&[n, c, h, w])
}

/// The gradient of an [`Op::MaxPoolTiles`] node's input, given `g`, the
/// gradient of its output `y`: the fused adjoint, one pass.
pub(crate) fn fused_max_pool_adjoint(x: &Tensor, y: Tensor, g: &Tensor, kh: usize, kw: usize) -> Tensor {
    let op = Op::MaxPoolTilesBackward { kh, kw };
    Tensor::from_op(op, vec![g.contiguous(), x.clone(), y], x.shape())
}

/// Average pooling (PyTorch's `F.avg_pool2d`, floor mode, padding counted in
/// the average as zeros: `count_include_pad = True`).
#[track_caller]
pub fn avg_pool2d(
    x: &Tensor,
    kernel_size: impl Into<Size2>,
    stride: impl Into<Size2>,
    padding: impl Into<Size2>,
) -> Tensor {
    let (k, s, p) = (kernel_size.into(), stride.into(), padding.into());
    if let Some(t) = tiles(x, k, s, p) {
        return t.mean_dim(5, false).mean_dim(3, false);
    }
    let [n, c, _, _] = check_nchw("avg_pool2d", x);
    let (win, ho, wo) = pool_windows("avg_pool2d", x, k, s, p, 0.0);
    win.sum_dim(3, false)
        .sum_dim(1, false)
        .mul(1.0 / (k.0 * k.1) as f32)
        .reshape(&[n, c, ho, wo])
}

/// `[out, len]` averaging matrix of adaptive pooling: row `i` averages
/// `floor(i·len/out) .. ceil((i+1)·len/out)` (PyTorch's bins).
fn adaptive_matrix(len: usize, out: usize) -> Tensor {
    let mut m = vec![0.0; out * len];
    for i in 0..out {
        let start = i * len / out;
        let end = ((i + 1) * len).div_ceil(out);
        for j in start..end {
            m[i * len + j] = 1.0 / (end - start) as f32;
        }
    }
    Tensor::from_vec(m, &[out, len])
}

/// Adaptive average pooling to `output_size` (PyTorch's
/// `F.adaptive_avg_pool2d`): output cell `(i, j)` averages rows
/// `floor(i·H/Ho) .. ceil((i+1)·H/Ho)` and the same for columns.
#[track_caller]
pub fn adaptive_avg_pool2d(x: &Tensor, output_size: impl Into<Size2>) -> Tensor {
    let [_, _, h, w] = check_nchw("adaptive_avg_pool2d", x);
    let Size2(oh, ow) = output_size.into();
    if oh == 0 || ow == 0 {
        panic!("adaptive_avg_pool2d: the output size must be at least 1");
    }
    if oh == 1 && ow == 1 {
        return x.mean_dim(3, true).mean_dim(2, true);
    }
    let by_cols = x.matmul(&adaptive_matrix(w, ow).t());
    adaptive_matrix(h, oh).matmul(&by_cols)
}

/// [`max_pool2d`] as a module (PyTorch's `nn.MaxPool2d`): `MaxPool2d::new(2)`
/// has stride 2 (the kernel size) and no padding; change them builder-style.
#[derive(Debug, Clone, Copy)]
pub struct MaxPool2d {
    pub kernel_size: Size2,
    pub stride: Size2,
    pub padding: Size2,
}

impl MaxPool2d {
    pub fn new(kernel_size: impl Into<Size2>) -> MaxPool2d {
        let k = kernel_size.into();
        MaxPool2d {
            kernel_size: k,
            stride: k,
            padding: Size2(0, 0),
        }
    }

    pub fn stride(mut self, stride: impl Into<Size2>) -> MaxPool2d {
        self.stride = stride.into();
        self
    }

    pub fn padding(mut self, padding: impl Into<Size2>) -> MaxPool2d {
        self.padding = padding.into();
        self
    }
}

impl Module for MaxPool2d {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        max_pool2d(x, self.kernel_size, self.stride, self.padding)
    }
}

/// [`avg_pool2d`] as a module (PyTorch's `nn.AvgPool2d`), stride = kernel size by default.
#[derive(Debug, Clone, Copy)]
pub struct AvgPool2d {
    pub kernel_size: Size2,
    pub stride: Size2,
    pub padding: Size2,
}

impl AvgPool2d {
    pub fn new(kernel_size: impl Into<Size2>) -> AvgPool2d {
        let k = kernel_size.into();
        AvgPool2d {
            kernel_size: k,
            stride: k,
            padding: Size2(0, 0),
        }
    }

    pub fn stride(mut self, stride: impl Into<Size2>) -> AvgPool2d {
        self.stride = stride.into();
        self
    }

    pub fn padding(mut self, padding: impl Into<Size2>) -> AvgPool2d {
        self.padding = padding.into();
        self
    }
}

impl Module for AvgPool2d {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        avg_pool2d(x, self.kernel_size, self.stride, self.padding)
    }
}

/// [`adaptive_avg_pool2d`] as a module (PyTorch's `nn.AdaptiveAvgPool2d`).
#[derive(Debug, Clone, Copy)]
pub struct AdaptiveAvgPool2d(pub Size2);

impl AdaptiveAvgPool2d {
    pub fn new(output_size: impl Into<Size2>) -> AdaptiveAvgPool2d {
        AdaptiveAvgPool2d(output_size.into())
    }
}

impl Module for AdaptiveAvgPool2d {
    #[track_caller]
    fn forward(&self, x: &Tensor) -> Tensor {
        adaptive_avg_pool2d(x, self.0)
    }
}
